import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE_RULES } from '../../shared/counts';
import { RxError } from '../../shared/errors/error-codes';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { countActiveHolds, findActiveHold, holdDetail, listHolds } from '../holds';
import type { Workstation } from '../workstation';
import { canonicalJson } from '../../shared/ledger/canonical';
import { sha256Hex } from '../ledger/hash';
import { blindScopeFor, hideBlindEntries, hideBlindStock, BLIND_COUNT_NOTE } from './blind-scope';
import { cancelCount, createCount, getCount, itemsForScope, setLocation } from './count-sessions';
import { reviewCount } from './review';
import { quickCount, submitCount } from './submit';
import { listLedger } from '../ledger/query';
import { listStock } from '../ledger/stock-query';
import { currentPolicy, savePolicy } from './tolerance-store';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
let now: Date;
const at = (iso: string) => (now = new Date(iso));

const OXY = '00002-1200-30';
const ALPRAZ = '00409-1234-01'; // CIV in the test catalog
const IBU = '68180-0513-01'; // not controlled in the test catalog

beforeEach(() => {
  now = new Date('2026-11-05T10:00:00.000Z');
  // The gate is strict: the test catalog lists these NDCs, and the counters are users.
  t = tempWorkstation({ clock: { now: () => now }, seed: true });
  ws = t.ws;
  for (const [userId, name] of [
    ['tina', 'Tina Technician'],
    ['ravi', 'Ravi Recounter'],
  ] as const) {
    ws.users.create({ userId, name, role: 'technician', password: `${userId}-password-1`, actor: 'test' });
  }
  ws.ledger.append([
    receipt({ ndc: OXY, lot: 'A1', quantity: 100, delta: 100, schedule: 'CII' }),
    receipt({ ndc: OXY, lot: 'B2', quantity: 50, delta: 50, schedule: 'CII', expiry: '2026-11-30' }),
    receipt({ ndc: ALPRAZ, lot: 'X9', quantity: 200, delta: 200, schedule: 'CIV' }),
    receipt({ ndc: IBU, lot: 'N1', quantity: 500, delta: 500, schedule: null }),
  ]);
});
afterEach(() => t.cleanup());

const dispense = (ndc: string, lot: string, n: number, eventTime: string) =>
  ws.ledger.appendOne({ ...receipt({ ndc, lot, schedule: ndc === OXY ? 'CII' : 'CIV' }), type: 'DISPENSE', quantity: n, delta: -n, event_time: eventTime });

const headSeq = () => ws.ledger.head().seq;

