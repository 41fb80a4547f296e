export interface PollTarget {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  addEventListener(type: 'focus', fn: () => void): void;
  removeEventListener(type: 'focus', fn: () => void): void;
}

/**
 * Calls `fn` now, every `ms`, and whenever the window regains focus (a clerk coming back to the
 * counter should see the truth at once, not up to 5 s later). Returns the stop function.
 */
export function startPolling(fn: () => void, ms: number, target: PollTarget): () => void {
  fn();
  const id = target.setInterval(fn, ms);
  target.addEventListener('focus', fn);
  return () => {
    target.clearInterval(id);
    target.removeEventListener('focus', fn);
  };
}
