import { useCallback, useState } from 'react';

/**
 * Screen state that must survive a reload of the tab (filters, the open stock card, a form's
 * mode) but not a new sign-in on another tab: kept in sessionStorage as JSON. Never for
 * passwords. Falls back to memory where storage is unavailable.
 */
function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

export function readTabMemory<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = storage()?.getItem(key);
    if (raw == null) return fallback;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

export function writeTabMemory(key: string, value: unknown): void {
  try {
    if (value === null || value === undefined) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // the choice just won't survive a reload
  }
}

/** useState whose value is kept in the tab's sessionStorage under `key`. */
export function useTabMemory<T>(key: string, fallback: T, valid: (v: unknown) => v is T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => readTabMemory(key, fallback, valid));
  const set = useCallback(
    (v: T) => {
      setValue(v);
      writeTabMemory(key, v);
    },
    [key],
  );
  return [value, set];
}