describe('cycle counts', () => {
  it('a blind count within tolerance writes a COUNT observation by the counter and no hold', () => {
    const c = createCount(ws, { scope: { kind: 'ndcs', ndcs: [ALPRAZ] }, actor: 'tina' });
    expect(c.blind).toBe(true);
    expect(c.items).toEqual([expect.objectContaining({ ndc: ALPRAZ, lot: 'X9', schedule: 'CIV' })]);
    expect(JSON.stringify(c)).not.toContain('200'); // the counter never sees the expected quantity
    const { results, count } = submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: ALPRAZ, lot: 'X9', counted: 198 }] });
    expect(count.status).toBe('submitted');
    expect(results[0]).toMatchObject({ expected: 200, counted: 198, variance: -2, allowed: 2, outcome: 'within', hold_id: null, counted_by: 'tina' });
    const entry = ws.db.prepare("SELECT body FROM ledger_entries WHERE type = 'COUNT'").get() as { body: string };
    expect(JSON.parse(entry.body)).toMatchObject({ type: 'COUNT', quantity: 198, delta: 0, actor: 'tina', data: { count_id: c.count_id, blind: true } });
    expect(countActiveHolds(ws.db)).toBe(0);
    expect(ws.verify().ok).toBe(true);
  });

  it('a CII variance places a hold on the lot, naming the count, in the same transaction', () => {
    const r = quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted: 97 });
    expect(r).toMatchObject({ expected: 100, counted: 97, variance: -3, allowed: 0, outcome: 'hold' });
    expect(r.hold_id).toMatch(/^H-/);
    const placed = ws.db.prepare("SELECT body FROM ledger_entries WHERE type = 'HOLD_PLACED'").get() as { body: string };
    expect(JSON.parse(placed.body)).toMatchObject({ ndc: OXY, lot: 'A1', data: { hold_id: r.hold_id, count_id: r.count_id, count_entry: r.entry, variance: -3 } });
    expect(findActiveHold(ws.db, 'MAIN01', OXY, 'A1')?.hold_id).toBe(r.hold_id);
    expect(findActiveHold(ws.db, 'MAIN01', OXY, null)?.hold_id).toBe(r.hold_id);
    expect(findActiveHold(ws.db, 'MAIN01', OXY, 'B2')).toBeNull();
    expect(findActiveHold(ws.db, 'MAIN01', ALPRAZ, null)).toBeNull();
    expect(countActiveHolds(ws.db)).toBe(1);
    expect(listHolds(ws.db)).toEqual([expect.objectContaining({ hold_id: r.hold_id, status: 'active', expected: 100, counted: 97 })]);
  });

  it('a hold counted without a lot holds every lot of the NDC', () => {
    const r = quickCount(ws, { actor: 'tina', ndc: OXY, lot: null, counted: 149 });
    expect(r).toMatchObject({ expected: 150, variance: -1, outcome: 'hold' });
    expect(findActiveHold(ws.db, 'MAIN01', OXY, 'B2')?.hold_id).toBe(r.hold_id);
  });

  it('a dispense recorded during the count does not become a variance, and the review shows it', () => {
    const c = createCount(ws, { scope: { kind: 'ndcs', ndcs: [OXY] }, actor: 'tina' });
    at('2026-11-05T10:20:00.000Z');
    // The POS dispenses 10 of lot A1 at 10:10, after the counter counted it at 10:05.
    dispense(OXY, 'A1', 10, '2026-11-05T10:10:00.000Z');
    const { results } = submitCount(ws, {
      count_id: c.count_id,
      actor: 'tina',
      lines: [
        { ndc: OXY, lot: 'A1', counted: 100, counted_at: '2026-11-05T10:05:00.000Z' },
        { ndc: OXY, lot: 'B2', counted: 50, counted_at: '2026-11-05T10:06:00.000Z' },
      ],
    });
    expect(results.map((r) => [r.lot, r.expected, r.variance, r.outcome])).toEqual([
      ['A1', 100, 0, 'within'],
      ['B2', 50, 0, 'within'],
    ]);
    const review = reviewCount(ws.db, c.count_id);
    const a1 = review.lines.find((l) => l.lot === 'A1')!;
    expect(a1.on_hand_now).toBe(90);
    expect(a1.movements_since.map((m) => [m.type, m.delta])).toEqual([['DISPENSE', -10]]);
    expect(review.policy?.version).toBe(0);
  });

  it('counts by partial containers: the breakdown must add up', () => {
    const containers = { full_containers: 1, units_per_container: 100, partial_units: [98] };
    const ok = quickCount(ws, { actor: 'tina', ndc: ALPRAZ, lot: 'X9', counted: 198, containers });
    expect(ok.outcome).toBe('within');
    const c = createCount(ws, { scope: { kind: 'ndcs', ndcs: [ALPRAZ] }, actor: 'tina' });
    expect(() => submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: ALPRAZ, lot: 'X9', counted: 150, containers }] })).toThrow(/add up to 198 units, not 150/);
  });

  it('refuses bad input whole: an NDC not stocked, a negative count, a missing line, a second submission', () => {
    const before = headSeq();
    const sessions = () => (ws.db.prepare('SELECT COUNT(*) AS n FROM count_sessions').get() as { n: number }).n;
    expect(() => quickCount(ws, { actor: 'tina', ndc: '12345-6789-01', lot: null, counted: 5 })).toThrow(/12345-6789-01 is not stocked at MAIN01/);
    expect(() => quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted: -1 })).toThrow(/cannot be negative/);
    expect(() => quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted: 2.5 })).toThrow(/whole units/);
    expect(sessions()).toBe(0);
    expect(() => createCount(ws, { scope: { kind: 'ndcs', ndcs: ['12345-6789-01'] }, actor: 'tina' })).toThrow(/Not stocked/);
    const c = createCount(ws, { scope: { kind: 'all_cii' }, actor: 'tina' });
    expect(c.items.map((i) => i.lot)).toEqual(['A1', 'B2']);
    const err = (() => {
      try {
        submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: '12345-6789-01', lot: null, counted: 1 }] });
      } catch (e) {
        return e as RxError;
      }
    })();
    expect(err?.code).toBe('BAD_INPUT');
    expect(err?.message).toMatch(/Not counted yet: 00002-1200-30 lot B2/);
    expect(() =>
      submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: OXY, lot: 'B2', counted: 50 }, { ndc: '12345-6789-01', lot: null, counted: 1 }] }),
    ).toThrow(/Not stocked at MAIN01: 12345-6789-01/);
    expect(headSeq()).toBe(before);
    expect(getCount(ws.db, c.count_id)?.status).toBe('open');
    submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: OXY, lot: 'B2', counted: 50 }] });
    expect(() => submitCount(ws, { count_id: c.count_id, actor: 'tom', lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: OXY, lot: 'B2', counted: 50 }] })).toThrow(
      /already submitted by tina/,
    );
  });

  it('uses the versioned tolerance policy: schedule units and per cent, NDC overrides, and names the version', () => {
    expect(currentPolicy(ws.db).version).toBe(0);
    expect(quickCount(ws, { actor: 'tina', ndc: IBU, lot: 'N1', counted: 490 })).toMatchObject({ variance: -10, allowed: 10, outcome: 'within' });
    const v1 = savePolicy(ws, { ...DEFAULT_TOLERANCE_RULES, ndcs: { [IBU]: { units: 0, percent_bp: 0 } } }, 'manny');
    expect(v1.version).toBe(1);
    const r = quickCount(ws, { actor: 'tina', ndc: IBU, lot: 'N1', counted: 489 });
    expect(r).toMatchObject({ allowed: 0, outcome: 'hold', tolerance_version: 1, tolerance_basis: `NDC ${IBU}` });
    expect(() => savePolicy(ws, { ...DEFAULT_TOLERANCE_RULES, schedules: { ...DEFAULT_TOLERANCE_RULES.schedules, CII: { units: -1, percent_bp: 0 } } }, 'manny')).toThrow(RxError);
    expect(currentPolicy(ws.db).version).toBe(1);
  });

  it('with recount on, a variance waits for a second person before it becomes a hold', () => {
    savePolicy(ws, { ...DEFAULT_TOLERANCE_RULES, recount_before_hold: true }, 'manny');
    const first = quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted: 95 });
    expect(first).toMatchObject({ outcome: 'recount_required', hold_id: null });
    expect(countActiveHolds(ws.db)).toBe(0);
    expect(itemsForScope(ws.db, 'MAIN01', { kind: 'recount' })).toEqual([expect.objectContaining({ ndc: OXY, lot: 'A1' })]);
    expect(() => quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted: 95 })).toThrow(/needs a recount by a second person: tina made the first count/);
    const second = quickCount(ws, { actor: 'ravi', ndc: OXY, lot: 'A1', counted: 95 });
    expect(second).toMatchObject({ outcome: 'hold', recount_of: first.entry });
    expect(holdDetail(ws.db, second.hold_id!)!.history.map((h) => h.type)).toEqual(['COUNT', 'HOLD_PLACED']);
    // A recount that finds the stock right clears it without a hold.
    const third = quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'B2', counted: 40 });
    expect(third.outcome).toBe('recount_required');
    expect(quickCount(ws, { actor: 'ravi', ndc: OXY, lot: 'B2', counted: 50 })).toMatchObject({ outcome: 'recount_within', hold_id: null });
  });

  it('scopes: all CII, a schedule, a location, what expires this month', () => {
    expect(itemsForScope(ws.db, 'MAIN01', { kind: 'all_cii' }).map((i) => i.lot)).toEqual(['A1', 'B2']);
    expect(itemsForScope(ws.db, 'MAIN01', { kind: 'schedule', schedule: 'CIV' }).map((i) => i.ndc)).toEqual([ALPRAZ]);
    setLocation(ws, ALPRAZ, 'Safe 2', 'tina');
    expect(itemsForScope(ws.db, 'MAIN01', { kind: 'location', location: 'safe 2' })).toEqual([expect.objectContaining({ ndc: ALPRAZ, location: 'Safe 2' })]);
    expect(itemsForScope(ws.db, 'MAIN01', { kind: 'expiring', month: '2026-11' })).toEqual([expect.objectContaining({ ndc: OXY, lot: 'B2', expiry: '2026-11-30' })]);
    expect(() => createCount(ws, { scope: { kind: 'location', location: 'Nowhere' }, actor: 'tina' })).toThrow(/Nothing to count/);
  });
});

