import { httpStatusOf, type ErrorCode } from '../shared/errors/error-codes';

/**
 * A refusal with a stable code from the one error table (src/shared/errors/error-codes.ts), the
 * HTTP status the table gives it, and a sentence a person can act on.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.statusCode = httpStatusOf(code);
  }
}
