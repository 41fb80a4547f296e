import { createStore } from 'zustand/vanilla';

export interface NavState {
  /** Who the open screen belongs to; null before anyone signed in on this tab. */
  user: string | null;
  screen: string;
  /**
   * The signed-in user's screen: the one they had open before a reload of the tab, else
   * `home`. Another user's screen is never carried over.
   */
  startFor(user: string, home: string): void;
  /** A new sign-in starts on the role's home screen, not where this user left off last time. */
  forget(user: string): void;
  go(screen: string): void;
}

const PREFIX = 'rxledger.screen.';

/** The open screen survives a reload of the tab, kept per user: never another user's screen. */
export function createNavStore(storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {
  const read = (user: string): string | null => {
    try {
      return storage?.getItem(PREFIX + user) ?? null;
    } catch {
      return null;
    }
  };
  return createStore<NavState>()((set, get) => ({
    user: null,
    screen: '',
    startFor(user, home) {
      if (get().user === user && get().screen) return;
      set({ user, screen: read(user) ?? home });
    },
    forget(user) {
      try {
        storage?.removeItem(PREFIX + user);
      } catch {
        // nothing kept, nothing to forget
      }
      if (get().user === user) set({ user: null, screen: '' });
    },
    go(screen) {
      const user = get().user;
      try {
        if (user) storage?.setItem(PREFIX + user, screen);
      } catch {
        // the choice just won't survive a reload
      }
      set({ screen });
    },
  }));
}