describe('counts through the ingestion gate', () => {
  const bodies = (type: string) =>
    (ws.db.prepare('SELECT body FROM ledger_entries WHERE type = ? ORDER BY seq').all(type) as { body: string }[]).map(
      (r) => JSON.parse(r.body) as { source: { kind: string; payload_sha256: string | null; correlation_id: string }; idempotency_key: string | null; schedule: string | null },
    );

  it('COUNT and HOLD_PLACED name the sha256 of the canonical submission, in one transaction', () => {
    const c = createCount(ws, { scope: { kind: 'all_cii' }, actor: 'tina' });
    submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: OXY, lot: 'A1', counted: 97 }, { ndc: OXY, lot: 'B2', counted: 50 }] });
    const counts = bodies('COUNT');
    const [hold] = bodies('HOLD_PLACED');
    expect(counts).toHaveLength(2);
    const sha = counts[0]!.source.payload_sha256!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(counts.map((b) => b.source)).toEqual([
      { kind: 'count', payload_sha256: sha, correlation_id: c.count_id },
      { kind: 'count', payload_sha256: sha, correlation_id: c.count_id },
    ]);
    expect(counts.map((b) => b.idempotency_key)).toEqual([`count:${c.count_id}:${OXY}|A1`, `count:${c.count_id}:${OXY}|B2`]);
    expect(hold!.source).toEqual({ kind: 'count', payload_sha256: sha, correlation_id: c.count_id });
    expect(counts[0]!.schedule).toBe('CII');
    // The digest is that of the canonical request: the count, the counter, the lines at their count times.
    const request = canonicalJson({
      request: 'counts.submit',
      count_id: c.count_id,
      actor: 'tina',
      lines: [
        { ndc: OXY, lot: 'A1', counted: 97, containers: null, counted_at: now.toISOString(), method: 'keypad' },
        { ndc: OXY, lot: 'B2', counted: 50, containers: null, counted_at: now.toISOString(), method: 'keypad' },
      ],
    });
    expect(sha).toBe(sha256Hex(request));
    expect(ws.verify().ok).toBe(true);
  });

  it('a handler the gate refuses refuses the whole count: no COUNT, no hold, the count stays open', () => {
    const before = headSeq();
    const c = createCount(ws, { scope: { kind: 'ndcs', ndcs: [OXY] }, actor: 'ghost' });
    let err: RxError | null = null;
    try {
      submitCount(ws, { count_id: c.count_id, actor: 'ghost', lines: [{ ndc: OXY, lot: 'A1', counted: 90 }, { ndc: OXY, lot: 'B2', counted: 50 }] });
    } catch (e) {
      err = e as RxError;
    }
    expect(err?.code).toBe('FORBIDDEN');
    expect(err?.message).toMatch(/refused by the ingestion gate \(UNAUTHORIZED_HANDLER\).*Nothing was recorded/);
    expect(headSeq()).toBe(before);
    expect(countActiveHolds(ws.db)).toBe(0);
    expect(getCount(ws.db, c.count_id)?.status).toBe('open');
    expect(ws.quarantine.openCount()).toBe(0);
    // A user of this workstation is an authorized handler.
    ws.users.create({ userId: 'ghost', name: 'Gus Host', role: 'technician', password: 'ghost-password-1', actor: 'test' });
    expect(submitCount(ws, { count_id: c.count_id, actor: 'ghost', lines: [{ ndc: OXY, lot: 'A1', counted: 90 }, { ndc: OXY, lot: 'B2', counted: 50 }] }).results.map((r) => r.outcome)).toEqual(['hold', 'within']);
  });
});

