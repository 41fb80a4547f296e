import { describe, expect, it } from 'vitest';
import { createNavStore } from './nav-store';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

describe('the open screen', () => {
  it('is kept per user across a reload, and never handed to the next user', () => {
    const storage = memoryStorage();
    const a = createNavStore(storage);
    a.getState().startFor('tina', 'receiving');
    a.getState().go('ledger');
    // Reload of the tab while Tina is still signed in: her screen comes back.
    const afterReload = createNavStore(storage);
    afterReload.getState().startFor('tina', 'receiving');
    expect(afterReload.getState().screen).toBe('ledger');
    // Mark signs in on the same tab: his home, not Tina's Ledger.
    afterReload.getState().startFor('mark', 'reports');
    expect(afterReload.getState().screen).toBe('reports');
  });

  it('starts a new sign-in on the home screen', () => {
    const storage = memoryStorage();
    const s = createNavStore(storage);
    s.getState().startFor('tina', 'receiving');
    s.getState().go('ledger');
    s.getState().forget('tina');
    s.getState().startFor('tina', 'receiving');
    expect(s.getState().screen).toBe('receiving');
  });
});
