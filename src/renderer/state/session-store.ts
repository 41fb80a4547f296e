import { createStore } from 'zustand/vanilla';
import { RxError, type ChannelOutput, type SessionView } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';
import { idleLogoffMessage } from '../format/age';

type EndedBecause = ChannelOutput<'auth.session'>['endedBecause'];

export interface SessionState {
  /** False until the first auth.session answer: nothing but a "connecting" screen before that. */
  loaded: boolean;
  session: SessionView | null;
  /** Why the sign-in screen is showing, e.g. the idle logoff; cleared by the next sign-in. */
  notice: string | null;
  /** The last failure to ask for the session (service down, launch token refused). */
  error: RxError | null;
  refresh(): Promise<void>;
  signIn(userId: string, password: string): Promise<void>;
  changePassword(current: string, next: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Survives a reload of the tab, so the idle notice can still name the timeout afterwards. */
const IDLE_KEY = 'rxledger.idleTimeoutSeconds';

export interface SessionStoreDeps {
  invoke: Invoke;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

export function noticeFor(endedBecause: EndedBecause, idleTimeoutSeconds: number | null): string | null {
  switch (endedBecause) {
    case 'idle':
      return idleLogoffMessage(idleTimeoutSeconds);
    case 'replaced':
      return 'Your session ended because a new sign-in replaced it.';
    default:
      return null;
  }
}

export function createSessionStore({ invoke, storage }: SessionStoreDeps) {
  let lastIdle: number | null = readIdle(storage);
  let inFlight: Promise<void> | null = null;
  /**
   * Bumped by every sign-in, password change and sign-out. A session question asked before one
   * of them answers about the time before it: a "not signed in" that was asked while the previous
   * user signed out must not sign out the person who has signed in since.
   */
  let epoch = 0;

  function remember(session: SessionView) {
    lastIdle = session.idleTimeoutSeconds;
    try {
      storage?.setItem(IDLE_KEY, String(lastIdle));
    } catch {
      // Only costs the exact minutes in a later notice.
    }
  }

  const store = createStore<SessionState>()((set, get) => ({
    loaded: false,
    session: null,
    notice: null,
    error: null,

    refresh() {
      // Focus and the timer can both ask at once; one question is enough.
      inFlight ??= (async () => {
        const askedAt = epoch;
        try {
          const { session, endedBecause } = await invoke('auth.session', {});
          if (askedAt !== epoch) return;
          if (session) {
            remember(session);
            set({ loaded: true, session, error: null });
          } else {
            const notice = noticeFor(endedBecause, lastIdle) ?? get().notice;
            set({ loaded: true, session: null, notice, error: null });
          }
        } catch (err) {
          if (askedAt === epoch) set({ error: asRxError(err) });
        } finally {
          inFlight = null;
        }
      })();
      return inFlight;
    },

    async signIn(userId, password) {
      const { session } = await invoke('auth.signIn', { userId, password });
      epoch++;
      remember(session);
      set({ loaded: true, session, notice: null, error: null });
    },

    async changePassword(current, next) {
      const { session } = await invoke('auth.changePassword', { current, next });
      epoch++;
      remember(session);
      set({ session, error: null });
    },

    async signOut() {
      await invoke('auth.signOut', {});
      epoch++;
      set({ session: null, notice: null });
    },
  }));
  return store;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

function readIdle(storage: SessionStoreDeps['storage']): number | null {
  try {
    const v = Number(storage?.getItem(IDLE_KEY));
    return Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export function asRxError(err: unknown): RxError {
  return err instanceof RxError ? err : new RxError('INTERNAL', err instanceof Error ? err.message : String(err));
}
