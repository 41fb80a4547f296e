import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { CountScanFeed } from '../counts/scan-feed';
import { createCount } from '../counts/count-sessions';
import { ScanRouter } from '../scanners';
import type { Workstation } from '../workstation';
import { allHandlers } from './all-handlers';
import { dispatch, type CallContext } from './dispatch';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
const OXY = '00002-1200-30';

beforeEach(() => {
  t = tempWorkstation({ seed: { handlers: false } });
  ws = t.ws;
  ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'pharmacist-pass-1', actor: 'test' });
  ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', actor: 'test' });
  ws.ledger.append([receipt({ ndc: OXY, lot: 'A1', quantity: 100, delta: 100, schedule: 'CII' }), receipt({ ndc: OXY, lot: 'B2', quantity: 40, delta: 40, schedule: 'CII' })]);
});
afterEach(() => t.cleanup());

function caller(testHooks = false) {
  let sid: string | null = null;
  const ctx: CallContext = {
    get sessionId() {
      return sid;
    },
    setSessionId: (id) => (sid = id),
  };
  return async (channel: string, input: unknown) => {
    const r = await dispatch(ws, allHandlers, { mode: 'browser', testHooks }, channel, input, ctx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result as Record<string, unknown> & { [k: string]: never };
  };
}

describe('counts and holds over IPC', () => {
  it('a blind count, a hold, and §11.200 signing in one session', async () => {
    const tech = caller();
    await tech('auth.signIn', { userId: 'tina', password: 'technician-pass-1' });
    const c = (await tech('counts.create', { scope: { kind: 'all_cii' } })) as unknown as { count_id: string; items: { lot: string; expected_now: number | null }[] };
    expect(c.items.map((i) => [i.lot, i.expected_now])).toEqual([
      ['A1', null],
      ['B2', null],
    ]);
    const sub = (await tech('counts.submit', {
      countId: c.count_id,
      lines: [
        { ndc: OXY, lot: 'A1', counted: 98, method: 'scan' },
        { ndc: OXY, lot: 'B2', counted: 40, method: 'keypad' },
      ],
    })) as unknown as { results: { outcome: string; hold_id: string | null }[] };
    expect(sub.results.map((r) => r.outcome)).toEqual(['hold', 'within']);
    const holdId = sub.results[0]!.hold_id!;
    expect(((await tech('status.get', {})) as unknown as { activeHolds: number }).activeHolds).toBe(1);
    const review = (await tech('counts.review', { countId: c.count_id })) as unknown as { lines: { expected: number }[]; policy: { version: number } };
    expect(review.lines.map((l) => l.expected)).toEqual([100, 40]);
    await expect(tech('holds.resolve', { holdId, userId: 'tina', password: 'technician-pass-1', meaning: 'approval', reason: 'miscount' })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const rph = caller();
    await rph('auth.signIn', { userId: 'pat', password: 'pharmacist-pass-1' });
    expect(await rph('signing.status', {})).toEqual({ canSign: true, needsUserId: true, userId: 'pat' });
    await expect(rph('holds.resolve', { holdId, password: 'pharmacist-pass-1', meaning: 'approval', reason: 'miscount' })).rejects.toThrow(/first signature of a session needs your user ID/);
    await expect(rph('holds.resolve', { holdId, userId: 'tina', password: 'technician-pass-1', meaning: 'approval', reason: 'miscount' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const signed = (await rph('holds.resolve', { holdId, userId: 'pat', password: 'pharmacist-pass-1', meaning: 'approval', reason: 'miscount' })) as unknown as { manifestations: string[] };
    expect(signed.manifestations[0]).toMatch(/^Signed by Pat Pharmacist \(pat\) on .* — meaning: Approval — reason: Miscount$/);
    expect(await rph('signing.status', {})).toMatchObject({ needsUserId: false });
    // Later in the same continuous session, the password alone.
    const adj = (await rph('adjustments.create', { ndc: OXY, lot: 'B2', quantity: 1, kind: 'breakage', password: 'pharmacist-pass-1', meaning: 'responsibility', reason: 'breakage' })) as unknown as {
      adjustment: { delta: number };
    };
    expect(adj.adjustment.delta).toBe(-1);
    await expect(rph('adjustments.create', { ndc: OXY, lot: 'B2', quantity: 1, kind: 'breakage', password: 'wrong-password', meaning: 'responsibility', reason: 'breakage' })).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    const detail = (await rph('holds.get', { holdId })) as unknown as { history: { type: string; signatures: { manifestation: string; verified: boolean }[] }[] };
    const adjEntry = detail.history.find((h) => h.type === 'ADJUSTMENT')!;
    expect(adjEntry.signatures).toEqual([expect.objectContaining({ verified: true, manifestation: expect.stringContaining('Pat Pharmacist') })]);
    expect(((await rph('status.get', {})) as unknown as { activeHolds: number }).activeHolds).toBe(0);
  });
});

describe('blind counts over IPC', () => {
  it('Inventory and Ledger hide the quantities of the NDCs in the caller\'s open blind count', async () => {
    const ALPRAZ = '00409-1234-01';
    ws.ledger.append([receipt({ ndc: ALPRAZ, lot: 'X9', quantity: 200, delta: 200, schedule: 'CIV' })]);
    const tech = caller();
    await tech('auth.signIn', { userId: 'tina', password: 'technician-pass-1' });
    const rph = caller();
    await rph('auth.signIn', { userId: 'pat', password: 'pharmacist-pass-1' });
    type Stock = { rows: { ndc: string; lot: string; on_hand: number | null; hidden?: string | null }[] };
    type Ledger = { entries: { ndc: string | null; quantity: number | null; delta: number | null; data: Record<string, unknown>; hidden?: string | null }[] };
    const c = (await tech('counts.create', { scope: { kind: 'ndcs', ndcs: [OXY] } })) as unknown as { count_id: string };

    const stock = (await tech('stock.list', {})) as unknown as Stock;
    expect(stock.rows.map((r) => [r.ndc, r.lot, r.on_hand, r.hidden ?? null])).toEqual([
      [OXY, 'A1', null, 'hidden during your blind count'],
      [OXY, 'B2', null, 'hidden during your blind count'],
      [ALPRAZ, 'X9', 200, null],
    ]);
    const ledger = (await tech('ledger.list', {})) as unknown as Ledger;
    expect(ledger.entries.filter((e) => e.ndc === OXY).every((e) => e.quantity === null && e.delta === null && e.hidden === 'hidden during your blind count')).toBe(true);
    expect(ledger.entries.find((e) => e.ndc === ALPRAZ)).toMatchObject({ quantity: 200, delta: 200 });
    expect(((await tech('ledger.list', { ndc: OXY })) as unknown as Ledger).entries.every((e) => e.delta === null)).toBe(true);

    // The pharmacist is not counting: everything shows.
    expect(((await rph('stock.list', {})) as unknown as Stock).rows.map((r) => r.on_hand)).toEqual([100, 40, 200]);

    await tech('counts.submit', { countId: c.count_id, lines: [{ ndc: OXY, lot: 'A1', counted: 100 }, { ndc: OXY, lot: 'B2', counted: 40 }] });
    expect(((await tech('stock.list', {})) as unknown as Stock).rows.map((r) => r.on_hand)).toEqual([100, 40, 200]);
    const after = (await tech('ledger.list', {})) as unknown as Ledger;
    expect(after.entries.filter((e) => e.ndc === OXY && e.data.count_id === c.count_id).map((e) => [e.quantity, e.delta])).toEqual([
      [40, 0],
      [100, 0],
    ]);
  });
});

describe('scanners reach counts', () => {
  afterEach(async () => {
    await ws.scanIntake.receiving.stop();
  });

  it('opening a count makes it the scan router\'s workflow; a scan arrives decoded on the count\'s long poll; leaving gives the scanner back', async () => {
    const tech = caller(true);
    await tech('auth.signIn', { userId: 'tina', password: 'technician-pass-1' });
    const router = ws.scanIntake.receiving.router;
    expect(router.activeWorkflow).toBeNull();
    const c = (await tech('counts.create', { scope: { kind: 'all_cii' } })) as unknown as { count_id: string };
    expect(router.activeWorkflow).toBe('counts');
    type Feed = { cursor: number; active: boolean; events: { raw: string; ndc: string | null; lot: string | null; ok: boolean; error: string | null; scanner_id: string }[] };
    const first = (await tech('counts.waitForScans', { countId: c.count_id, after: null, timeoutMs: 0 })) as unknown as Feed;
    expect(first).toMatchObject({ events: [], active: true });
    const waiting = tech('counts.waitForScans', { countId: c.count_id, after: first.cursor, timeoutMs: 5000 }) as unknown as Promise<Feed>;
    expect(await tech('test.scan', { raw: '(01)00300021200305(10)B2', scannerId: 'usb:hid-pos-1' })).toEqual({ status: 'routed', message: null });
    const got = await waiting;
    expect(got.events).toEqual([expect.objectContaining({ raw: '(01)00300021200305(10)B2', ndc: OXY, lot: 'B2', ok: true, error: null, scanner_id: 'usb:hid-pos-1' })]);
    // A code that is not a drug is delivered too, with why.
    await tech('test.scan', { raw: 'hello', scannerId: 'usb:hid-pos-1' });
    const bad = (await tech('counts.waitForScans', { countId: c.count_id, after: got.cursor, timeoutMs: 1000 })) as unknown as Feed;
    expect(bad.events).toEqual([expect.objectContaining({ raw: 'hello', ok: false, error: expect.any(String) })]);

    // Leaving the screen (or submitting, or cancelling) hands the scanner back.
    expect(await tech('counts.scanTarget', { countId: null, leaving: c.count_id })).toEqual({ activeWorkflow: null });
    expect(await tech('counts.scanTarget', { countId: c.count_id })).toEqual({ activeWorkflow: 'counts' });
    await tech('counts.cancel', { countId: c.count_id });
    expect(router.activeWorkflow).toBeNull();
    await expect(tech('counts.scanTarget', { countId: c.count_id })).rejects.toMatchObject({ code: 'CONFLICT' });

    // Another user cannot take over someone's count.
    const c2 = (await tech('counts.create', { scope: { kind: 'all_cii' } })) as unknown as { count_id: string };
    const rph = caller(true);
    await rph('auth.signIn', { userId: 'pat', password: 'pharmacist-pass-1' });
    await expect(rph('counts.scanTarget', { countId: c2.count_id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when a receiving session is open, leaving the count hands scans back to receiving', async () => {
    const router = new ScanRouter();
    let receivingOpen = true;
    const feed = new CountScanFeed(ws, () => router, () => receivingOpen);
    router.setActiveWorkflow('receiving');
    const c = createCount(ws, { scope: { kind: 'all_cii' }, actor: 'tina' });
    feed.open(c.count_id, 'tina');
    expect(router.activeWorkflow).toBe('counts');
    expect((await router.submit({ raw: '00300021200305', source: 'usb-hid-pos', scannerId: 'u1' })).status).toBe('routed');
    // Read before the screen's first poll: given to it once, not again after a reload.
    expect((await feed.waitForScans(c.count_id, null, 0)).events).toEqual([expect.objectContaining({ raw: '00300021200305', ndc: OXY, lot: null, ok: true })]);
    expect((await feed.waitForScans(c.count_id, null, 0)).events).toEqual([]);
    // A poll left behind by a screen that went away (a reload) is dismissed when the count is
    // opened again, so it cannot take the next scan from the screen now showing the count.
    const zombie = feed.waitForScans(c.count_id, 1, 10_000);
    feed.open(c.count_id, 'tina');
    expect(await zombie).toEqual({ cursor: 1, events: [], active: true });
    expect((await router.submit({ raw: '(01)00300021200305(10)A1', source: 'usb-hid-pos', scannerId: 'u1' })).status).toBe('routed');
    expect((await feed.waitForScans(c.count_id, null, 0)).events).toEqual([expect.objectContaining({ lot: 'A1' })]);
    expect(feed.release(c.count_id)).toBe('receiving');
    feed.open(c.count_id, 'tina');
    receivingOpen = false;
    expect(feed.release('C-OTHER')).toBe('counts');
    expect(feed.release(null)).toBeNull();
  });
});
