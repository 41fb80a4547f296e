/**
 * Every identifier failure carries a code for programs and a message for the person at the
 * counter. The message says what is wrong and what to do; the structured fields let the UI
 * highlight the bad element and let receiving keep the raw scan beside the reason.
 */
export type IssueCode =
  | 'empty'
  | 'unrecognised'
  | 'bad-ndc'
  | 'ndc-ambiguous'
  | 'ndc-unknown'
  | 'ndc-not-convertible'
  | 'bad-gtin'
  | 'bad-check-digit'
  | 'not-ndc-gtin'
  | 'unknown-ai'
  | 'truncated'
  | 'too-long'
  | 'too-short'
  | 'bad-characters'
  | 'bad-date'
  | 'bad-value'
  | 'missing-separator'
  | 'conflicting-ai'
  | 'invalid-pair'
  | 'missing-association'
  | 'bad-upc-e'
  | 'bad-uri';

export interface IdentifierIssue {
  code: IssueCode;
  message: string;
  /** The GS1 application identifier of the element at fault, when there is one. */
  ai?: string;
  /** 0-based index into the input as given (symbology identifier included). */
  position?: number;
  /** The offending value, as read. */
  value?: string;
  /** For an ambiguous or unknown NDC: the 11-digit forms it could be. */
  candidates?: string[];
}

export interface Failure {
  ok: false;
  /** The same text as `issue.message`, so callers that only show text need not dig. */
  error: string;
  issue: IdentifierIssue;
}

export function fail(issue: IdentifierIssue): Failure {
  return { ok: false, error: issue.message, issue };
}

/** Thrown by the convenience functions that return a value instead of a result. */
export class IdentifierError extends Error {
  constructor(readonly issue: IdentifierIssue) {
    super(issue.message);
    this.name = 'IdentifierError';
  }
}

export function unwrap<T extends { ok: true }>(result: T | Failure): T {
  if (!result.ok) throw new IdentifierError(result.issue);
  return result;
}

export function raise(issue: IdentifierIssue): never {
  throw new IdentifierError(issue);
}
