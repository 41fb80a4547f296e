/**
 * Why a sync attempt failed, sorted by what the worker does about it:
 * - transient: the network, a timeout, a 5xx — retry with backoff, nothing is wrong locally;
 * - auth: the server refused this device (401/403) — stop and alarm until a person acts;
 * - refused: the server or this workstation refused data (a bad entry, a sibling key that
 *   changed) — keep the message visible and retry slowly; retrying cannot make it worse.
 */
export type SyncErrorKind = 'transient' | 'auth' | 'refused' | 'not-enrolled';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
