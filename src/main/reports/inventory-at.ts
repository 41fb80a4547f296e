import { inventoryAt as inventoryFrom, type CountRow, type InventoryLine, type InventorySource } from '../../shared/reports/inventory-at';
import type { EntryRow } from '../../shared/reports/reader';
import type { Db } from '../db/open';
import { legacyContainerEntries, legacyExtrasByLot, type UnitsOf } from '../ledger/legacy-basis';

/**
 * The inventory at an instant over this workstation's SQLite ledger: the shared computation
 * (src/shared/reports/inventory-at.ts, which the central server runs too) reading through the
 * statements here.
 */
export class SqliteInventorySource implements InventorySource {
  private readonly bookStmt;
  private readonly countStmt;
  private readonly moveStmt;
  /** Legacy container-basis extras up to an instant, by "ndc|lot" (one instant per report). */
  private extras: { at: string; byLot: Map<string, number> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly facilityId: string,
    private readonly unitsOf: UnitsOf,
  ) {
    this.bookStmt = db.prepare<[string, string, string], { lot: string; n: number }>(
      "SELECT COALESCE(lot, '') AS lot, SUM(delta) AS n FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND event_time <= ? GROUP BY COALESCE(lot, '')",
    );
    this.countStmt = db.prepare<[string, string, string, string], CountRow>(
      `SELECT device_id, seq, body FROM ledger_entries
        WHERE facility_id = ? AND ndc = ? AND type IN ('COUNT', 'INITIAL_INVENTORY') AND event_time >= ? AND event_time <= ?
        ORDER BY event_time, recorded_at, device_id, seq`,
    );
    this.moveStmt = db.prepare<[string, string, string, string], EntryRow>(
      `SELECT device_id, seq, hash, body FROM ledger_entries
        WHERE facility_id = ? AND ndc = ? AND delta != 0 AND event_time > ? AND event_time <= ?
        ORDER BY event_time, recorded_at, device_id, seq`,
    );
  }

  bookAt(ndc: string, at: string): Map<string, number> {
    if (this.extras?.at !== at) this.extras = { at, byLot: legacyExtrasByLot(legacyContainerEntries(this.db, this.unitsOf, { facilityId: this.facilityId, to: at })) };
    const extras = this.extras.byLot;
    const book = new Map<string, number>();
    for (const r of this.bookStmt.all(this.facilityId, ndc, at)) book.set(r.lot, r.n + (extras.get(`${ndc}|${r.lot}`) ?? 0));
    return book;
  }

  countEntries(ndc: string, from: string, at: string): CountRow[] {
    return this.countStmt.all(this.facilityId, ndc, from, at);
  }

  movementEntries(ndc: string, after: string, at: string): EntryRow[] {
    return this.moveStmt.all(this.facilityId, ndc, after, at);
  }
}

/** The inventory of some NDCs at an instant, from this database's ledger (see the shared inventoryAt). */
export function inventoryAt(db: Db, facilityId: string, ndcs: readonly string[], at: string, countsFrom: string | null, unitsOf: UnitsOf): InventoryLine[] {
  return inventoryFrom(new SqliteInventorySource(db, facilityId, unitsOf), ndcs, at, countsFrom, unitsOf);
}
