import type { CanonicalEventInput } from '../../shared/ingest/event';
import { RxError, type ErrorCode } from '../../shared/errors/error-codes';
import { canonicalJson } from '../../shared/ledger/canonical';
import type { LedgerEntry } from '../../shared/schemas/ledger-entry';
import type { IngestGate } from '../ingest/gate';
import { sha256Hex } from '../ledger/hash';
import type { Workstation } from '../workstation';

/**
 * The canonical form of a request a counter or a pharmacist made (a count submission, a signed
 * adjustment): its bytes are the `raw` payload the ingestion gate sees, and their sha256 is the
 * `payload_sha256` of every entry the request writes. Never holds a password.
 */
export interface CanonicalRequest {
  raw: Buffer;
  sha256: string;
}

export function canonicalRequest(request: Record<string, unknown>): CanonicalRequest {
  const text = canonicalJson(request);
  return { raw: Buffer.from(text, 'utf8'), sha256: sha256Hex(text) };
}

const CODE_OF: Record<string, ErrorCode> = {
  HOLD_ACTIVE: 'HOLD_ACTIVE',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  UNAUTHORIZED_HANDLER: 'FORBIDDEN',
  UNKNOWN_NDC: 'NOT_FOUND',
  IDEMPOTENCY_CONFLICT: 'CONFLICT',
};

/**
 * One COUNT or ADJUSTMENT through the ingestion gate (catalog, schedule, handler, facility,
 * lot/expiry, holds, idempotency), inside the caller's transaction, so that what the caller
 * writes with it (a hold, signatures, a release) commits with it or not at all. A refusal is
 * thrown as an RxError (and, the transaction being rolled back, nothing is written, nothing is
 * quarantined: the person in front of the screen is told instead). A duplicate is a CONFLICT.
 */
export function entryThroughGate(
  ws: Workstation,
  event: CanonicalEventInput,
  opts: { request: CanonicalRequest; source: string; what: string; nothing?: string; gate?: IngestGate; exceptHold?: string | null },
): LedgerEntry {
  const gate = opts.gate ?? ws.gate;
  const nothing = opts.nothing ?? 'Nothing was recorded.';
  const out = gate.processInTransaction(
    { source: opts.source, raw: opts.request.raw, rawSha256: opts.request.sha256, candidate: { ok: true, event }, correlationId: event.source.correlation_id },
    { quarantine: false, exceptHold: opts.exceptHold ?? null },
  );
  switch (out.status) {
    case 'committed':
      return out.entry;
    case 'duplicate':
      throw new RxError('CONFLICT', `${opts.what} was already recorded (entry ${out.existing.device_id}#${out.existing.seq}). ${nothing}`);
    case 'refused':
    case 'quarantined': {
      const code = out.reasons.map((r) => CODE_OF[r]).find(Boolean) ?? 'BAD_INPUT';
      throw new RxError(code, `${opts.what} was refused by the ingestion gate (${out.reasons.join(', ')}): ${out.issues.join('; ')}. ${nothing}`);
    }
  }
}
