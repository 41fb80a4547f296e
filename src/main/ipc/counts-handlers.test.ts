import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import type { Workstation } from '../workstation';
import { allHandlers } from './all-handlers';
import { dispatch, type CallContext } from './dispatch';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
const OXY = '00002-1200-30';

beforeEach(() => {
  t = tempWorkstation();
  ws = t.ws;
  ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'pharmacist-pass-1', actor: 'test' });
  ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', actor: 'test' });
  ws.ledger.append([receipt({ ndc: OXY, lot: 'A1', quantity: 100, delta: 100, schedule: 'CII' }), receipt({ ndc: OXY, lot: 'B2', quantity: 40, delta: 40, schedule: 'CII' })]);
});
afterEach(() => t.cleanup());

function caller() {
  let sid: string | null = null;
  const ctx: CallContext = {
    get sessionId() {
      return sid;
    },
    setSessionId: (id) => (sid = id),
  };
  return async (channel: string, input: unknown) => {
    const r = await dispatch(ws, allHandlers, { mode: 'browser', testHooks: false }, channel, input, ctx);
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
