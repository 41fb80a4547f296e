import { createStore } from 'zustand/vanilla';

export interface NavState {
  screen: string;
  go(screen: string): void;
}

const KEY = 'rxledger.screen';

/** The open screen survives a reload of the tab, not a new sign-in by someone else. */
export function createNavStore(initial: string, storage?: Pick<Storage, 'getItem' | 'setItem'>) {
  let start = initial;
  try {
    start = storage?.getItem(KEY) ?? initial;
  } catch {
    // fall back to the first screen
  }
  return createStore<NavState>()((set) => ({
    screen: start,
    go(screen) {
      try {
        storage?.setItem(KEY, screen);
      } catch {
        // the choice just won't survive a reload
      }
      set({ screen });
    },
  }));
}
