/**
 * Browser mode's per-launch token. The host prints `http://127.0.0.1:PORT/#token=...`; the
 * fragment never reaches the server's logs, and we take it out of the address bar at once so it
 * is not shoulder-surfed, bookmarked or shared. sessionStorage keeps it for reloads of this tab
 * only, and it dies with the tab.
 */
export const TOKEN_STORAGE_KEY = 'rxledger.launchToken';

export interface LaunchTokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

/** Reads the token from the fragment (first load) or from sessionStorage (reloads). */
export function captureLaunchToken(env: LaunchTokenEnv): string | null {
  const fromUrl = tokenFromFragment(env.location.hash);
  if (fromUrl) {
    try {
      env.storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    const params = new URLSearchParams(env.location.hash.replace(/^#/, ''));
    params.delete('token');
    const rest = params.toString();
    env.history.replaceState(env.history.state, '', env.location.pathname + env.location.search + (rest ? `#${rest}` : ''));
    return fromUrl;
  }
  try {
    return env.storage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
