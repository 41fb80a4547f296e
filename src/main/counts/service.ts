import { randomBytes } from 'node:crypto';
import { RxError } from '../../shared/errors/error-codes';
import {
  ContainerBreakdown,
  CountScope,
  countedProblem,
  describeScope,
  evaluateVariance,
  lineKey,
  toleranceFor,
  unitsOf,
  type TolerancePolicy,
} from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';
import type { EntryBody, EntryRef, LedgerEntry, LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { PackageUnitsLookup } from '../catalog/package-units';
import { legacyContainerEntries } from '../ledger/legacy-basis';
import { toView } from '../ledger/query';
import { findActiveHold } from '../holds';
import type { Workstation } from '../workstation';
import { currentPolicy, policyVersion } from './tolerance-store';
import { canonicalRequest, entryThroughGate, type CanonicalRequest } from './through-gate';

export interface CountItem {
  ndc: string;
  /** null: the whole NDC, every lot. */
  lot: string | null;
  schedule: Schedule | null;
  name: string | null;
  expiry: string | null;
  location: string | null;
}

export interface CountSession {
  count_id: string;
  facility_id: string;
  scope: CountScope;
  scope_label: string;
  blind: boolean;
  items: CountItem[];
  created_by: string;
  created_at: string;
  status: 'open' | 'submitted' | 'cancelled';
  submitted_by: string | null;
  submitted_at: string | null;
  tolerance_version: number | null;
}

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

interface SessionRow {
  count_id: string;
  facility_id: string;
  scope: string;
  blind: number;
  items: string;
  created_by: string;
  created_at: string;
  status: CountSession['status'];
  submitted_by: string | null;
  submitted_at: string | null;
  tolerance_version: number | null;
}

const toSession = (r: SessionRow): CountSession => {
  const scope = CountScope.parse(JSON.parse(r.scope));
  return {
    count_id: r.count_id,
    facility_id: r.facility_id,
    scope,
    scope_label: describeScope(scope),
    blind: r.blind === 1,
    items: JSON.parse(r.items) as CountItem[],
    created_by: r.created_by,
    created_at: r.created_at,
    status: r.status,
    submitted_by: r.submitted_by,
    submitted_at: r.submitted_at,
    tolerance_version: r.tolerance_version,
  };
};

const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`;

/**
 * Expected on hand at the count time: the sum of the ledger's deltas up to and including that
 * event time, from the ledger itself (not the projection), so a dispense recorded during the
 * count is placed where it happened and does not turn into a variance. lot null: every lot.
 */
export function expectedAt(db: Db, facilityId: string, ndc: string, lot: string | null, at: string): number {
  const recorded = db
    .prepare<[{ f: string; ndc: string; lot: string | null; at: string }], { n: number }>(
      'SELECT COALESCE(SUM(delta), 0) AS n FROM ledger_entries WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot) AND event_time <= @at',
    )
    .get({ f: facilityId, ndc, lot, at })!.n;
  // Version 0.1 receipts recorded in containers count in dosage units here too.
  const units = new PackageUnitsLookup(db);
  const legacy = legacyContainerEntries(db, (n) => units.of(n), { facilityId, ndc, lot: lot ?? undefined, to: at });
  return recorded + legacy.reduce((s, e) => s + (e.extra ?? 0), 0);
}

/** Stock movements after `since` (the count time), oldest first: what the review shows beside a variance. */
export function movementsSince(db: Db, facilityId: string, ndc: string, lot: string | null, since: string): LedgerEntryView[] {
  return db
    .prepare<[{ f: string; ndc: string; lot: string | null; since: string }], { device_id: string; seq: number; hash: string; prev_hash: string; signature: string; body: string }>(
      `SELECT device_id, seq, hash, prev_hash, signature, body FROM ledger_entries
        WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot) AND delta != 0 AND event_time > @since ORDER BY event_time, device_id, seq`,
    )
    .all({ f: facilityId, ndc, lot, since })
    .map(toView);
}

function isStocked(db: Db, facilityId: string, ndc: string): boolean {
  return !!db.prepare('SELECT 1 FROM ledger_entries WHERE facility_id = ? AND ndc = ? LIMIT 1').get(facilityId, ndc);
}

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

function describe(db: Db, facilityId: string, ndc: string, lot: string | null): Omit<CountItem, 'ndc' | 'lot'> {
  const schedule =
    db.prepare<[string, string], { schedule: Schedule | null }>('SELECT schedule FROM stock WHERE facility_id = ? AND ndc = ? AND schedule IS NOT NULL LIMIT 1').get(facilityId, ndc)?.schedule ??
    null;
  const name = hasTable(db, 'catalog_packages')
    ? (db.prepare<[string], { name: string | null }>('SELECT name FROM catalog_packages WHERE ndc11 = ?').get(ndc)?.name ?? null)
    : null;
  const expiry =
    lot === null
      ? null
      : (db
          .prepare<[string, string, string], { e: string | null }>(
            "SELECT json_extract(body, '$.expiry') AS e FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND lot = ? AND json_extract(body, '$.expiry') IS NOT NULL ORDER BY recorded_at DESC LIMIT 1",
          )
          .get(facilityId, ndc, lot)?.e ?? null);
  const location = db.prepare<[string, string], { location: string }>('SELECT location FROM stock_locations WHERE facility_id = ? AND ndc = ?').get(facilityId, ndc)?.location ?? null;
  return { schedule, name, expiry, location };
}

/**
 * The lines a scope covers, from stock on hand: one per lot, or one for the whole NDC when
 * part of its stock has no lot recorded.
 */
export function itemsForScope(db: Db, facilityId: string, scope: CountScope): CountItem[] {
  if (scope.kind === 'recount') {
    return pendingRecounts(db, facilityId).map((p) => ({ ndc: p.ndc, lot: p.lot, ...describe(db, facilityId, p.ndc, p.lot) }));
  }
  const stock = db
    .prepare<[string], { ndc: string; lot: string; schedule: Schedule | null; on_hand: number }>('SELECT ndc, lot, schedule, on_hand FROM stock WHERE facility_id = ? ORDER BY ndc, lot')
    .all(facilityId);
  const byNdc = new Map<string, { lot: string; schedule: Schedule | null; on_hand: number }[]>();
  for (const s of stock) byNdc.set(s.ndc, [...(byNdc.get(s.ndc) ?? []), s]);
  let ndcs: string[];
  switch (scope.kind) {
    case 'all_cii':
      ndcs = [...byNdc].filter(([, rows]) => rows.some((r) => r.schedule === 'CII')).map(([n]) => n);
      break;
    case 'schedule':
      ndcs = [...byNdc].filter(([, rows]) => rows.some((r) => r.schedule === scope.schedule)).map(([n]) => n);
      break;
    case 'location': {
      const at = new Set(
        db.prepare<[string, string], { ndc: string }>('SELECT ndc FROM stock_locations WHERE facility_id = ? AND lower(location) = lower(?)').all(facilityId, scope.location).map((r) => r.ndc),
      );
      ndcs = [...byNdc.keys()].filter((n) => at.has(n));
      break;
    }
    case 'ndcs': {
      const missing = scope.ndcs.filter((n) => !isStocked(db, facilityId, n));
      if (missing.length) throw new RxError('NOT_FOUND', `Not stocked at ${facilityId}: ${missing.join(', ')}. Nothing was created.`);
      ndcs = [...new Set(scope.ndcs)];
      break;
    }
    case 'expiring':
      ndcs = [...byNdc.keys()];
      break;
  }
  const items: CountItem[] = [];
  for (const ndc of ndcs) {
    const rows = (byNdc.get(ndc) ?? []).filter((r) => r.on_hand !== 0 || scope.kind === 'ndcs');
    if (rows.length === 0 && scope.kind === 'ndcs') {
      items.push({ ndc, lot: null, ...describe(db, facilityId, ndc, null) });
      continue;
    }
    if (rows.some((r) => r.lot === '')) {
      if (scope.kind !== 'expiring') items.push({ ndc, lot: null, ...describe(db, facilityId, ndc, null) });
      continue;
    }
    for (const r of rows) {
      const item = { ndc, lot: r.lot, ...describe(db, facilityId, ndc, r.lot) };
      if (scope.kind === 'expiring' && !(item.expiry ?? '').startsWith(scope.month)) continue;
      items.push(item);
    }
  }
  return items;
}

export function createCount(
  ws: Workstation,
  input: { scope: CountScope; blind?: boolean; actor: string; items?: CountItem[] },
): CountSession {
  const scope = CountScope.parse(input.scope);
  const items = input.items ?? itemsForScope(ws.db, ws.facilityId, scope);
  if (items.length === 0) throw new RxError('NOT_FOUND', `Nothing to count for ${describeScope(scope)} at ${ws.facilityId}: no stock on hand matches.`);
  const countId = newId('C');
  const at = ws.clock.now().toISOString();
  ws.db
    .transaction(() => {
      ws.db
        .prepare(
          `INSERT INTO count_sessions (count_id, facility_id, scope, blind, items, created_by, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
        )
        .run(countId, ws.facilityId, JSON.stringify(scope), input.blind === false ? 0 : 1, JSON.stringify(items), input.actor, at);
      ws.audit.record({ actor: input.actor, action: 'COUNT_STARTED', target: countId, details: { scope, blind: input.blind !== false, lines: items.length } });
    })
    .immediate();
  return getCount(ws.db, countId)!;
}

