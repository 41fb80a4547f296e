import type { CountRow } from '../../shared/reports/inventory-at';
import type { EntryRow, HoldEvent } from '../../shared/reports/reader';
import type { PackageUnits } from '../../shared/units';
import type { Sql } from '../db/pg-adapter';

type Timed<T> = T & { event_time: string };

/**
 * What an inventory at one instant reads (the biennial's book figures, counts, movements,
 * expiries and holds), loaded from the synced entries in one snapshot so the shared, synchronous
 * inventory code can be answered from memory. Counts are read from `countsFrom` (the biennial's
 * window), movements from the earliest of those counts: no more than the computation can ask for.
 */
export class LoadedInventory {
  private constructor(
    readonly at: string,
    private readonly withEntries: Set<string>,
    private readonly book: Map<string, Map<string, number>>,
    private readonly counts: Map<string, { from: string; rows: Timed<CountRow>[] }>,
    private readonly moves: Map<string, { after: string; rows: Timed<EntryRow>[] }>,
    readonly expiries: Map<string, string>,
    readonly holds: HoldEvent[],
  ) {}

  static async load(db: Sql, facilityId: string, ndcs: readonly string[], at: string, countsFrom: string | null, unitsOf: (ndc: string) => PackageUnits | null): Promise<LoadedInventory> {
    const withEntries = new Set(
      (await db.query<{ ndc: string }>('SELECT DISTINCT ndc FROM entries WHERE facility_id = $1 AND ndc IS NOT NULL AND event_time COLLATE "C" <= $2', [facilityId, at])).rows.map((r) => r.ndc),
    );
    const book = new Map<string, Map<string, number>>();
    const counts = new Map<string, { from: string; rows: Timed<CountRow>[] }>();
    const moves = new Map<string, { after: string; rows: Timed<EntryRow>[] }>();
    const from = countsFrom ?? '';
    for (const ndc of ndcs) {
      if (!withEntries.has(ndc)) continue;
      book.set(ndc, await lotBalancesFromDb(db, facilityId, ndc, at, true, unitsOf));
      const c = (
        await db.query<Timed<CountRow>>(
          `SELECT device_id, seq, body, event_time FROM entries
            WHERE facility_id = $1 AND ndc = $2 AND type IN ('COUNT', 'INITIAL_INVENTORY') AND event_time COLLATE "C" >= $3 AND event_time COLLATE "C" <= $4
            ORDER BY event_time COLLATE "C", recorded_at COLLATE "C", device_id COLLATE "C", seq`,
          [facilityId, ndc, from, at],
        )
      ).rows.map((x) => ({ ...x, seq: Number(x.seq) }));
      counts.set(ndc, { from, rows: c });
      if (c.length === 0) continue;
      // Sorted by event time: the first count is the earliest any movement list starts after.
      const after = c[0]!.event_time;
      const m = (
        await db.query<Timed<EntryRow>>(
          `SELECT device_id, seq, hash, body, event_time FROM entries
            WHERE facility_id = $1 AND ndc = $2 AND delta <> 0 AND event_time COLLATE "C" > $3 AND event_time COLLATE "C" <= $4
            ORDER BY event_time COLLATE "C", recorded_at COLLATE "C", device_id COLLATE "C", seq`,
          [facilityId, ndc, after, at],
        )
      ).rows.map((x) => ({ ...x, seq: Number(x.seq) }));
      moves.set(ndc, { after, rows: m });
    }
    const expiries = new Map<string, string>();
    for (const r of (
      await db.query<{ ndc: string | null; lot: string; expiry: string | null }>(
        `SELECT ndc, COALESCE(lot, '') AS lot, MAX((body::jsonb ->> 'expiry') COLLATE "C") AS expiry FROM entries
          WHERE type IN ('RECEIPT', 'INITIAL_INVENTORY') AND facility_id = $1 AND event_time COLLATE "C" <= $2
          GROUP BY ndc, COALESCE(lot, '')`,
        [facilityId, at],
      )
    ).rows) {
      if (r.expiry) expiries.set(`${r.ndc}|${r.lot}`, r.expiry);
    }
    const holds = (
      await db.query<HoldEvent>(
        `SELECT type, ndc, lot, body::jsonb -> 'data' ->> 'hold_id' AS hold_id FROM entries
          WHERE type IN ('HOLD_PLACED', 'HOLD_RELEASED') AND facility_id = $1 AND event_time COLLATE "C" <= $2
          ORDER BY event_time COLLATE "C", device_id COLLATE "C", seq`,
        [facilityId, at],
      )
    ).rows;
    return new LoadedInventory(at, withEntries, book, counts, moves, expiries, holds);
  }

  hasEntriesBy(ndc: string, at: string): boolean {
    this.check(at);
    return this.withEntries.has(ndc);
  }

  bookAt(ndc: string, at: string): Map<string, number> {
    this.check(at);
    const b = this.book.get(ndc);
    if (!b) throw new Error(`the central server's report reader did not load the book of ${ndc}`);
    return new Map(b);
  }

  countEntries(ndc: string, from: string, at: string): CountRow[] {
    this.check(at);
    const c = this.counts.get(ndc);
    if (!c || from < c.from) throw new Error(`the central server's report reader did not load the counts of ${ndc} from ${from}`);
    return c.rows.filter((r) => r.event_time >= from);
  }

  movementEntries(ndc: string, after: string, at: string): EntryRow[] {
    this.check(at);
    const m = this.moves.get(ndc);
    if (!m || after < m.after) throw new Error(`the central server's report reader did not load the movements of ${ndc} after ${after}`);
    return m.rows.filter((r) => r.event_time > after);
  }

  private check(at: string): void {
    if (at !== this.at) throw new Error(`the central server's report reader loaded the inventory at ${this.at}, not at ${at}`);
  }
}

/**
 * Stock of an NDC by lot at a moment, summed from the entries (the server keeps no stock
 * projection), with version 0.1 container-basis receipts counted in units as the workstation does.
 */
export async function lotBalancesFromDb(db: Sql, facilityId: string, ndc: string, at: string, inclusive: boolean, unitsOf: (ndc: string) => PackageUnits | null): Promise<Map<string, number>> {
  const cmp = inclusive ? '<=' : '<';
  const out = new Map<string, number>();
  for (const r of (
    await db.query<{ lot: string; n: number }>(
      `SELECT COALESCE(lot, '') AS lot, SUM(delta)::bigint AS n FROM entries WHERE facility_id = $1 AND ndc = $2 AND event_time COLLATE "C" ${cmp} $3 GROUP BY 1`,
      [facilityId, ndc, at],
    )
  ).rows) {
    out.set(r.lot, (out.get(r.lot) ?? 0) + Number(r.n));
  }
  const per = unitsOf(ndc)?.units_per_container ?? null;
  if (per !== null) {
    for (const r of (
      await db.query<{ lot: string; delta: number }>(
        `SELECT COALESCE(lot, '') AS lot, delta FROM entries
          WHERE facility_id = $1 AND ndc = $2 AND event_time COLLATE "C" ${cmp} $3 AND body::jsonb -> 'data' ->> 'quantity_basis' = 'containers'`,
        [facilityId, ndc, at],
      )
    ).rows) {
      out.set(r.lot, (out.get(r.lot) ?? 0) + Number(r.delta) * (per - 1));
    }
  }
  return out;
}
