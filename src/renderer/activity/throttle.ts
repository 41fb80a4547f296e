/**
 * Reports user activity to the server at most once per interval. Leading edge only: the first
 * keystroke after a quiet spell is sent at once, which is the one that matters for an idle
 * logoff that is about to fire. Polling never calls this; only real input does.
 */
export interface ActivityReporter {
  /** Call on every keydown/pointerdown/wheel; cheap when throttled. */
  note(): void;
  /** Forget the last send, e.g. after sign-in, so the next input is reported at once. */
  reset(): void;
}

export interface ActivityReporterOptions {
  send: () => void;
  /** Read on every note, so it can follow the session's idle timeout. */
  intervalMs: () => number;
  now?: () => number;
}

export function createActivityReporter(opts: ActivityReporterOptions): ActivityReporter {
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  return {
    note() {
      const t = now();
      if (t - last < opts.intervalMs()) return;
      last = t;
      opts.send();
    },
    reset() {
      last = -Infinity;
    },
  };
}

export const DEFAULT_ACTIVITY_INTERVAL_MS = 20_000;

/** A quarter of the idle timeout when that is shorter than 20 s, so short timeouts still hold. */
export function activityIntervalFor(idleTimeoutSeconds: number | null | undefined): number {
  if (!idleTimeoutSeconds || idleTimeoutSeconds <= 0) return DEFAULT_ACTIVITY_INTERVAL_MS;
  return Math.min(DEFAULT_ACTIVITY_INTERVAL_MS, Math.max(1_000, (idleTimeoutSeconds * 1000) / 4));
}
