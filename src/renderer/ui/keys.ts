/** Minimal shape of a KeyboardEvent, so the rules can be tested without a DOM. */
export interface KeyLike {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/**
 * Alt+1..9 opens the nth screen. Read from `code`, not `key`: on macOS and some layouts Alt turns
 * the digit into another character.
 */
export function screenShortcutIndex(e: KeyLike): number | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  return m ? Number(m[1]) - 1 : null;
}

export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
}

/** Typing "/" into a field must type it; elsewhere it jumps to search. */
export function isTypingTarget(t: TargetLike | null | undefined): boolean {
  if (!t) return false;
  const tag = (t.tagName ?? '').toUpperCase();
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable === true;
}

export function isSearchShortcut(e: KeyLike, target: TargetLike | null | undefined): boolean {
  return e.key === '/' && !e.altKey && !e.ctrlKey && !e.metaKey && !isTypingTarget(target);
}
