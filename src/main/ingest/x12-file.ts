import { randomUUID, createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { keepRaw, readSlice } from './kept-files';
import { basename } from 'node:path';
import {
  errorLabel,
  mapTransaction,
  parseX12,
  readX12,
  type EdiError,
  type EdiRecord,
  type ParseReport,
  type Segment,
  type TransactionSummary,
} from '../../shared/edi';
import { GTIN_QUALIFIERS, NDC_QUALIFIERS } from '../../shared/edi/code-lists';
import { x12QuantityBasis } from '../../shared/edi/unit-basis';
import { toDosageUnits, type PackageUnits } from '../../shared/units';
import { ndcFromGtin, parseNdc } from '../../shared/identifiers';
import type { CanonicalEventInput, EventType } from '../../shared/ingest/event';
import { sha256Hex } from '../ledger/hash';
import type { Candidate, GateInput, GateOutcome, IngestGate } from './gate';
import type { FileResult } from './ndjson-file';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from './retry';

export { QUARANTINE_FILES_DIR } from './kept-files';

/** What the X12 path needs to know about where a transaction set came from. */
export interface SetOrigin {
  sender: string;
  interchangeControl: string | null;
  groupControl: string | null;
  control: string;
  type: string;
}

export interface X12Deps {
  gate: IngestGate;
  facilityId: string;
  isKnownNdc?: (ndc11: string) => boolean;
  retry?: RetryPolicy;
  onOutcome?: (ref: string, outcome: GateOutcome) => void;
  /** Where raw input too large for a quarantine row is kept (the workstation's quarantine-files folder). */
  keepDir?: string;
  /** The largest transaction set read (default DEFAULT_MAX_SET_BYTES). */
  maxSetBytes?: number;
}

/**
 * True when the bytes are X12: they start (after an optional UTF-8 BOM and white space) with
 * ISA, GS or ST and a delimiter — or, when the interchange header is damaged ("IS*00*…", a
 * missing ISA), the segments that follow show it: a GS or ST segment after a segment
 * terminator, using the same element separator as the first segment. Such a file is then read
 * (and quarantined) as one X12 interchange, never line by line as NDJSON.
 */
export function looksLikeX12(head: Buffer): boolean {
  let s = head.toString('latin1');
  if (s.startsWith('\xEF\xBB\xBF')) s = s.slice(3);
  s = s.replace(/^\s+/, '');
  if (/^(ISA|GS|ST)[^A-Za-z0-9\s]/.test(s)) return true;
  if (s.startsWith('{') || s.startsWith('[')) return false;
  // A damaged header: the first segment's tag is 2–3 letters or digits, then its element separator.
  const first = /^[A-Z0-9]{2,3}([^A-Za-z0-9\s])/.exec(s);
  if (!first) return false;
  const sep = first[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`[^A-Za-z0-9${sep}]\\s*(GS|ST)${sep}[A-Z0-9]{2,3}${sep}`).test(s);
}

export function fileLooksLikeX12(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return looksLikeX12(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/**
 * The lot of an 852 line: the mapper's records carry none, but a sender may put it on the LIN
 * (…*LT*lot) or in a REF*LT after it. Found by walking back from the record's segment.
 */
export function lotNear(segments: readonly Segment[], segmentIndex: number): string | null {
  let k = segments.findIndex((s) => s.index === segmentIndex);
  if (k < 0) return null;
  for (; k >= 0; k--) {
    const seg = segments[k]!;
    if (seg.id === 'REF' && (seg.elements[1] ?? '').trim() === 'LT' && (seg.elements[2] ?? '').trim()) return seg.elements[2]!.trim();
    if (seg.id === 'LIN') {
      for (let i = 2; i + 1 < seg.elements.length; i += 2) {
        if ((seg.elements[i] ?? '').trim() === 'LT' && (seg.elements[i + 1] ?? '').trim()) return seg.elements[i + 1]!.trim();
      }
      return null;
    }
  }
  return null;
}

const STOCK_KIND: Record<string, EventType | null> = {
  received: 'RECEIPT',
  sold: 'DISPENSE',
  returned: 'RETURN',
  adjusted: 'ADJUSTMENT',
  lost: 'ADJUSTMENT',
};

/**
 * One X12 record to a canonical event, or why not, or null when it is not a stock movement
 * (on-hand and inventory advice, on-order, in-transit, planning quantities: reports, not events).
 */
export function recordToCandidate(
  rec: EdiRecord,
  origin: SetOrigin,
  ctx: {
    facilityId: string;
    payloadSha256: string;
    correlationId: string;
    isKnownNdc?: (ndc11: string) => boolean;
    /** The catalog's package units, to turn packages into dosage units. */
    unitsOf?: ((ndc11: string) => PackageUnits | null) | undefined;
    lot?: string | null;
  },
): Candidate | null {
  let type: EventType | null = null;
  let sign = 1;
  const data: Record<string, string | string[] | number | null | Record<string, string>> = { edi_type: origin.type, edi_control: origin.control };
  let eventDate: string | null = null;
  let eventTime = '00:00:00';
  let lot: string | null = null;
  let expiry: string | null = null;
  if (rec.kind === 'ship_notice_item') {
    type = 'RECEIPT';
    lot = rec.lot;
    expiry = rec.expiry;
    eventDate = rec.shipment.shipDate ?? rec.shipment.createdDate;
    const t = rec.shipment.createdTime;
    if (t && /^\d{4}(\d{2})?$/.test(t) && !rec.shipment.shipDate) eventTime = `${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6) || '00'}`;
    data.asn = rec.shipment.shipmentId;
    data.purchase_order = rec.purchaseOrder;
    data.sscc = rec.packSscc ?? rec.tareSscc;
    // 21 CFR 1304.22(c): the supplier's name, address and DEA number, as the ASN's N1/N3/N4 give them.
    const sup = rec.shipment.supplier;
    if (sup) {
      const a = sup.address;
      const address = a ? [...a.lines, [a.city, a.state, a.postalCode].filter(Boolean).join(' '), a.country].filter((x) => x && x.trim()).join(', ') : null;
      data.supplier = { name: sup.name ?? '', address: address ?? '', dea_number: sup.deaNumber ?? '' };
      data.date_received = eventDate ?? null;
    }
    if (rec.serials.length) data.serials = rec.serials;
  } else if (rec.kind === 'product_activity') {
    if (!rec.activity) return { ok: false, reasons: ['NO_QUANTITY'], issues: ['the LIN has no ZA activity'] };
    type = STOCK_KIND[rec.activity.kind] ?? null;
    if (type === null) return null;
    if (rec.activity.kind === 'lost') sign = -1;
    lot = ctx.lot ?? null;
    eventDate = rec.periodEnd ?? rec.periodStart;
    data.activity = rec.activity.code;
    data.report_id = rec.reportId;
    if (rec.location) data.location = rec.location.id;
  } else {
    return null;
  }
  const problems = rec.problems.filter((p) => p !== 'NO_UNIT' || rec.quantity !== null);
  if (problems.length) {
    return { ok: false, reasons: problems, issues: problems.map((p) => `line ${rec.line ?? '?'}: ${p === 'NO_PRODUCT_ID' ? 'no NDC and no GTIN on the line' : p}`) };
  }
  const product = productNdc(rec, ctx.isKnownNdc);
  if (!product.ok) return { ok: false, reasons: [product.reason], issues: [product.issue] };
  if (rec.quantityInteger === null) {
    return { ok: false, reasons: ['BAD_QUANTITY'], issues: [`quantity ${rec.quantity ?? '(none)'} is not a whole number of units`] };
  }
  const basis = x12QuantityBasis(rec.unit, origin.type);
  if (basis.basis === 'refused') return { ok: false, reasons: ['BAD_QUANTITY'], issues: [`line ${rec.line ?? '?'}: ${basis.why}`] };
  const amount = Math.abs(rec.quantityInteger);
  const units = toDosageUnits(
    basis.basis === 'containers' ? { ndc: product.ndc, containers: amount * basis.perCode } : { ndc: product.ndc, quantity: amount, unit: basis.unit },
    ctx.unitsOf?.(product.ndc) ?? null,
  );
  if (!units.ok) return { ok: false, reasons: [units.reason], issues: [`line ${rec.line ?? '?'}: ${units.issue}`] };
  if (basis.basis === 'containers') {
    data.containers = units.containers;
    data.units_per_container = units.units_per_container;
    data.x12_unit = rec.unit ?? 'EA';
  }
  if (!eventDate) return { ok: false, reasons: ['SCHEMA'], issues: ['no date in the transaction set (BSN03/DTM*011 or XQ02/XQ03)'] };
  const quantity = type === 'ADJUSTMENT' ? sign * Math.sign(rec.quantityInteger) * units.quantity : units.quantity;
  const position = rec.source.position + (rec.kind !== 'ship_notice_item' && rec.location ? `:${rec.location.id}` : '') + (rec.kind === 'product_activity' && rec.activity ? `:${rec.activity.code}` : '');
  const event: CanonicalEventInput = {
    type,
    facility_id: ctx.facilityId,
    ndc: product.ndc,
    lot,
    serial: null,
    expiry,
    quantity,
    ...(basis.basis === 'units' && basis.unit ? { unit: basis.unit } : {}),
    event_time: `${eventDate}T${eventTime}Z`,
    handler_id: `edi:${origin.sender}`,
    idempotency_key: `edi:${origin.sender}:${origin.interchangeControl ?? '-'}:${origin.groupControl ?? '-'}:${origin.type}:${origin.control}:${position}`,
    data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string | string[] | number | Record<string, string>>,
    source: {
      kind: 'edi',
      correlation_id: ctx.correlationId,
      payload_sha256: ctx.payloadSha256,
      ref: `${origin.type}:${origin.control}:${rec.source.position}`,
    },
  };
  return { ok: true, event };
}

type ProductNdc = { ok: true; ndc: string } | { ok: false; reason: string; issue: string };

function productNdc(rec: EdiRecord, isKnown?: (n: string) => boolean): ProductNdc {
  const nd = rec.productIds.find((p) => NDC_QUALIFIERS.has(p.qualifier));
  if (nd) {
    const r = parseNdc(nd.value, isKnown ? { isKnown } : {});
    if (r.ok && r.ndc11) return { ok: true, ndc: r.ndc11 };
    return { ok: false, reason: r.ok ? 'BAD_NDC' : r.issue.code === 'ndc-ambiguous' ? 'AMBIGUOUS_NDC' : 'BAD_NDC', issue: `LIN ${nd.qualifier} ${nd.value}: ${r.ok ? 'no 11-digit form' : r.error}` };
  }
  const gt = rec.productIds.find((p) => GTIN_QUALIFIERS.has(p.qualifier));
  if (!gt) return { ok: false, reason: 'NO_PRODUCT_ID', issue: 'no NDC and no GTIN on the line' };
  const r = ndcFromGtin(gt.value, isKnown ? { isKnown } : {});
  if (!r.ok) return { ok: false, reason: 'BAD_NDC', issue: `LIN ${gt.qualifier} ${gt.value}: ${r.error}` };
  if (r.ndc?.ndc11) return { ok: true, ndc: r.ndc.ndc11 };
  return {
    ok: false,
    reason: 'AMBIGUOUS_NDC',
    issue: `LIN ${gt.qualifier} ${gt.value} carries NDC digits ${r.ndc10Digits} (${r.candidates.join(', ')}): ${r.resolution === 'no-resolver' ? 'load the catalog to resolve it' : `the catalog knows ${r.resolution === 'ambiguous' ? 'several' : 'none'} of them`}`,
  };
}

interface HeldSet {
  origin: SetOrigin;
  summary: TransactionSummary;
  records: EdiRecord[];
  lots: Array<string | null>;
  byteStart: number;
  byteEnd: number;
}

function setErrors(report: ParseReport, held: HeldSet): EdiError[] {
  const out = [...held.summary.errors];
  for (const ic of report.interchanges) {
    if (held.origin.interchangeControl !== null && ic.control !== held.origin.interchangeControl) continue;
    if (held.summary.rejectedBy === 'interchange') for (const e of ic.errors) out.push(e);
    for (const g of ic.groups) if (g.control === held.origin.groupControl && held.summary.rejectedBy === 'group') for (const e of g.errors) out.push(e);
  }
  return out;
}

/** A set's raw text is kept inline in the audit row of its report lines up to this size. */
const MAX_AUDIT_RAW = 256 << 10;

/** What the audit trail keeps of a report line (846 quantity, 852 on hand / on order / planning). */
function reportLine(rec: EdiRecord, k: number): Record<string, unknown> {
  const base = {
    record: k,
    position: rec.source.position,
    segment: rec.source.segmentIndex + 1,
    line: rec.line,
    product_ids: rec.productIds.map((p) => `${p.qualifier}:${p.value}`),
    quantity: rec.quantity,
    unit: rec.unit,
    location: 'location' in rec && rec.location ? rec.location.id : null,
  };
  if (rec.kind === 'inventory_advice') {
    return { ...base, kind: rec.kind, report_type: rec.reportType, report_id: rec.reportId, report_date: rec.reportDate, quantity_qualifier: rec.quantityQualifier };
  }
  if (rec.kind === 'product_activity') {
    return { ...base, kind: rec.kind, activity: rec.activity?.code ?? null, activity_meaning: rec.activity?.meaning ?? null, period_start: rec.periodStart, period_end: rec.periodEnd, report_id: rec.reportId };
  }
  return { ...base, kind: rec.kind };
}

/**
 * `rxledger ingest` for X12 852/846/856, in two streamed passes so that memory does not grow
 * with the file: the first reads every envelope to the end (a later GE or IEA can still reject
 * a group or interchange, so no set's verdict is final before then) and keeps only the
 * per-set summaries; the second reads the file again and maps and commits each set as it
 * closes, with the first pass's verdict. Each valid set's stock movements go through the
 * ingestion gate (a line with no NDC/GTIN, or one the gate refuses, is quarantined with the
 * set's raw text and its reason — one quarantine item per refused event, so the count printed
 * is the number of items); a rejected set is quarantined whole with its X12 error codes. A
 * set or file too large to copy into the quarantine row (over 16 MB) is kept as a file in
 * `deps.keepDir`, named by its sha256. Report lines (on hand, inventory advice, on order,
 * planning) are not stock movements: they are counted as `ignored` and kept, per set, in the
 * audit trail (`ingest.edi.report`: the set's raw text and each line's quantities), where the
 * audit report shows them.
 */
export async function ingestX12File(file: string, deps: X12Deps): Promise<FileResult> {
  const result: FileResult = { file, format: 'x12', accepted: 0, duplicates: 0, rejected: 0, ignored: 0, problems: [] };
  const gate = deps.gate;
  const source = `edi:${basename(file)}`;
  const size = statSync(file).size;

  // Pass 1: final verdicts and the file's sha256.
  let report: ParseReport | null = null;
  const order: TransactionSummary[] = [];
  const fileHash = createHash('sha256');
  const hashed = (async function* () {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      fileHash.update(chunk);
      yield chunk;
    }
  })();
  for await (const ev of readX12(hashed, deps.maxSetBytes ? { maxSetBytes: deps.maxSetBytes } : {})) {
    if (ev.kind === 'end') report = ev.report;
    else order.push(ev.transaction.summary);
  }
  const fileSha = fileHash.digest('hex');

  const put = async (inputs: Array<{ ref: string; line: number; input: GateInput }>) => {
    if (!inputs.length) return;
    const outs = await withRetry(
      () => gate.db.transaction(() => inputs.map((i) => gate.processInTransaction(i.input))).immediate(),
      isTransientSqliteError,
      deps.retry ?? DEFAULT_RETRY,
    );
    outs.forEach((o, k) => {
      const { ref, line } = inputs[k]!;
      if (o.status === 'committed') result.accepted++;
      else if (o.status === 'duplicate') result.duplicates++;
      else if (o.status === 'quarantined') {
        result.rejected++;
        result.problems.push({ line, reasons: o.reasons, message: `${ref}: ${o.issues.join('; ')}`, quarantine_id: o.quarantineId });
      }
      deps.onOutcome?.(ref, o);
    });
  };

  if (!report || !report.readable || (order.length === 0 && !report.valid)) {
    // Not X12 we can read, or nothing but envelope errors: keep the whole file.
    const errors = report?.errors ?? [];
    const version = report?.ackType === '999' ? 'x12-5010' : 'x12-4010';
    const kept = await keepRaw(file, 0, size, fileSha, deps.keepDir);
    await put([
      {
        ref: basename(file),
        line: 1,
        input: {
          source,
          raw: kept.raw ?? Buffer.alloc(0),
          rawSha256: fileSha,
          context: { file, bytes: size },
          candidate: { ok: false, reasons: [report?.readable === false || !report ? 'NOT_X12' : 'EDI_REJECTED', ...new Set(errors.map((e) => errorLabel(e, version)))], issues: errors.length ? errors.slice(0, 50).map((e) => e.message) : ['the file holds no X12 transaction set'] },
          ...(kept.raw ? {} : { quarantineCopy: { raw: null, rawRef: kept.ref } }),
        },
      },
    ]);
    return result;
  }
  const senders = new Map<string, string>();
  for (const ic of report.interchanges) senders.set(ic.control, ic.senderId.trim() || ic.groups[0]?.senderCode || 'unknown');
  const version = report.ackType === '999' ? 'x12-5010' : 'x12-4010';

  // Pass 2: the same reader over the same bytes closes the same sets in the same order.
  let batch: Array<{ ref: string; line: number; input: GateInput }> = [];
  const reports: Array<{ target: string; details: Record<string, unknown> }> = [];
  let k = 0;
  for await (const ev of readX12(createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, deps.maxSetBytes ? { maxSetBytes: deps.maxSetBytes } : {})) {
    if (ev.kind === 'end') break;
    const tx = ev.transaction;
    const summary = order[k++];
    if (!summary || summary.byteStart !== tx.byteStart || summary.control !== tx.control) {
      throw new Error(`${file} changed while it was being read (transaction set ${k} differs between the two passes); nothing more was taken from it — ingest it again`);
    }
    let records: EdiRecord[] = [];
    try {
      records = summary.valid ? mapTransaction(tx, null) : [];
    } catch {
      records = [];
    }
    const h: HeldSet = {
      origin: { sender: '', interchangeControl: tx.interchangeControl, groupControl: tx.groupControl, control: tx.control, type: tx.type },
      summary,
      records,
      lots: records.map((r) => (r.kind === 'product_activity' ? lotNear(tx.segments, r.source.segmentIndex) : null)),
      byteStart: tx.byteStart,
      byteEnd: tx.byteEnd,
    };
    h.origin.sender = (h.origin.interchangeControl && senders.get(h.origin.interchangeControl)) || 'bare';
    const ref = `${h.origin.type}:${h.origin.control}`;
    const context = { file, ...h.origin, byte_start: h.byteStart, byte_end: h.byteEnd };
    const segmentIndex = h.summary.firstSegmentIndex + 1;
    if (!h.summary.valid) {
      const errors = setErrors(report, h);
      const kept = await keepRaw(file, h.byteStart, h.byteEnd, null, deps.keepDir);
      batch.push({
        ref,
        line: segmentIndex,
        input: {
          source,
          raw: kept.raw ?? Buffer.alloc(0),
          rawSha256: kept.sha256,
          context,
          candidate: { ok: false, reasons: ['EDI_REJECTED', ...new Set(errors.map((e) => errorLabel(e, version)))], issues: errors.map((e) => e.message) },
          ...(kept.raw ? {} : { quarantineCopy: { raw: null, rawRef: kept.ref } }),
        },
      });
    } else {
      // A valid set is at most maxSetBytes (rejected otherwise), so its text fits in memory.
      const raw = readSlice(file, h.byteStart, h.byteEnd);
      const payloadSha256 = sha256Hex(raw);
      const ignored: Array<Record<string, unknown>> = [];
      for (const [k, rec] of h.records.entries()) {
        const correlationId = randomUUID();
        const candidate = recordToCandidate(rec, h.origin, {
          facilityId: deps.facilityId,
          payloadSha256,
          correlationId,
          lot: h.lots[k] ?? null,
          ...(deps.isKnownNdc ? { isKnownNdc: deps.isKnownNdc } : {}),
          unitsOf: (n) => deps.gate.catalog?.unitsOf?.(n) ?? null,
        });
        if (candidate === null) {
          result.ignored!++;
          ignored.push(reportLine(rec, k));
          continue;
        }
        // One event, one quarantine item: the record's index (and its activity and location,
        // for an 852 LIN with several) tell apart the events of one set in the context.
        const activity = rec.kind === 'product_activity' ? (rec.activity?.code ?? null) : null;
        const location = rec.kind !== 'ship_notice_item' && rec.location ? rec.location.id : null;
        batch.push({
          ref: `${ref}:${rec.source.position}${location ? `:${location}` : ''}${activity ? `:${activity}` : ''}`,
          line: rec.source.segmentIndex + 1,
          input: {
            source,
            raw,
            rawSha256: payloadSha256,
            correlationId,
            context: { ...context, position: rec.source.position, line: rec.line, record: k, ...(activity ? { activity } : {}), ...(location ? { location } : {}) },
            candidate,
          },
        });
      }
      if (ignored.length) {
        // The set's text is already read: only a set too large for the audit row is copied.
        const kept = raw.length <= MAX_AUDIT_RAW ? null : await keepRaw(file, h.byteStart, h.byteEnd, payloadSha256, deps.keepDir, MAX_AUDIT_RAW);
        reports.push({
          target: `${basename(file)} ${ref}`,
          details: {
            file,
            source,
            ...h.origin,
            sha256: payloadSha256,
            byte_start: h.byteStart,
            byte_end: h.byteEnd,
            raw: kept ? null : raw.toString('utf8'),
            raw_ref: kept ? kept.ref : null,
            not_recorded: 'report lines (on hand, inventory advice, on order, planning) are not stock movements: kept here, not in the ledger',
            lines: ignored,
          },
        });
      }
    }
    if (batch.length >= 200) {
      await put(batch);
      batch = [];
    }
    if (reports.length >= 200) await flushReports(reports.splice(0));
  }
  await put(batch);
  await flushReports(reports);
  return result;

  async function flushReports(list: Array<{ target: string; details: Record<string, unknown> }>): Promise<void> {
    if (!list.length) return;
    const ids = await withRetry(
      () => gate.db.transaction(() => list.map((r) => gate.audit.record({ actor: `edi:${String(r.details.sender)}`, action: 'EDI_REPORT_LINES_KEPT', target: r.target, details: r.details }).id)).immediate(),
      isTransientSqliteError,
      deps.retry ?? DEFAULT_RETRY,
    );
    (result.report_audit_ids ??= []).push(...ids);
  }
}

/**
 * Re-reads a quarantined (and possibly fixed) transaction set — bare ST..SE text — into
 * candidates, for replay. The origin comes from the quarantine item's context.
 */
export function candidatesFromSetText(
  text: string,
  origin: SetOrigin,
  ctx: { facilityId: string; isKnownNdc?: (ndc11: string) => boolean; unitsOf?: ((ndc11: string) => PackageUnits | null) | undefined },
): { ok: true; candidates: Candidate[]; ignored: number } | { ok: false; reasons: string[]; issues: string[] } {
  const parsed = parseX12(text);
  if (!parsed.report.readable) return { ok: false, reasons: ['NOT_X12'], issues: ['the text is not readable X12'] };
  const bad = parsed.transactions.filter((t) => !t.valid);
  if (bad.length || !parsed.transactions.length) {
    const errors = parsed.report.errors.filter((e) => e.severity === 'error');
    return { ok: false, reasons: ['EDI_REJECTED', ...new Set(errors.map((e) => errorLabel(e)))], issues: errors.length ? errors.map((e) => e.message) : ['no transaction set'] };
  }
  const sha = sha256Hex(Buffer.from(text, 'utf8'));
  const candidates: Candidate[] = [];
  let ignored = 0;
  for (const tx of parsed.transactions) {
    for (const rec of mapTransaction(tx, parsed.report.delimiters?.component ?? null)) {
      const lot = rec.kind === 'product_activity' ? lotNear(tx.segments, rec.source.segmentIndex) : null;
      const c = recordToCandidate(rec, { ...origin, type: tx.type, control: tx.control }, { facilityId: ctx.facilityId, payloadSha256: sha, correlationId: randomUUID(), lot, ...(ctx.isKnownNdc ? { isKnownNdc: ctx.isKnownNdc } : {}), unitsOf: ctx.unitsOf });
      if (c === null) ignored++;
      else candidates.push(c);
    }
  }
  return { ok: true, candidates, ignored };
}
