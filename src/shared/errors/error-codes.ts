import { z } from 'zod';

/**
 * Every error code RxLedger answers with, and what each transport makes of it: the HTTP status
 * (browser host, POS API, central server) and the CLI's exit code. One table, so a refusal
 * means the same wherever it is seen. CLI exit codes: 2 bad input or not found, 3 the ledger
 * does not verify, 4 not allowed or not authenticated, 5 refused by the state of the records,
 * 6 the service is unavailable (retry), 1 anything else.
 */
export const ERROR_CODES = {
  // Input and identity
  BAD_INPUT: { http: 400, exit: 2, meaning: 'the request is malformed or a field is wrong' },
  WEAK_PASSWORD: { http: 400, exit: 2, meaning: 'the new password is too weak' },
  NOT_FOUND: { http: 404, exit: 2, meaning: 'no such record' },
  NOT_SIGNED_IN: { http: 401, exit: 4, meaning: 'sign in first' },
  SESSION_ENDED: { http: 401, exit: 4, meaning: 'the session ended (idle or signed out)' },
  BAD_CREDENTIALS: { http: 401, exit: 4, meaning: 'wrong user ID or password' },
  FORBIDDEN: { http: 403, exit: 4, meaning: 'the role may not do this' },
  LOCKED: { http: 403, exit: 4, meaning: 'the account is locked after failed sign-ins' },
  DISABLED: { http: 403, exit: 4, meaning: 'the account is disabled' },
  MUST_CHANGE_PASSWORD: { http: 403, exit: 4, meaning: 'the one-time password must be changed first' },
  // The state of the records
  CONFLICT: { http: 409, exit: 5, meaning: 'already done, or the record changed meanwhile' },
  HOLD_ACTIVE: { http: 409, exit: 5, meaning: 'the lot is on compliance hold' },
  INSUFFICIENT_STOCK: { http: 409, exit: 5, meaning: 'more than is on hand' },
  // Service
  UNAVAILABLE: { http: 503, exit: 6, meaning: 'busy or out of space: try again' },
  STORAGE_FULL: { http: 503, exit: 6, meaning: 'the disk is full: nothing of the request was committed; free space and retry' },
  INTERNAL: { http: 500, exit: 1, meaning: 'an unexpected error' },
  // Central server: sync protocol and administration
  BAD_JSON: { http: 400, exit: 2, meaning: 'the body is not JSON' },
  BAD_REQUEST: { http: 400, exit: 2, meaning: 'the request does not fit the protocol' },
  BAD_PUBLIC_KEY: { http: 400, exit: 2, meaning: 'not an Ed25519 public key' },
  BAD_ENROLL_SIGNATURE: { http: 400, exit: 2, meaning: 'the enrollment proof does not verify' },
  AUTH_MISSING: { http: 401, exit: 4, meaning: 'the device did not sign the request' },
  BAD_REQUEST_SIGNATURE: { http: 401, exit: 4, meaning: 'the request signature does not verify' },
  NONCE_INVALID: { http: 401, exit: 4, meaning: 'the challenge is unknown, used or expired' },
  UNKNOWN_DEVICE: { http: 401, exit: 4, meaning: 'the device is not enrolled' },
  ADMIN_TOKEN_MISSING: { http: 401, exit: 4, meaning: 'the administration token is missing' },
  ADMIN_TOKEN_REFUSED: { http: 401, exit: 4, meaning: 'the administration token is wrong' },
  DEVICE_FLAGGED: { http: 403, exit: 4, meaning: 'the device is blocked after a fork or refusal' },
  DEVICE_RETIRED: { http: 403, exit: 4, meaning: 'the device was retired by the central office; nothing more is accepted from it' },
  WRONG_DEVICE: { http: 403, exit: 4, meaning: 'a device may only push its own chain' },
  ORIGIN_REFUSED: { http: 403, exit: 4, meaning: 'a console request came from a page of another origin' },
  HEALTH_FACILITY_MISMATCH: { http: 403, exit: 4, meaning: 'a workstation may report health only for its own facility' },
  ENROLLMENT_CODE_REFUSED: { http: 403, exit: 4, meaning: 'no such enrollment code' },
  ENROLLMENT_CODE_EXPIRED: { http: 403, exit: 4, meaning: 'the enrollment code expired' },
  ENROLLMENT_CODE_USED: { http: 403, exit: 4, meaning: 'the enrollment code was used' },
  UNKNOWN_FACILITY: { http: 404, exit: 2, meaning: 'no such facility' },
  FACILITY_EXISTS: { http: 409, exit: 5, meaning: 'the facility exists with other details' },
  FACILITY_MISMATCH: { http: 409, exit: 5, meaning: 'the code or entry is for another facility' },
  DEVICE_KEY_MISMATCH: { http: 409, exit: 5, meaning: 'the device is enrolled with another key' },
  FORK: { http: 409, exit: 5, meaning: 'a different entry at a seq already accepted' },
  GAP: { http: 409, exit: 5, meaning: 'entries are missing before this seq' },
  SIGNATURE_CONFLICT: { http: 409, exit: 5, meaning: 'a different signature is held for the entry' },
  ENTRY_NOT_PUSHED: { http: 409, exit: 5, meaning: 'the signed entry has not been pushed' },
  BAD_SIGNATURE: { http: 422, exit: 5, meaning: 'a signature does not verify' },
  INVALID_ENTRY: { http: 422, exit: 5, meaning: 'an entry breaks the ledger format or its chain' },
  SIGNING_KEY_CONFLICT: { http: 422, exit: 5, meaning: 'the signing key is registered to someone else' },
} as const satisfies Record<string, { http: number; exit: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const httpStatusOf = (code: ErrorCode): number => ERROR_CODES[code].http;
export const exitCodeOf = (code: ErrorCode): number => ERROR_CODES[code].exit;
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** A refusal a person can act on: a code from the table and a sentence that says what to do. */
export class RxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