export function getCount(db: Db, countId: string): CountSession | null {
  const r = db.prepare<[string], SessionRow>('SELECT * FROM count_sessions WHERE count_id = ?').get(countId);
  return r ? toSession(r) : null;
}

export function listCounts(db: Db, filter: { status?: CountSession['status'] | undefined; limit?: number } = {}): CountSession[] {
  return db
    .prepare<[{ status: string | null; limit: number }], SessionRow>('SELECT * FROM count_sessions WHERE (@status IS NULL OR status = @status) ORDER BY created_at DESC LIMIT @limit')
    .all({ status: filter.status ?? null, limit: filter.limit ?? 100 })
    .map(toSession);
}

export function cancelCount(ws: Workstation, countId: string, actor: string): void {
  ws.db
    .transaction(() => {
      const s = getCount(ws.db, countId);
      if (!s) throw new RxError('NOT_FOUND', `No count ${countId}.`);
      if (s.status !== 'open') throw new RxError('CONFLICT', `Count ${countId} is already ${s.status}.`);
      ws.db.prepare("UPDATE count_sessions SET status = 'cancelled', submitted_by = ?, submitted_at = ? WHERE count_id = ?").run(actor, ws.clock.now().toISOString(), countId);
      ws.audit.record({ actor, action: 'COUNT_CANCELLED', target: countId });
    })
    .immediate();
}

