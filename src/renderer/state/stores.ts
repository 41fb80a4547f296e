import { useStore } from 'zustand';
import { invoke } from '../api/client';
import { createAppInfoStore, type AppInfoState } from './app-info-store';
import { createNavStore, type NavState } from './nav-store';
import { createSessionStore, type SessionState } from './session-store';
import { createStatusStore, type StatusState } from './status-store';

function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The app's single instances; the factories stay free of `window` so they can be tested in node. */
export const sessionStore = createSessionStore({ invoke, storage: tabStorage() });
export const statusStore = createStatusStore(invoke);
export const appInfoStore = createAppInfoStore(invoke);
/** Starts empty: the shell opens the signed-in user's screen, or their role's home. */
export const navStore = createNavStore(tabStorage());

export const useSession = <T,>(select: (s: SessionState) => T): T => useStore(sessionStore, select);
export const useStatus = <T,>(select: (s: StatusState) => T): T => useStore(statusStore, select);
export const useAppInfo = <T,>(select: (s: AppInfoState) => T): T => useStore(appInfoStore, select);
export const useNav = <T,>(select: (s: NavState) => T): T => useStore(navStore, select);
