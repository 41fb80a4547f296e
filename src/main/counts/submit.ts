import { RxError } from '../../shared/errors/error-codes';
import { ContainerBreakdown, countedProblem, evaluateVariance, lineKey, toleranceFor, unitsOf, type TolerancePolicy } from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';
import type { EntryRef, LedgerEntry } from '../../shared/schemas/ledger-entry';
import { findActiveHold } from '../holds';
import type { Workstation } from '../workstation';
import { currentPolicy } from './tolerance-store';
import { canonicalRequest, entryThroughGate, type CanonicalRequest } from './through-gate';
import { createCount, describe, getCount, isStocked, newId, pendingRecounts, type CountSession } from './count-sessions';
import { expectedAt } from './expected';

export interface CountLineInput {
  ndc: string;
  lot: string | null;
  /** Units counted in total. With `containers`, it must equal their sum. */
  counted: number;
  containers?: ContainerBreakdown | null | undefined;
  /** When this line was counted (ISO UTC); between the count's start and now. Default: now. */
  counted_at?: string | null | undefined;
  method?: 'scan' | 'keypad' | 'cli' | undefined;
}

export type LineOutcome = 'within' | 'hold' | 'recount_required' | 'recount_within' | 'under_hold';

export interface CountLineResult {
  ndc: string;
  lot: string | null;
  schedule: Schedule | null;
  count_time: string;
  counted_by: string;
  expected: number;
  counted: number;
  variance: number;
  allowed: number;
  tolerance_version: number;
  tolerance_basis: string;
  outcome: LineOutcome;
  hold_id: string | null;
  entry: EntryRef;
  recount_of: EntryRef | null;
}