/** Where an NDC is kept, for counts by location. */
export function setLocation(ws: Workstation, ndc: string, location: string, actor: string): void {
  if (!isStocked(ws.db, ws.facilityId, ndc)) throw new RxError('NOT_FOUND', `${ndc} is not stocked at ${ws.facilityId}.`);
  ws.db
    .prepare(
      `INSERT INTO stock_locations (facility_id, ndc, location, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (facility_id, ndc) DO UPDATE SET location = excluded.location, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .run(ws.facilityId, ndc, location.trim(), ws.clock.now().toISOString(), actor);
}

interface CountEntryRow {
  device_id: string;
  seq: number;
  hash: string;
  body: string;
}

/** COUNT lines whose variance waits for a second person's recount. */
export function pendingRecounts(db: Db, facilityId: string): { ndc: string; lot: string | null; entry: EntryRef; counted_by: string; count_id: string; count_time: string }[] {
  return db
    .prepare<[string], CountEntryRow>(
      `SELECT c.device_id, c.seq, c.hash, c.body FROM ledger_entries c
        WHERE c.type = 'COUNT' AND c.facility_id = ? AND json_extract(c.body, '$.data.outcome') = 'recount_required'
          AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.type = 'COUNT' AND r.facility_id = c.facility_id AND r.ndc = c.ndc
                           AND json_extract(r.body, '$.data.recount_of.hash') = c.hash)
        ORDER BY c.event_time`,
    )
    .all(facilityId)
    .map((r) => {
      const b = JSON.parse(r.body) as EntryBody;
      return { ndc: b.ndc!, lot: b.lot, entry: { device_id: r.device_id, seq: r.seq, hash: r.hash }, counted_by: b.actor, count_id: String(b.data.count_id), count_time: b.event_time };
    });
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

export interface ReviewLine extends CountLineResult {
  on_hand_now: number;
  /** Movements after the count time: why the shelf may differ from the count now. */
  movements_since: LedgerEntryView[];
  hold_status: 'active' | 'released' | null;
}

/** After submission: expected, counted, variance, the tolerance used, the hold, and the movements since each line's count time. */
export function reviewCount(db: Db, countId: string): { count: CountSession; policy: TolerancePolicy | null; lines: ReviewLine[] } {
  const count = getCount(db, countId);
  if (!count) throw new RxError('NOT_FOUND', `No count ${countId}.`);
  const entries = db
    .prepare<[string], CountEntryRow>(
      "SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'COUNT' AND json_extract(body, '$.data.count_id') = ? ORDER BY seq",
    )
    .all(countId);
  const lines = entries.map((e): ReviewLine => {
    const b = JSON.parse(e.body) as EntryBody;
    const d = b.data as Record<string, unknown>;
    const holdId = typeof d.hold_id === 'string' ? d.hold_id : null;
    const released = holdId
      ? !!db.prepare("SELECT 1 FROM ledger_entries WHERE type = 'HOLD_RELEASED' AND json_extract(body, '$.data.hold_id') = ?").get(holdId)
      : false;
    return {
      ndc: b.ndc!,
      lot: b.lot,
      schedule: b.schedule,
      count_time: b.event_time,
      counted_by: b.actor,
      expected: Number(d.expected),
      counted: b.quantity,
      variance: Number(d.variance),
      allowed: Number(d.allowed),
      tolerance_version: Number(d.tolerance_version),
      tolerance_basis: String(d.tolerance_basis),
      outcome: d.outcome as LineOutcome,
      hold_id: holdId,
      entry: { device_id: e.device_id, seq: e.seq, hash: e.hash },
      recount_of: (d.recount_of as EntryRef | null) ?? null,
      on_hand_now: db
        .prepare<[{ f: string; ndc: string; lot: string | null }], { n: number }>('SELECT COALESCE(SUM(on_hand), 0) AS n FROM stock WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot)')
        .get({ f: b.facility_id, ndc: b.ndc!, lot: b.lot })!.n,
      movements_since: movementsSince(db, b.facility_id, b.ndc!, b.lot, b.event_time),
      hold_status: holdId ? (released ? 'released' : 'active') : null,
    };
  });
  return { count, policy: count.tolerance_version === null ? null : policyVersion(db, count.tolerance_version), lines };
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
