import { describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/domain/roles';
import { homeScreen, resolveScreen, SCREEN_LIST, screensFor, shortcutNumber, shortcutTarget } from './screen-list';

describe('screens per role', () => {
  it('give each screen the same Alt+number for every role', () => {
    for (const role of ROLES) {
      for (const s of screensFor(role)) {
        const n = shortcutNumber(s.id)!;
        expect(shortcutTarget(n - 1, role)).toEqual({ kind: 'open', screen: s });
      }
    }
    // Counts is Alt+6 whether a technician or a manager presses it.
    expect(shortcutTarget(5, 'technician')).toMatchObject({ kind: 'open', screen: { id: 'counts' } });
    expect(shortcutTarget(5, 'manager')).toMatchObject({ kind: 'open', screen: { id: 'counts' } });
  });

  it('say, rather than open another screen, when the role may not open the one asked for', () => {
    const reports = SCREEN_LIST.findIndex((s) => s.id === 'reports');
    const quarantine = SCREEN_LIST.findIndex((s) => s.id === 'quarantine');
    expect(shortcutTarget(reports, 'technician')).toMatchObject({ kind: 'not-allowed', screen: { id: 'reports' } });
    expect(shortcutTarget(quarantine, 'technician')).toMatchObject({ kind: 'not-allowed', screen: { id: 'quarantine' } });
    expect(shortcutTarget(9, 'admin')).toEqual({ kind: 'none' });
  });

  it('start each role on its home screen', () => {
    expect(homeScreen('technician')).toBe('receiving');
    expect(homeScreen('pharmacist')).toBe('holds');
    expect(homeScreen('manager')).toBe('reports');
    expect(homeScreen('admin')).toBe('settings');
    for (const role of ROLES) expect(screensFor(role).map((s) => s.id)).toContain(homeScreen(role));
  });

  it('fall back to home for a screen the role cannot open or that is gone', () => {
    expect(resolveScreen('reports', 'technician')).toBe('receiving');
    expect(resolveScreen('no-such-screen', 'manager')).toBe('reports');
    expect(resolveScreen(null, 'pharmacist')).toBe('holds');
    expect(resolveScreen('ledger', 'technician')).toBe('ledger');
  });
});
