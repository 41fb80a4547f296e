/**
 * A write that failed because the disk (or SQLite's max_page_count) is full: SQLITE_FULL from
 * SQLite, ENOSPC / EDQUOT from the file system. Nothing of the failed transaction was
 * committed, and the same request succeeds once space is freed, so callers answer "retry
 * later" (503 with Retry-After) rather than an internal error.
 */
export function isStorageFullError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/** Seconds a client is told to wait before retrying after a full disk. */
export const STORAGE_FULL_RETRY_AFTER_SECONDS = 60;
