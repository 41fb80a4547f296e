import type { CanonicalEventInput } from '../../shared/ingest/event';
import { RxError } from '../../shared/errors/error-codes';
import type { CommitSummary } from '../../shared/ipc/receiving-channels';
import { deaNumberProblem } from '../../shared/receiving/types';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/ledger/canonical';
import type { LineRow, ReceivingSessions, SessionRow, UnitRow } from './session-store';
import type { Workstation } from '../workstation';
import { attachSignatures, authenticateSigner, manifestationsFor, signingTimeZone, type ReadySigner } from '../holds/signatures';
import { checkDecisions, refusedUnits, setAsideText, type SetAsideDecision, type SetAsideDecisions, type SetAsideLine } from './set-aside';
import { localDate } from '../../shared/reports/period';

/** The ledger keeps at most this many serials in one entry's data (the gate's array limit). */
const SERIALS_PER_ENTRY = 200;

interface Planned {
  event: CanonicalEventInput & { data: Record<string, unknown> };
  line: LineRow;
  lot: string;
  expiry: string | null;
  containers: number;
  gtin: string | null;
  serials: string[];
}

/**
 * The commit of a receiving session: one RECEIPT per line, lot and expiry (split in parts of
 * 200 serials), through the ingestion gate (catalog, schedule, handler, expiry, DSCSA serial
 * checks; the gate records each entry's serials in `dscsa_serials` in the entry's savepoint),
 * all in one transaction with the session's closing — all or nothing.
 *
 * Each entry's idempotency key names the session, line, lot, expiry and part, so committing
 * twice commits once. `data` carries what 21 CFR 1304.22(c) and 1305.13(e)/1305.22(g) need:
 * supplier name, address and DEA number, date received, containers, and for CII the 222/CSOS
 * order number with the containers received on the line.
 */
export function commitSession(ws: Workstation, sessions: ReceivingSessions, s: SessionRow, actor: string, decisions?: SetAsideDecisions | null): CommitSummary {
  const first = planCommit(ws, sessions, s, actor, new Set());
  if (first.problems.length) throw new RxError('BAD_INPUT', `Not committed — fix these first: ${first.problems.join(' · ')}`);
  const decided = checkDecisions(first.setAside, decisions);
  if (decided.missing.length) {
    throw new RxError(
      'CONFLICT',
      `Not committed — set aside until a pharmacist decides (accept with a note, or refuse for return): ${decided.missing.map(setAsideText).join(' · ')}`,
    );
  }
  // Authenticated before anything is written; a wrong password signs and commits nothing.
  const signer = first.setAside.length ? authenticateSigner(ws, decisions!.signer, 'signer', 'approval', `the set-aside decisions of receiving session ${s.id}`) : null;
  const excluded = refusedUnits(sessions.units(s.id), first.setAside, decided.byLine);
  const plan = excluded.size ? planCommit(ws, sessions, s, actor, excluded) : first;
  if (plan.problems.length) throw new RxError('BAD_INPUT', `Not committed — fix these first: ${plan.problems.join(' · ')}`);
  if (!plan.planned.length) throw new RxError('CONFLICT', 'Nothing is left to commit once the refused units are set aside: cancel the session instead, giving the reason.');
  return writeCommit(ws, s, actor, plan, first.setAside, decided.byLine, signer);
}

/**
 * What a commit would write and what stops it, without writing anything: the screen's review
 * before commit, and the first half of the commit itself.
 */
export function reviewSession(ws: Workstation, sessions: ReceivingSessions, s: SessionRow, actor: string): { problems: string[]; setAside: SetAsideLine[] } {
  const p = planCommit(ws, sessions, s, actor, new Set());
  return { problems: p.problems, setAside: p.setAside };
}

interface Plan {
  planned: Planned[];
  problems: string[];
  setAside: SetAsideLine[];
  shortLines: CommitSummary['shortLines'];
  eventTime: string;
  dateReceived: string;
}