function lineProblem(line: CountLineInput): string | null {
  const p = countedProblem(line.counted);
  if (p) return p;
  if (line.containers) {
    const c = ContainerBreakdown.safeParse(line.containers);
    if (!c.success) return `containers: ${c.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    const total = unitsOf(c.data);
    if (total !== line.counted) return `the containers add up to ${total} units, not ${line.counted}`;
  }
  return null;
}

/**
 * Submits a count: one COUNT entry per line (an absolute observation at its count time, by
 * the counter), and for each variance over tolerance either a recount request (when the
 * policy wants a second person first) or a HOLD_PLACED entry naming the count — all in one
 * transaction. Any bad line refuses the whole submission and nothing is written.
 */
export function submitCount(ws: Workstation, input: { count_id: string; actor: string; lines: CountLineInput[] }): { count: CountSession; results: CountLineResult[] } {
  const db = ws.db;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const l of input.lines) {
    const lot = l.lot?.trim() || null;
    const key = lineKey(l.ndc, lot);
    const p = lineProblem(l);
    if (p) problems.push(`${l.ndc}${lot ? ` lot ${lot}` : ''}: ${p}`);
    if (seen.has(key)) problems.push(`${l.ndc}${lot ? ` lot ${lot}` : ''} is counted twice`);
    seen.add(key);
  }
  if (problems.length) throw new RxError('BAD_INPUT', `${problems.join('; ')}. Nothing was recorded.`);

  const results = db
    .transaction((): CountLineResult[] => {
      const session = getCount(db, input.count_id);
      if (!session) throw new RxError('NOT_FOUND', `No count ${input.count_id}.`);
      if (session.status !== 'open') {
        throw new RxError('CONFLICT', `Count ${input.count_id} was already ${session.status} by ${session.submitted_by} at ${session.submitted_at}. Nothing was recorded.`);
      }
      const missing = session.items.filter((i) => !seen.has(lineKey(i.ndc, i.lot)));
      if (missing.length) {
        throw new RxError('BAD_INPUT', `Not counted yet: ${missing.map((m) => `${m.ndc}${m.lot ? ` lot ${m.lot}` : ''}`).join(', ')}. Enter 0 for what is not on the shelf. Nothing was recorded.`);
      }
      const notStocked = input.lines.filter((l) => !isStocked(db, session.facility_id, l.ndc)).map((l) => l.ndc);
      if (notStocked.length) throw new RxError('NOT_FOUND', `Not stocked at ${session.facility_id}: ${[...new Set(notStocked)].join(', ')}. Nothing was recorded.`);

      const now = ws.clock.now();
      const policy = currentPolicy(db);
      const pending = pendingRecounts(db, session.facility_id);
      const lines = input.lines.map((line) => ({ ...line, lot: line.lot?.trim() || null, countTime: clampCountTime(line.counted_at, session.created_at, now) }));
      // What the counter submitted, canonical: the gate's raw payload, and the payload_sha256 of every entry it writes.
      const request = canonicalRequest({
        request: 'counts.submit',
        count_id: session.count_id,
        actor: input.actor,
        lines: lines.map((l) => ({ ndc: l.ndc, lot: l.lot, counted: l.counted, containers: l.containers ?? null, counted_at: l.countTime, method: l.method ?? 'keypad' })),
      });
      const out: CountLineResult[] = [];
      for (const line of lines) out.push(recordLine(ws, session, policy, pending, line, line.countTime, input.actor, request));
      db.prepare("UPDATE count_sessions SET status = 'submitted', submitted_by = ?, submitted_at = ?, tolerance_version = ? WHERE count_id = ?").run(
        input.actor,
        now.toISOString(),
        policy.version,
        session.count_id,
      );
      ws.audit.record({
        actor: input.actor,
        action: 'COUNT_SUBMITTED',
        target: session.count_id,
        details: { lines: out.length, holds: out.filter((r) => r.outcome === 'hold').map((r) => r.hold_id), recounts: out.filter((r) => r.outcome === 'recount_required').length },
      });
      return out;
    })
    .immediate();
  return { count: getCount(db, input.count_id)!, results };
}

function clampCountTime(given: string | null | undefined, startedAt: string, now: Date): string {
  const nowIso = now.toISOString();
  if (!given) return nowIso;
  const t = new Date(given);
  if (Number.isNaN(t.getTime())) throw new RxError('BAD_INPUT', `counted_at "${given}" is not a time. Nothing was recorded.`);
  const iso = t.toISOString();
  if (iso > nowIso) return nowIso;
  // A draft can outlive a restart, but not start before its count did.
  return iso < startedAt ? startedAt : iso;
}

function recordLine(
  ws: Workstation,
  session: CountSession,
  policy: TolerancePolicy,
  pending: ReturnType<typeof pendingRecounts>,
  line: CountLineInput & { lot: string | null },
  countTime: string,
  actor: string,
  request: CanonicalRequest,
): CountLineResult {
  const db = ws.db;
  const item = session.items.find((i) => i.ndc === line.ndc && i.lot === line.lot);
  // The tolerance of the schedule the gate will route the entry under: the catalog's, else the stock's.
  const fromCatalog = ws.gate.catalog?.scheduleOf(line.ndc);
  const schedule = fromCatalog !== undefined ? fromCatalog : (item?.schedule ?? describe(db, session.facility_id, line.ndc, line.lot).schedule);
  const expected = expectedAt(db, session.facility_id, line.ndc, line.lot, countTime);
  const tol = toleranceFor(policy, line.ndc, schedule);
  const ev = evaluateVariance(expected, line.counted, tol);
  const waiting = pending.find((p) => p.ndc === line.ndc && p.lot === line.lot);
  if (waiting && waiting.counted_by === actor) {
    throw new RxError(
      'CONFLICT',
      `${line.ndc}${line.lot ? ` lot ${line.lot}` : ''} needs a recount by a second person: ${actor} made the first count (${waiting.count_id}). Nothing was recorded.`,
    );
  }
  const existing = findActiveHold(db, session.facility_id, line.ndc, line.lot);
  let outcome: LineOutcome;
  if (ev.within) outcome = waiting ? 'recount_within' : 'within';
  else if (existing) outcome = 'under_hold';
  else if (policy.recount_before_hold && !waiting) outcome = 'recount_required';
  else outcome = 'hold';
  const holdId = outcome === 'hold' ? newId('H') : outcome === 'under_hold' ? existing!.hold_id : null;
  const what = `The count of ${line.ndc}${line.lot ? ` lot ${line.lot}` : ''}`;
  // The COUNT goes through the ingestion gate like every other entry (catalog, schedule,
  // handler, facility, lot rules); the schedule is the one the gate routes it under.
  const count = entryThroughGate(
    ws,
    {
      type: 'COUNT',
      facility_id: session.facility_id,
      ndc: line.ndc,
      lot: line.lot,
      serial: null,
      expiry: item?.expiry ?? null,
      quantity: line.counted,
      event_time: countTime,
      handler_id: actor,
      idempotency_key: `count:${session.count_id}:${lineKey(line.ndc, line.lot)}`,
      data: {
        count_id: session.count_id,
        blind: session.blind,
        method: line.method ?? 'keypad',
        containers: line.containers ? { ...line.containers, partial_units: [...line.containers.partial_units] } : null,
        expected,
        counted: line.counted,
        variance: ev.variance,
        allowed: ev.allowed,
        tolerance_version: tol.version,
        tolerance_basis: tol.basis,
        tolerance: { units: tol.units, percent_bp: tol.percent_bp },
        outcome,
        hold_id: holdId,
        recount_of: waiting?.entry ?? null,
      },
      source: { kind: 'count', correlation_id: session.count_id, payload_sha256: request.sha256, ref: `${line.ndc}/${line.lot ?? '*'}` },
    },
    { request, source: 'ui:counts', what },
  );
  const routed = count.body.schedule;
  const countRef: EntryRef = { device_id: count.device_id, seq: count.seq, hash: count.hash };
  if (outcome === 'hold') {
    // A hold is not a stock movement (the gate takes none): it is appended beside its COUNT, in
    // the same transaction, naming the same request.
    commit(
      ws.gate.recordHoldInTransaction({
        facility_id: session.facility_id,
        ndc: count.body.ndc,
        lot: line.lot,
        serial: null,
        expiry: count.body.expiry,
        schedule: routed,
        delta: 0,
        source: { kind: 'count', payload_sha256: request.sha256, correlation_id: session.count_id },
        type: 'HOLD_PLACED',
        quantity: Math.abs(ev.variance),
        event_time: ws.clock.now().toISOString(),
        actor,
        data: {
          hold_id: holdId,
          count_id: session.count_id,
          count_entry: countRef,
          count_time: countTime,
          expected,
          counted: line.counted,
          variance: ev.variance,
          allowed: ev.allowed,
          tolerance_version: tol.version,
          recount_of: waiting?.entry ?? null,
        },
      }),
    );
    ws.audit.record({ actor, action: 'HOLD_PLACED', target: holdId, details: { ndc: line.ndc, lot: line.lot, variance: ev.variance, count_id: session.count_id } });
  }
  return {
    ndc: line.ndc,
    lot: line.lot,
    schedule: routed,
    count_time: countTime,
    counted_by: actor,
    expected,
    counted: line.counted,
    variance: ev.variance,
    allowed: ev.allowed,
    tolerance_version: tol.version,
    tolerance_basis: tol.basis,
    outcome,
    hold_id: holdId,
    entry: countRef,
    recount_of: waiting?.entry ?? null,
  };
}

function commit(res: ReturnType<Workstation['gate']['recordHoldInTransaction']>): LedgerEntry {
  if (res.status !== 'committed') throw new RxError('CONFLICT', 'this count line was already recorded. Nothing was recorded.');
  return res.entry;
}

/** One NDC (and lot) counted in one go: what `rxledger count` does. */
export function quickCount(ws: Workstation, input: { actor: string; ndc: string; lot: string | null; counted: number; containers?: ContainerBreakdown | null }): CountLineResult & { count_id: string } {
  const p = countedProblem(input.counted);
  if (p) throw new RxError('BAD_INPUT', `${p}. Nothing was recorded.`);
  if (!isStocked(ws.db, ws.facilityId, input.ndc)) throw new RxError('NOT_FOUND', `${input.ndc} is not stocked at ${ws.facilityId}: there is nothing to count against. Nothing was recorded.`);
  const lot = input.lot?.trim() || null;
  // One transaction: a refused line leaves no open count behind either.
  return ws.db.transaction(() => {
  const session = createCount(ws, {
    scope: { kind: 'ndcs', ndcs: [input.ndc] },
    blind: true,
    actor: input.actor,
    items: [{ ndc: input.ndc, lot, ...describe(ws.db, ws.facilityId, input.ndc, lot) }],
  });
  const { results } = submitCount(ws, {
    count_id: session.count_id,
    actor: input.actor,
    lines: [{ ndc: input.ndc, lot, counted: input.counted, containers: input.containers ?? null, method: 'cli' }],
  });
  return { ...results[0]!, count_id: session.count_id };
  }).immediate();
}
