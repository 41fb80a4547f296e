import type { EntryBody } from '../../shared/schemas/ledger-entry';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

/** The projection row key uses '' for "lot unknown" because SQLite treats NULLs as distinct in keys. */
const lotKey = (lot: string | null | undefined) => lot ?? '';

// Statements prepared once per connection: preparing on every append cost more than the insert.
const statements = new WeakMap<Db, { onHand: ReturnType<typeof prepareOnHand>; apply: Statement<unknown[]> }>();
const prepareOnHand = (db: Db) =>
  db.prepare<[string, string, string], { on_hand: number }>('SELECT on_hand FROM stock WHERE facility_id = ? AND ndc = ? AND lot = ?');

function stmts(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = {
      onHand: prepareOnHand(db),
      apply: db.prepare<unknown[]>(
        `INSERT INTO stock (facility_id, ndc, lot, schedule, on_hand, last_event_time) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (facility_id, ndc, lot) DO UPDATE SET
           on_hand = on_hand + excluded.on_hand,
           schedule = COALESCE(excluded.schedule, schedule),
           last_event_time = MAX(last_event_time, excluded.last_event_time)`,
      ),
    };
    statements.set(db, s);
  }
  return s;
}

export function stockOnHand(db: Db, facilityId: string, ndc: string, lot: string | null | undefined): number {
  return stmts(db).onHand.get(facilityId, ndc, lotKey(lot))?.on_hand ?? 0;
}

/** Applies one entry's stock effect; called inside the entry's own transaction. */
export function applyToStock(db: Db, body: Pick<EntryBody, 'facility_id' | 'ndc' | 'lot' | 'schedule' | 'delta' | 'event_time'>): void {
  if (!body.ndc || body.delta === 0) return;
  stmts(db).apply.run(body.facility_id, body.ndc, lotKey(body.lot), body.schedule, body.delta, body.event_time);
}

export interface StockMismatch {
  facility_id: string;
  ndc: string;
  lot: string;
  projected: number;
  fromLedger: number;
}

/** Sums the ledger and compares with the projection; any difference means the projection is wrong. */
export function checkStock(db: Db): StockMismatch[] {
  const rows = db
    .prepare<[], { facility_id: string; ndc: string; lot: string; projected: number | null; from_ledger: number | null }>(
      `WITH l AS (
         SELECT facility_id, ndc, COALESCE(lot, '') AS lot, SUM(delta) AS total
         FROM ledger_entries WHERE ndc IS NOT NULL GROUP BY 1, 2, 3)
       SELECT l.facility_id, l.ndc, l.lot, s.on_hand AS projected, l.total AS from_ledger
         FROM l LEFT JOIN stock s USING (facility_id, ndc, lot)
        WHERE s.on_hand IS NOT l.total
       UNION ALL
       SELECT s.facility_id, s.ndc, s.lot, s.on_hand, 0 FROM stock s
        WHERE NOT EXISTS (SELECT 1 FROM l WHERE l.facility_id = s.facility_id AND l.ndc = s.ndc AND l.lot = s.lot)
          AND s.on_hand != 0`,
    )
    .all();
  return rows.map((r) => ({ facility_id: r.facility_id, ndc: r.ndc, lot: r.lot, projected: r.projected ?? 0, fromLedger: r.from_ledger ?? 0 }));
}

/** Rebuilds the projection from the ledger in one transaction. */
export function rebuildStock(db: Db): void {
  db.transaction(() => {
    db.exec('DELETE FROM stock');
    db.exec(
      `INSERT INTO stock (facility_id, ndc, lot, schedule, on_hand, last_event_time)
       SELECT facility_id, ndc, COALESCE(lot, ''),
              (SELECT json_extract(body, '$.schedule') FROM ledger_entries l2
                WHERE l2.facility_id = l.facility_id AND l2.ndc = l.ndc AND COALESCE(l2.lot, '') = COALESCE(l.lot, '')
                  AND json_extract(body, '$.schedule') IS NOT NULL LIMIT 1),
              SUM(delta), MAX(event_time)
         FROM ledger_entries l WHERE ndc IS NOT NULL GROUP BY facility_id, ndc, COALESCE(lot, '')`,
    );
  }).immediate();
}