function planCommit(ws: Workstation, sessions: ReceivingSessions, s: SessionRow, actor: string, excluded: ReadonlySet<number>): Plan {
  const lines = sessions.lines(s.id);
  const all = sessions.units(s.id).filter((u) => u.status === 'accepted');
  if (!all.length) throw new RxError('CONFLICT', 'Nothing was received in this session: scan the units first, or cancel the session.');
  const accepted = all.filter((u) => !excluded.has(u.id));
  // What was scanned on each line, before any refused units are set aside: the decisions are about it.
  const scanned = new Map<number, number>();
  for (const u of all) if (u.line_id !== null) scanned.set(u.line_id, (scanned.get(u.line_id) ?? 0) + u.containers);
  const shipment = ws.db
    .prepare<[number], { kind: string; document_id: string | null; file_name: string | null; sha256: string }>(
      'SELECT kind, document_id, file_name, sha256 FROM receiving_shipments WHERE id = ?',
    )
    .get(s.shipment_id)!;
  const now = ws.clock.now();
  const eventTime = now.toISOString();
  // 1304.21(d): the day the drugs were actually received, at the pharmacy — its calendar, not UTC's
  // (a delivery at 20:30 in New York is 01:30 UTC the next day).
  const dateReceived = localDate(now, ws.timeZone());

  const received = new Map<number, number>();
  const groups = new Map<string, { line: LineRow; lot: string; expiry: string | null; units: UnitRow[] }>();
  for (const u of accepted) {
    const line = lines.find((l) => l.id === u.line_id);
    if (!line) continue;
    received.set(line.id, (received.get(line.id) ?? 0) + u.containers);
    const key = `${line.id}|${u.lot ?? ''}|${u.expiry ?? ''}`;
    const g = groups.get(key) ?? { line, lot: u.lot ?? '', expiry: u.expiry, units: [] };
    g.units.push(u);
    groups.set(key, g);
  }

  // Every quantity goes to the ledger in dosage units: a line whose package size is unknown waits
  // for a person to enter it (never taken as 1).
  const unsized = [...new Set([...groups.values()].map((g) => g.line))].filter((l) => l.units_per_container === null);
  const sizeProblems = unsized.map((l) => `line ${l.line_no} (${l.ndc ?? l.gtin ?? 'no NDC'}${l.name ? ` ${l.name}` : ''}): the catalog gives no package size; enter the units per container on the line`);

  const supplier = { name: s.supplier_name, address: s.supplier_address, dea_number: s.supplier_dea };
  const planned: Planned[] = [];
  for (const g of groups.values()) {
    const line = g.line;
    if (line.units_per_container === null) continue;
    const got = received.get(line.id) ?? 0;
    const discrepancies: string[] = [];
    if (line.origin === 'unexpected') discrepancies.push('unexpected_product');
    else if (got < line.expected) discrepancies.push('short');
    else if (got > line.expected) discrepancies.push('over');
    if (line.lot && g.lot !== line.lot) discrepancies.push('wrong_lot');
    if (g.units.some((u) => (JSON.parse(u.flags) as string[]).includes('short-dated'))) discrepancies.push('short_dated');
    const parts = Math.max(1, Math.ceil(g.units.length / SERIALS_PER_ENTRY));
    for (let p = 0; p < parts; p++) {
      const chunk = g.units.slice(p * SERIALS_PER_ENTRY, (p + 1) * SERIALS_PER_ENTRY);
      const containers = chunk.reduce((n, u) => n + u.containers, 0);
      const serials = chunk.map((u) => u.serial).filter((x): x is string => !!x);
      const gtin = chunk.find((u) => u.gtin)?.gtin ?? line.gtin;
      const perContainer = line.units_per_container!;
      const data: Record<string, unknown> = {
        receiving_session: s.id,
        line_no: line.line_no,
        po_number: s.po_number,
        supplier,
        date_received: dateReceived,
        containers,
        units_per_container: perContainer,
        unit: line.unit,
        units_source: line.units_source,
        quantity_basis: 'units',
        gtin,
        expected: { containers: line.expected, lot: line.lot, expiry: line.expiry },
        received_on_line: got,
        discrepancies,
        serials,
        part: `${p + 1}/${parts}`,
        shipment: { kind: shipment.kind, document_id: shipment.document_id, file_name: shipment.file_name, sha256: shipment.sha256 },
      };
      const event: Planned['event'] = {
        type: 'RECEIPT',
        facility_id: ws.facilityId,
        ndc: line.ndc ?? '',
        lot: g.lot || null,
        serial: null,
        expiry: g.expiry,
        ...(line.schedule_known ? { schedule: line.schedule } : {}),
        quantity: containers * perContainer,
        event_time: eventTime,
        handler_id: actor,
        idempotency_key: `receiving:${s.id}:line:${line.id}:${g.lot}:${g.expiry ?? ''}:${p + 1}`,
        data: data as never,
        source: {
          kind: 'scan',
          correlation_id: `receiving:${s.id}:${line.line_no}:${p + 1}`,
          payload_sha256: contentSha256({ session: s.id, line: line.id, lot: g.lot, expiry: g.expiry, scans: chunk.map((u) => [u.scan_id, u.serial]) }),
          ref: `receiving session ${s.id} line ${line.line_no}`,
        },
      };
      planned.push({ event, line, lot: g.lot, expiry: g.expiry, containers, gtin, serials });
    }
  }

  // Validate everything first (nothing written): the gate's verdict and the DEA record rules.
  const gate = ws.gate;
  const problems: string[] = [...sizeProblems];
  const schedules = new Map<Planned, string | null>();
  for (const p of planned) {
    const where = `line ${p.line.line_no} (${p.line.ndc ?? p.gtin ?? 'no NDC'} lot ${p.lot || '—'})`;
    if (!p.line.ndc) {
      problems.push(`${where}: the product has no NDC`);
      continue;
    }
    const v = gate.evaluate({ ok: true, event: p.event }, p.event.source.payload_sha256, p.event.source.correlation_id);
    if (!v.ok) {
      problems.push(`${where}: ${v.issues.join('; ')}`);
      continue;
    }
    const schedule = v.route.schedule;
    schedules.set(p, schedule);
    if (schedule) {
      const missing = [!s.supplier_name && 'name', !s.supplier_address && 'address', !s.supplier_dea && 'DEA number'].filter(Boolean);
      if (missing.length) problems.push(`${where} is ${schedule}: the supplier's ${missing.join(', ')} must be recorded (21 CFR 1304.22(c))`);
      else {
        const bad = deaNumberProblem(s.supplier_dea!);
        if (bad) problems.push(`${where}: supplier ${bad}`);
      }
    }
    if (schedule === 'CII') {
      if (!s.order_form_kind || !s.order_form_number) problems.push(`${where} is CII: enter the DEA Form 222 or CSOS order number first (21 CFR 1305.13(e), 1305.22(g))`);
      else {
        p.event.data.order_form = { kind: s.order_form_kind, number: s.order_form_number };
        p.event.data.cii_containers_received = p.containers;
      }
    }
  }
  // 21 CFR 1305.13/1305.22: CII beyond what the order form names, and controlled products nobody
  // ordered, do not go to stock on a technician's scan alone.
  const lineSchedule = new Map<number, string | null>();
  for (const [p, sch] of schedules) lineSchedule.set(p.line.id, sch);
  const setAside: SetAsideLine[] = [];
  for (const l of lines) {
    // The gate's schedule where it judged the line; the line's own where the gate refused it.
    const sch = lineSchedule.get(l.id) ?? (l.schedule_known ? l.schedule : null);
    const got = scanned.get(l.id) ?? 0;
    if (!sch || got === 0) continue;
    const base = { lineId: l.id, lineNo: l.line_no, ndc: l.ndc, name: l.name, schedule: sch as SetAsideLine['schedule'], expected: l.expected, received: got };
    if (l.origin === 'unexpected') setAside.push({ ...base, reason: 'controlled_not_ordered', excess: got });
    else if (sch === 'CII' && got > l.expected) setAside.push({ ...base, reason: 'cii_over_order_form', excess: got - l.expected });
  }

  const shortLines = lines
    .filter((l) => l.origin === 'expected' && (received.get(l.id) ?? 0) < l.expected)
    .map((l) => ({ lineNo: l.line_no, ndc: l.ndc, expected: l.expected, received: received.get(l.id) ?? 0 }));
  return { planned, problems: [...new Set(problems)], setAside, shortLines, eventTime, dateReceived };
}

