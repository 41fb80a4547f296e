import { parseSchedule } from '../../shared/domain/schedule';
import { parseNdc } from '../../shared/identifiers';
import { canonicalJson } from '../../shared/ledger/canonical';
import { describeIssues, DrugRecord } from '../../shared/schemas/drug-record';
import type { EntryType } from '../../shared/schemas/ledger-entry';
import type { NewEntry } from '../ledger/append';
import { sha256Hex } from '../ledger/hash';

export type Normalized =
  | { ok: true; entry: NewEntry; fingerprint: string }
  | { ok: false; reasons: string[]; issues: string[] };

export interface NormalizeContext {
  correlationId: string;
  payloadSha256: string;
  isKnownNdc?: (ndc11: string) => boolean;
  now: Date;
}

const SIGN: Record<DrugRecord['transaction_type'], number> = { RECEIPT: 1, DISPENSE: -1, RETURN: 1, ADJUSTMENT: 1 };

/**
 * Turns one DrugRecord (an NDJSON line) into a ledger entry, or says precisely why not.
 * Deterministic failures only: the same line always gives the same answer.
 */
export function normalizeDrugRecord(raw: string, ctx: NormalizeContext): Normalized {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reasons: ['MALFORMED_JSON'], issues: [`not valid JSON: ${(err as Error).message}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reasons: ['SCHEMA'], issues: ['a line must be one JSON object'] };
  }
  const parsed = DrugRecord.safeParse(json);
  if (!parsed.success) {
    const reasons = new Set<string>(['SCHEMA']);
    for (const i of parsed.error.issues) {
      if (i.path[0] === 'transaction_type') reasons.add('UNKNOWN_TRANSACTION_TYPE');
      if (i.path[0] === 'quantity') reasons.add('BAD_QUANTITY');
      if (i.code === 'invalid_type' && (json as Record<string, unknown>)[String(i.path[0])] === undefined) reasons.add('MISSING_FIELD');
    }
    return { ok: false, reasons: [...reasons], issues: describeIssues(parsed.error.issues) };
  }
  const r = parsed.data;
  const ndc = parseNdc(r.ndc, ctx.isKnownNdc ? { isKnown: ctx.isKnownNdc } : {});
  if (!ndc.ok) return { ok: false, reasons: [ndc.issue.code === 'ndc-ambiguous' ? 'AMBIGUOUS_NDC' : 'BAD_NDC'], issues: [`ndc: ${ndc.error}`] };
  if (!ndc.ndc11) return { ok: false, reasons: ['BAD_NDC'], issues: [`ndc: ${r.ndc} has no 11-digit form; the ledger keys products by the 11-digit NDC`] };
  const schedule = parseSchedule(r.schedule);
  if (schedule === undefined) return { ok: false, reasons: ['SCHEMA'], issues: [`schedule: ${r.schedule} is not a DEA schedule`] };
  const eventTime = new Date(r.timestamp_utc);
  if (eventTime.getTime() > ctx.now.getTime() + 5 * 60_000) {
    return { ok: false, reasons: ['FUTURE_EVENT'], issues: [`timestamp_utc: ${r.timestamp_utc} is in the future`] };
  }
  if (r.transaction_type === 'RECEIPT' && r.expiry && r.expiry < r.timestamp_utc.slice(0, 10)) {
    return { ok: false, reasons: ['EXPIRED_LOT'], issues: [`expiry: lot ${r.lot_number} expired on ${r.expiry}, before it was received`] };
  }
  const delta = SIGN[r.transaction_type] * r.quantity;
  const type: EntryType = r.transaction_type;
  const content = canonicalJson({ ...r, ndc: ndc.ndc11, timestamp_utc: eventTime.toISOString(), idempotency_key: null });
  const fingerprint = sha256Hex(content);
  return {
    ok: true,
    fingerprint,
    entry: {
      type,
      facility_id: r.facility_id,
      ndc: ndc.ndc11,
      lot: r.lot_number,
      serial: r.serial_number ?? null,
      expiry: r.expiry ?? null,
      schedule,
      quantity: Math.abs(r.quantity),
      delta,
      event_time: eventTime.toISOString(),
      actor: r.handler_id,
      // An explicit key names the event; without one, identical content is the same event.
      idempotency_key: r.idempotency_key ? `key:${r.idempotency_key}` : `content:${fingerprint}`,
      source: { kind: 'ndjson', payload_sha256: ctx.payloadSha256, correlation_id: ctx.correlationId },
    },
  };
}
