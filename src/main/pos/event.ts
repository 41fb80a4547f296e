import { parseNdc } from '../../shared/identifiers';
import type { CanonicalEventInput } from '../../shared/ingest/event';
import { canonicalJson } from '../../shared/ledger/canonical';
import { describeIssues } from '../../shared/schemas/drug-record';
import { sha256Hex } from '../ledger/hash';
import type { Candidate } from '../ingest/gate';
import type { PhiVault } from '../phi/vault';
import { PosRequest, type PosKind } from './request';

/** The content a POS transaction id is bound to: a resend must match it to get the same answer. */
export function posFingerprint(kind: PosKind, req: PosRequest, token: string | null): string {
  const ndc = parseNdc(req.ndc);
  return sha256Hex(
    canonicalJson({
      kind,
      ndc: ndc.ok && ndc.ndc11 ? ndc.ndc11 : req.ndc,
      lot: req.lot,
      // Only when given, so fingerprints of requests without a serial stay as they were.
      ...(req.serial ? { serial: req.serial } : {}),
      quantity: req.quantity,
      ...(req.unit ? { unit: req.unit } : {}),
      ...(req.prescription ? { prescription: req.prescription } : {}),
      handler_id: req.handler_id,
      occurred_at: new Date(req.occurred_at).toISOString(),
      patient_token: token,
    }),
  );
}

/**
 * A POS request as a canonical event: the patient is only its token. `ctx.fingerprint` is the
 * request's posFingerprint when the caller has it already (it is a hash of the whole request).
 */
export function posEvent(
  kind: PosKind,
  req: PosRequest,
  token: string | null,
  ctx: { facilityId: string; correlationId: string; payloadSha256: string; fingerprint?: string },
): CanonicalEventInput {
  return {
    type: kind === 'dispense' ? 'DISPENSE' : 'RETURN',
    facility_id: ctx.facilityId,
    ndc: req.ndc,
    lot: req.lot,
    serial: req.serial ?? null,
    quantity: req.quantity,
    ...(req.unit ? { unit: req.unit } : {}),
    event_time: new Date(req.occurred_at).toISOString(),
    handler_id: req.handler_id,
    idempotency_key: `pos:${req.transaction_id}`,
    fingerprint: ctx.fingerprint ?? posFingerprint(kind, req, token),
    data: { pos_transaction_id: req.transaction_id, ...(token ? { patient_token: token } : {}), ...(req.prescription ? { prescription: { ...req.prescription } } : {}) },
    source: { kind: 'pos', correlation_id: ctx.correlationId, payload_sha256: ctx.payloadSha256, ref: req.transaction_id },
  };
}

/** For a replay: the (fixed) text of a quarantined POS request to a candidate. */
export function posCandidateFromText(
  kind: PosKind,
  text: string,
  vault: PhiVault,
  ctx: { facilityId: string; correlationId: string; payloadSha256: string },
): Candidate {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reasons: ['MALFORMED_JSON'], issues: [`not JSON: ${(err as Error).message}`] };
  }
  const parsed = PosRequest.safeParse(json);
  if (!parsed.success) return { ok: false, reasons: ['SCHEMA'], issues: describeIssues(parsed.error.issues) };
  const req = parsed.data;
  if (kind === 'dispense' && !req.patient) return { ok: false, reasons: ['SCHEMA'], issues: ['patient: a dispense needs the patient'] };
  const token = req.patient ? (req.patient.token ?? vault.token(req.patient)) : null;
  return { ok: true, event: posEvent(kind, req, token, ctx) };
}