function writeCommit(
  ws: Workstation,
  s: SessionRow,
  actor: string,
  plan: Plan,
  setAside: SetAsideLine[],
  byLine: ReadonlyMap<number, SetAsideDecision>,
  signer: ReadySigner | null,
): CommitSummary {
  const { planned, shortLines, eventTime, dateReceived } = plan;
  const gate = ws.gate;
  const aside = new Map(setAside.map((a) => [a.lineId, a]));
  const signatures = signer ? manifestationsFor([signer], ws.clock.now(), signingTimeZone(ws)) : [];
  for (const p of planned) {
    const a = aside.get(p.line.id);
    const d = a ? byLine.get(a.lineId) : undefined;
    if (!a || !d) continue;
    // The pharmacist's decision and signature travel with the receipt they let into stock.
    p.event.data.set_aside = { reason: a.reason, decision: d.decision, note: d.note.trim(), received: a.received, expected: a.expected, excess: a.excess };
    p.event.data.signatures = signatures.map((m) => ({ ...m }));
  }
  return ws.db
    .transaction(() => {
      const entries: CommitSummary['entries'] = [];
      for (const p of planned) {
        const out = gate.processInTransaction(
          {
            source: 'ui:receiving',
            raw: Buffer.from(JSON.stringify(p.event), 'utf8'),
            candidate: { ok: true, event: p.event },
            correlationId: p.event.source.correlation_id,
            context: { receiving_session: s.id, line_no: p.line.line_no },
          },
          { quarantine: false },
        );
        if (out.status === 'refused' || out.status === 'quarantined') {
          throw new RxError('BAD_INPUT', `Not committed — line ${p.line.line_no}: ${out.issues.join('; ')}`);
        }
        if (signer && out.status === 'committed' && p.event.data.set_aside) attachSignatures(ws.db, out.entry, [signer], null);
        // The gate recorded the serials (data.serials, data.gtin) with the entry.
        const ref = out.status === 'committed' ? { device: out.entry.device_id, seq: out.entry.seq } : { device: out.existing.device_id, seq: out.existing.seq };
        entries.push({
          seq: ref.seq,
          lineNo: p.line.line_no,
          ndc: out.route.ndc11,
          lot: p.lot,
          expiry: p.expiry,
          schedule: out.route.schedule,
          containers: p.containers,
          unitsPerContainer: p.line.units_per_container!,
          quantity: p.event.quantity,
          unit: p.line.unit,
          serials: p.serials.length,
        });
      }
      const decisions = setAside.map((a) => ({ lineNo: a.lineNo, ndc: a.ndc, reason: a.reason, decision: byLine.get(a.lineId)!.decision, containers: a.excess, note: byLine.get(a.lineId)!.note.trim(), signedBy: signer!.user.user_id }));
      const summary: CommitSummary = { committedAt: eventTime, committedBy: actor, dateReceived, entries, shortLines, ...(decisions.length ? { setAside: decisions } : {}) };
      for (const d of decisions) {
        ws.audit.record({
          actor: d.signedBy,
          action: d.decision === 'accept' ? 'RECEIVING_SET_ASIDE_ACCEPTED' : 'RECEIVING_SET_ASIDE_REFUSED',
          target: `${s.id}:line ${d.lineNo}`,
          details: { ndc: d.ndc, reason: d.reason, containers: d.containers, note: d.note, session: s.id, committed_by: actor },
        });
      }
      ws.db
        .prepare("UPDATE receiving_sessions SET status = 'committed', closed_at = ?, closed_by = ?, commit_summary = ? WHERE id = ? AND status = 'open'")
        .run(eventTime, actor, JSON.stringify(summary), s.id);
      return summary;
    })
    .immediate();
}

/** sha256 of a value's canonical JSON. */
function contentSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
