import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempWorkstation } from '../../testing/temp-workstation';
import { manualAdjustment, resolveHold } from '../holds/adjustments';
import { PackageUnitsLookup } from '../catalog/package-units';
import { quickCount } from '../counts/submit';
import { inventoryAt } from './inventory-at';

/**
 * Property (issue 11 §7): for random sequences of receipts, dispenses, manual adjustments,
 * counts and the signed adjustments that resolve their holds, the inventory at any instant T
 * equals a replay of what happened up to T, by a model written here without the code under test:
 * per lot, the last count at or before T rolled forward by every shelf movement after it (a
 * count's own reconciling adjustment changes the book, not the shelf), and the book is the sum
 * of every change up to T.
 */
const NDC = '00409-1234-01'; // CIV, 100 TABLET in 1 BOTTLE (test catalog)
const LOTS = ['L1', 'L2'] as const;
const START = Date.parse('2026-10-01T12:00:00.000Z');

type Op =
  | { kind: 'receipt'; lot: number; containers: number; gap: number }
  | { kind: 'dispense'; lot: number; n: number; gap: number }
  | { kind: 'breakage'; lot: number; n: number; gap: number }
  | { kind: 'count'; lot: number; delta: number; gap: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('receipt' as const), lot: fc.integer({ min: 0, max: 1 }), containers: fc.integer({ min: 1, max: 3 }), gap: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ kind: fc.constant('dispense' as const), lot: fc.integer({ min: 0, max: 1 }), n: fc.integer({ min: 1, max: 60 }), gap: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ kind: fc.constant('breakage' as const), lot: fc.integer({ min: 0, max: 1 }), n: fc.integer({ min: 1, max: 5 }), gap: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ kind: fc.constant('count' as const), lot: fc.integer({ min: 0, max: 1 }), delta: fc.integer({ min: -8, max: 3 }), gap: fc.integer({ min: 1, max: 600 }) }),
);

/** What the model knows of each event, in time order. */
interface Happened {
  at: number;
  lot: string;
  /** Change to the book. */
  book: number;
  /** Change to the shelf (a reconciling adjustment changes the book only). */
  shelf: number;
  /** A count: what was counted. */
  counted?: number;
}

function model(history: Happened[], lot: string, t: number): { book: number; figure: number } {
  const upTo = history.filter((h) => h.lot === lot && h.at <= t);
  const book = upTo.reduce((s, h) => s + h.book, 0);
  const lastCount = [...upTo].reverse().find((h) => h.counted !== undefined);
  if (!lastCount) return { book, figure: book };
  return { book, figure: lastCount.counted! + upTo.filter((h) => h.at > lastCount.at).reduce((s, h) => s + h.shelf, 0) };
}

describe('inventory at an instant', () => {
  it('equals a replay of the ledger up to that instant, for random histories and instants', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 3, maxLength: 14 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 6 }), (ops, probes) => {
        let now = START;
        const t = tempWorkstation({ clock: { now: () => new Date(now) }, seed: true });
        const ws = t.ws;
        try {
          const history: Happened[] = [];
          const onHand = (lot: string) => history.filter((h) => h.lot === lot).reduce((s, h) => s + h.book, 0);
          const gate = ws.gate;
          const pharmacist = { userId: 'rph01', password: 'rph01-password-1' };
          for (const o of ops) {
            now += o.gap * 60_000;
            const lot = LOTS[o.lot]!;
            const at = now;
            const event = (type: 'RECEIPT' | 'DISPENSE', quantity: number, extra: Record<string, unknown> = {}) => ({
              ok: true as const,
              event: {
                type,
                facility_id: 'MAIN01',
                ndc: NDC,
                lot,
                expiry: '2029-12-31',
                quantity,
                event_time: new Date(at).toISOString(),
                handler_id: 'tech01',
                data: extra,
                source: { kind: 'cli' as const, correlation_id: `p-${at}`, payload_sha256: '0'.repeat(64) },
              },
            });
            const commit = (c: ReturnType<typeof event>) =>
              ws.db.transaction(() => gate.processInTransaction({ source: 'test', raw: Buffer.from(JSON.stringify(c.event)), candidate: c }, { quarantine: false }))();
            if (o.kind === 'receipt') {
              const r = commit(event('RECEIPT', o.containers * 100, { containers: o.containers, units_per_container: 100 }));
              expect(r.status).toBe('committed');
              history.push({ at, lot, book: o.containers * 100, shelf: o.containers * 100 });
            } else if (o.kind === 'dispense') {
              if (onHand(lot) < o.n) continue;
              expect(commit(event('DISPENSE', o.n)).status).toBe('committed');
              history.push({ at, lot, book: -o.n, shelf: -o.n });
            } else if (o.kind === 'breakage') {
              if (onHand(lot) < o.n) continue;
              manualAdjustment(ws, { ndc: NDC, lot, quantity: o.n, kind: 'breakage', signer: pharmacist, meaning: 'approval', reason: 'breakage', source: 'cli' });
              history.push({ at, lot, book: -o.n, shelf: -o.n });
            } else {
              const counted = Math.max(0, onHand(lot) + o.delta);
              // Nothing of the NDC was ever recorded: there is nothing to count against.
              if (history.length === 0) continue;
              const r = quickCount(ws, { actor: 'tech01', ndc: NDC, lot, counted });
              history.push({ at, lot, book: 0, shelf: 0, counted });
              if (r.hold_id) {
                // The pharmacist signs the variance a minute later: the book moves, the shelf does not.
                now += 60_000;
                resolveHold(ws, { holdId: r.hold_id, signer: pharmacist, meaning: 'approval', reason: 'miscount', source: 'cli' });
                history.push({ at: now, lot, book: counted - (onHand(lot) - 0), shelf: 0 });
              }
            }
          }
          const units = new PackageUnitsLookup(ws.db);
          for (const p of probes) {
            const instant = START + Math.floor((p / 10_000) * (now - START + 3_600_000));
            const at = new Date(instant).toISOString();
            const lines = inventoryAt(ws.db, 'MAIN01', [NDC], at, null, (n) => units.of(n));
            for (const lot of LOTS) {
              const want = model(history, lot, instant);
              const got = lines.find((l) => l.lot === lot);
              if (!got) {
                expect(want).toEqual({ book: 0, figure: 0 });
                continue;
              }
              expect({ lot, at, book: got.book, figure: got.figure }).toEqual({ lot, at, book: want.book, figure: want.figure });
            }
          }
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 12, seed: 20261201 },
    );
  }, 120_000);
});
