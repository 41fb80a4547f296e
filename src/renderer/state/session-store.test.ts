import { describe, expect, it } from 'vitest';
import { RxError, type SessionView } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';
import { createSessionStore } from './session-store';

const ALICE: SessionView = { userId: 'alice', name: 'Alice Ng', role: 'pharmacist', mustChangePassword: false, idleTimeoutSeconds: 600 };

function fakeInvoke(answers: Record<string, () => unknown>): Invoke {
  return (async (channel: string) => {
    const a = answers[channel];
    if (!a) throw new Error(`unexpected ${channel}`);
    return a();
  }) as Invoke;
}

describe('session store', () => {
  it('shows the idle notice with the last known timeout when the session ends idle', async () => {
    let reply: unknown = { session: ALICE, endedBecause: null };
    const store = createSessionStore({ invoke: fakeInvoke({ 'auth.session': () => reply }) });
    await store.getState().refresh();
    expect(store.getState().session?.userId).toBe('alice');
    reply = { session: null, endedBecause: 'idle' };
    await store.getState().refresh();
    expect(store.getState().session).toBeNull();
    expect(store.getState().notice).toBe('Signed off after 10 minutes without activity');
  });

  it('remembers the timeout across a reload through storage', async () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const first = createSessionStore({ invoke: fakeInvoke({ 'auth.session': () => ({ session: { ...ALICE, idleTimeoutSeconds: 300 }, endedBecause: null }) }), storage });
    await first.getState().refresh();
    const second = createSessionStore({ invoke: fakeInvoke({ 'auth.session': () => ({ session: null, endedBecause: 'idle' }) }), storage });
    await second.getState().refresh();
    expect(second.getState().notice).toBe('Signed off after 5 minutes without activity');
  });

  it('clears the notice on sign-in and keeps the error of a failed poll', async () => {
    const store = createSessionStore({
      invoke: fakeInvoke({
        'auth.session': () => ({ session: null, endedBecause: 'idle' }),
        'auth.signIn': () => ({ session: ALICE }),
      }),
    });
    await store.getState().refresh();
    expect(store.getState().notice).not.toBeNull();
    await store.getState().signIn('alice', 'correct horse');
    expect(store.getState().notice).toBeNull();
    expect(store.getState().session?.name).toBe('Alice Ng');
  });

  it('records a poll failure without dropping the session', async () => {
    let fail = false;
    const store = createSessionStore({
      invoke: fakeInvoke({
        'auth.session': () => {
          if (fail) throw new RxError('UNAVAILABLE', 'The workstation service is not answering');
          return { session: ALICE, endedBecause: null };
        },
      }),
    });
    await store.getState().refresh();
    fail = true;
    await store.getState().refresh();
    expect(store.getState().session?.userId).toBe('alice');
    expect(store.getState().error?.code).toBe('UNAVAILABLE');
  });

  it('a session question asked before a sign-in does not sign out the person who signed in meanwhile', async () => {
    let answerSession: (v: unknown) => void = () => undefined;
    const store = createSessionStore({
      invoke: (async (channel: string) => {
        if (channel === 'auth.session') return new Promise<unknown>((r) => (answerSession = r));
        if (channel === 'auth.signIn') return { session: ALICE };
        throw new Error(`unexpected ${channel}`);
      }) as Invoke,
    });
    // Asked while nobody was signed in (a screen's call refused after the last sign-out)…
    const asked = store.getState().refresh();
    await store.getState().signIn('alice', 'correct horse');
    // …and answered only after Alice signed in.
    answerSession({ session: null, endedBecause: 'signed-out' });
    await asked;
    expect(store.getState().session?.userId).toBe('alice');
    // A question asked after the sign-in is heard as always.
    const later = store.getState().refresh();
    answerSession({ session: null, endedBecause: 'idle' });
    await later;
    expect(store.getState().session).toBeNull();
  });
});
