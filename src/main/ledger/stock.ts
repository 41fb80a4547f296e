import type { EntryBody } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';
import { PackageUnitsLookup } from '../catalog/package-units';
import { legacyContainerEntries, legacyExtrasByLot, type LegacyEntry } from './legacy-basis';

/** The projection row key uses '' for "lot unknown" because SQLite treats NULLs as distinct in keys. */
const lotKey = (lot: string | null | undefined) => lot ?? '';

const ON_HAND = 'SELECT on_hand FROM stock WHERE facility_id = ? AND ndc = ? AND lot = ?';
const APPLY = `INSERT INTO stock (facility_id, ndc, lot, schedule, on_hand, last_event_time) VALUES (?, ?, ?, ?, ?, ?)
   ON CONFLICT (facility_id, ndc, lot) DO UPDATE SET
     on_hand = on_hand + excluded.on_hand,
     schedule = COALESCE(excluded.schedule, schedule),
     last_event_time = MAX(last_event_time, excluded.last_event_time)`;

export function stockOnHand(db: Db, facilityId: string, ndc: string, lot: string | null | undefined): number {
  return cachedStatement<[string, string, string], { on_hand: number }>(db, ON_HAND).get(facilityId, ndc, lotKey(lot))?.on_hand ?? 0;
}

/**
 * Applies one entry's stock effect; called inside the entry's own transaction. `delta` is the
 * change in dosage units: the body's own, except for a version 0.1 container-basis entry pulled
 * from a sibling (the caller converts it, src/main/ledger/legacy-basis.ts).
 */
export function applyToStock(db: Db, body: Pick<EntryBody, 'facility_id' | 'ndc' | 'lot' | 'schedule' | 'delta' | 'event_time'>, delta = body.delta): void {
  if (!body.ndc || delta === 0) return;
  cachedStatement<unknown[]>(db, APPLY).run(body.facility_id, body.ndc, lotKey(body.lot), body.schedule, delta, body.event_time);
}

export interface StockMismatch {
  facility_id: string;
  ndc: string;
  lot: string;
  projected: number;
  fromLedger: number;
}

/**
 * Sums the ledger (in dosage units: version 0.1 container-basis entries converted through the
 * catalog) and compares with the projection; any difference means the projection is wrong.
 */
export function checkStock(db: Db): StockMismatch[] {
  const extras = legacyExtrasByLot(legacyContainerEntries(db, unitsLookup(db)));
  const fromLedger = new Map<string, { facility_id: string; ndc: string; lot: string; total: number }>();
  for (const r of db
    .prepare<[], { facility_id: string; ndc: string; lot: string; total: number }>(
      "SELECT facility_id, ndc, COALESCE(lot, '') AS lot, SUM(delta) AS total FROM ledger_entries WHERE ndc IS NOT NULL GROUP BY 1, 2, 3",
    )
    .iterate()) {
    fromLedger.set(`${r.facility_id}|${r.ndc}|${r.lot}`, { ...r, total: r.total + (extras.get(`${r.ndc}|${r.lot}`) ?? 0) });
  }
  const out: StockMismatch[] = [];
  const seen = new Set<string>();
  for (const s of db.prepare<[], { facility_id: string; ndc: string; lot: string; on_hand: number }>('SELECT facility_id, ndc, lot, on_hand FROM stock').iterate()) {
    const key = `${s.facility_id}|${s.ndc}|${s.lot}`;
    seen.add(key);
    const l = fromLedger.get(key);
    if ((l?.total ?? 0) !== s.on_hand) out.push({ facility_id: s.facility_id, ndc: s.ndc, lot: s.lot, projected: s.on_hand, fromLedger: l?.total ?? 0 });
  }
  for (const [key, l] of fromLedger) if (!seen.has(key)) out.push({ facility_id: l.facility_id, ndc: l.ndc, lot: l.lot, projected: 0, fromLedger: l.total });
  return out;
}

/** Legacy container-basis entries whose package size is still unknown: their figures stay in containers. */
export function unresolvedLegacyEntries(db: Db): LegacyEntry[] {
  return legacyContainerEntries(db, unitsLookup(db)).filter((e) => e.extra === null);
}

function unitsLookup(db: Db): (ndc: string) => ReturnType<PackageUnitsLookup['of']> {
  const lookup = new PackageUnitsLookup(db);
  return (n) => lookup.of(n);
}

/**
 * Rebuilds the projection from the ledger in one transaction (all of it, or the NDCs given),
 * in dosage units.
 */
export function rebuildStock(db: Db, ndcs?: readonly string[]): void {
  const only = ndcs ? `AND ndc IN (${ndcs.map(() => '?').join(', ')})` : '';
  const args = ndcs ?? [];
  db.transaction(() => {
    db.prepare(`DELETE FROM stock WHERE 1 = 1 ${only}`).run(...args);
    db.prepare(
      `INSERT INTO stock (facility_id, ndc, lot, schedule, on_hand, last_event_time)
       SELECT facility_id, ndc, COALESCE(lot, ''),
              (SELECT json_extract(body, '$.schedule') FROM ledger_entries l2
                WHERE l2.facility_id = l.facility_id AND l2.ndc = l.ndc AND COALESCE(l2.lot, '') = COALESCE(l.lot, '')
                  AND json_extract(body, '$.schedule') IS NOT NULL LIMIT 1),
              SUM(delta), MAX(event_time)
         FROM ledger_entries l WHERE ndc IS NOT NULL ${only} GROUP BY facility_id, ndc, COALESCE(lot, '')`,
    ).run(...args);
    const fix = db.prepare('UPDATE stock SET on_hand = on_hand + ? WHERE facility_id = ? AND ndc = ? AND lot = ?');
    for (const e of legacyContainerEntries(db, unitsLookup(db))) {
      if (e.extra && (!ndcs || ndcs.includes(e.ndc))) fix.run(e.extra, e.facility_id, e.ndc, e.lot);
    }
  }).immediate();
}

/**
 * Once per database: a folder from version 0.1 projected its container-basis receipts as
 * containers. Re-projects the stock in dosage units the first time a version that reads them
 * opens it (the ledger is untouched), and records that it did in the audit trail.
 */
export function ensureStockInDosageUnits(db: Db, audit: { record(e: { actor: string; action: string; target?: string | null; details?: Record<string, unknown> }): unknown }): void {
  if (db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'stock_basis'").get()?.value === 'dosage-units') return;
  const legacy = legacyContainerEntries(db, unitsLookup(db));
  db.transaction(() => {
    if (legacy.length) {
      rebuildStock(db);
      audit.record({
        actor: 'system',
        action: 'STOCK_REPROJECTED',
        target: 'stock',
        details: {
          why: 'version 0.1 receipts recorded in containers are read in dosage units through the catalog',
          entries: legacy.map((e) => ({ device_id: e.device_id, seq: e.seq, ndc: e.ndc, lot: e.lot, containers: e.delta, units_per_container: e.units_per_container })),
          unresolved: legacy.filter((e) => e.extra === null).length,
        },
      });
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('stock_basis', 'dosage-units') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
  }).immediate();
}

/**
 * After a package size becomes known (a catalog import, a size a person entered), the NDCs
 * with version 0.1 container-basis entries are projected again so their stock reads in units.
 */
export function reprojectLegacyNdcs(db: Db, ndcs?: readonly string[]): string[] {
  const affected = [...new Set(legacyContainerEntries(db, unitsLookup(db)).map((e) => e.ndc))].filter((n) => !ndcs || ndcs.includes(n));
  if (affected.length) rebuildStock(db, affected);
  return affected;
}