describe('blind counts hide quantities from the counter', () => {
  it('stock.list and ledger.list rows of NDCs in an open blind count lose their quantities, for its counter only, until it is submitted', () => {
    expect(blindScopeFor(ws, 'tina')).toBeNull();
    const c = createCount(ws, { scope: { kind: 'ndcs', ndcs: [OXY] }, actor: 'tina' });
    createCount(ws, { scope: { kind: 'ndcs', ndcs: [IBU] }, blind: false, actor: 'tina' });
    const scope = blindScopeFor(ws, 'tina');
    expect(scope?.countIds).toEqual([c.count_id]);
    const stock = hideBlindStock(scope, listStock(ws.db, {}));
    expect(stock.rows.filter((r) => r.ndc === OXY).map((r) => [r.lot, r.on_hand, r.hidden])).toEqual([
      ['A1', null, BLIND_COUNT_NOTE],
      ['B2', null, BLIND_COUNT_NOTE],
    ]);
    expect(stock.rows.filter((r) => r.ndc !== OXY).every((r) => typeof r.on_hand === 'number' && r.hidden === null)).toBe(true);
    const ledger = hideBlindEntries(scope, listLedger(ws.db, {}));
    const oxy = ledger.filter((e) => e.ndc === OXY);
    expect(oxy.length).toBe(2);
    expect(oxy.every((e) => e.quantity === null && e.delta === null && JSON.stringify(e.data) === '{}' && e.hidden === BLIND_COUNT_NOTE)).toBe(true);
    expect(ledger.find((e) => e.ndc === ALPRAZ)).toMatchObject({ quantity: 200, delta: 200, hidden: null });
    // Someone else sees everything.
    expect(blindScopeFor(ws, 'pat')).toBeNull();
    // Submitted (or cancelled): the counter sees quantities again.
    submitCount(ws, { count_id: c.count_id, actor: 'tina', lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: OXY, lot: 'B2', counted: 50 }] });
    expect(blindScopeFor(ws, 'tina')).toBeNull();
    const c2 = createCount(ws, { scope: { kind: 'all_cii' }, actor: 'tina' });
    expect(blindScopeFor(ws, 'tina')?.countIds).toEqual([c2.count_id]);
    cancelCount(ws, c2.count_id, 'tina');
    expect(blindScopeFor(ws, 'tina')).toBeNull();
  });
});
