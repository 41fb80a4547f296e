import { parseSchedule } from '../../shared/domain/schedule';
import { parseNdc } from '../../shared/identifiers';
import type { CanonicalEventInput } from '../../shared/ingest/event';
import { canonicalJson } from '../../shared/ledger/canonical';
import { localDate } from '../../shared/reports/period';
import { describeIssues, DrugRecord } from '../../shared/schemas/drug-record';
import { toDosageUnits, type PackageUnits } from '../../shared/units';
import { sha256Hex } from '../ledger/hash';
import type { Candidate } from './gate';

export interface NormalizeContext {
  correlationId: string;
  payloadSha256: string;
  isKnownNdc?: (ndc11: string) => boolean;
  /** The catalog's package units, to turn `containers` into dosage units. */
  unitsOf?: ((ndc11: string) => PackageUnits | null) | undefined;
  /** "file.ndjson:12", kept on the event's source. */
  ref?: string | null;
  /** The facility's IANA time zone: a receipt's date received is its local day (1304.21(d)); UTC when absent. */
  timeZone?: string;
}

/**
 * The NDJSON normalizer: one DrugRecord line to a canonical event for the gate, or precisely
 * why not. Deterministic: the same line always gives the same answer. Business rules (catalog,
 * schedule, handler, expiry, holds, stock) are the gate's, so every source shares them.
 */
export function normalizeDrugRecord(raw: string, ctx: NormalizeContext): Candidate & { fingerprint?: string } {
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
  // Containers become dosage units through the catalog; a declared unit is checked by the gate.
  const units = toDosageUnits({ ndc: ndc.ndc11, quantity: r.quantity ?? null, containers: r.containers ?? null }, ctx.unitsOf?.(ndc.ndc11) ?? null);
  if (!units.ok) return { ok: false, reasons: [units.reason], issues: [units.issue] };
  const eventTime = new Date(r.timestamp_utc);
  // The fingerprint is of the record's meaning (unchanged since the first release, so files
  // ingested before the gate existed stay duplicates when sent again).
  const content = canonicalJson({ ...r, ndc: ndc.ndc11, timestamp_utc: eventTime.toISOString(), idempotency_key: null });
  const fingerprint = sha256Hex(content);
  const event: CanonicalEventInput = {
    type: r.transaction_type,
    facility_id: r.facility_id,
    ndc: ndc.ndc11,
    lot: r.lot_number,
    serial: r.serial_number ?? null,
    expiry: r.expiry ?? null,
    schedule,
    quantity: units.quantity,
    ...(r.unit ? { unit: r.unit } : {}),
    event_time: eventTime.toISOString(),
    handler_id: r.handler_id,
    // An explicit key names the event; without one, identical content is the same event.
    idempotency_key: r.idempotency_key ? `key:${r.idempotency_key}` : `content:${fingerprint}`,
    fingerprint,
    data: recordData(r, units, eventTime, ctx.timeZone),
    source: { kind: 'ndjson', payload_sha256: ctx.payloadSha256, correlation_id: ctx.correlationId, ref: ctx.ref ?? null },
  };
  return { ok: true, event, fingerprint };
}

/** What 21 CFR 1304.22(c) asks the entry to carry, from the record's own fields. */
function recordData(r: DrugRecord, units: { containers: number | null; units_per_container: number | null }, eventTime: Date, timeZone: string | undefined): Record<string, string | number | Record<string, string | number>> {
  const data: Record<string, string | number | Record<string, string | number>> = {};
  if (units.containers !== null) {
    data.containers = units.containers;
    if (units.units_per_container !== null) data.units_per_container = units.units_per_container;
  }
  if (r.supplier) {
    data.supplier = { ...r.supplier };
    data.date_received = localDate(eventTime, timeZone ?? 'UTC');
  }
  if (r.order_form) data.order_form = { ...r.order_form };
  if (r.prescription) data.prescription = { ...r.prescription };
  return data;
}
