/**
 * Retries only what can succeed on a later try (a busy database); a deterministic failure is
 * returned at once. Exponential backoff with full jitter, capped, so several writers that
 * collided do not collide again in lockstep.
 */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 50, capMs: 2_000 };

export function isTransientSqliteError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
}

export async function withRetry<T>(
  fn: () => T,
  isTransient: (err: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isTransient(err) || attempt + 1 >= policy.attempts) throw err;
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
