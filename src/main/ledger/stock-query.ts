import type { StockRow } from '../../shared/ipc/contract';
import { PackageUnitsLookup } from '../catalog/package-units';
import type { Db } from '../db/open';

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

export interface StockQuery {
  search?: string | undefined;
  ndc?: string | undefined;
  /** Lots expiring on or before today + N days (local date `today`). */
  expiresWithinDays?: number | undefined;
  today?: string | undefined;
  onHold?: boolean | undefined;
  includeEmpty?: boolean | undefined;
  offset?: number;
  limit?: number;
}

/**
 * Stock on hand per NDC and lot, in dosage units, with the product name, unit and package size
 * the catalog gives, the lot's expiry (from its receipts) and the active hold covering it.
 * Search matches NDC (with or without hyphens), lot or name.
 */
export function listStock(db: Db, q: StockQuery): { rows: StockRow[]; total: number } {
  const term = q.search?.trim() ? `%${q.search.trim().toLowerCase()}%` : null;
  const digits = q.search?.replace(/[^0-9]/g, '') || null;
  const ndcDigits = q.ndc ? q.ndc.replace(/[^0-9]/g, '') : null;
  const nameSql = hasTable(db, 'catalog_packages') ? '(SELECT c.name FROM catalog_packages c WHERE c.ndc11 = s.ndc)' : 'NULL';
  const held = activeHoldKeys(db);
  const until = q.expiresWithinDays === undefined ? null : addDays(q.today ?? new Date().toISOString().slice(0, 10), q.expiresWithinDays);
  const sql = `
    WITH s AS (
      SELECT s.facility_id, s.ndc, s.lot, s.schedule, s.on_hand, s.last_event_time, ${nameSql} AS name,
             (SELECT MAX(json_extract(l.body, '$.expiry')) FROM ledger_entries l
               WHERE l.type IN ('RECEIPT', 'INITIAL_INVENTORY', 'RETURN') AND l.facility_id = s.facility_id AND l.ndc = s.ndc AND COALESCE(l.lot, '') = s.lot) AS expiry,
             COALESCE((SELECT value FROM json_each(@heldLots) WHERE key = s.facility_id || '|' || s.ndc || '|' || s.lot),
                      (SELECT value FROM json_each(@heldLots) WHERE key = s.facility_id || '|' || s.ndc || '|*')) AS hold_id
        FROM stock s)
    SELECT * FROM s
     WHERE (@term IS NULL OR lower(s.lot) LIKE @term OR (@digits IS NOT NULL AND replace(s.ndc, '-', '') LIKE '%' || @digits || '%') OR lower(COALESCE(s.name, '')) LIKE @term)
       AND (@ndc IS NULL OR replace(s.ndc, '-', '') = @ndc)
       AND (@includeEmpty = 1 OR s.on_hand != 0 OR s.hold_id IS NOT NULL)
       AND (@until IS NULL OR (s.expiry IS NOT NULL AND s.expiry <= @until))
       AND (@onHold = 0 OR s.hold_id IS NOT NULL)`;
  const params = {
    term,
    digits,
    ndc: ndcDigits,
    heldLots: JSON.stringify(held),
    includeEmpty: q.includeEmpty === false ? 0 : 1,
    until,
    onHold: q.onHold ? 1 : 0,
  };
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get(params) as { n: number }).n;
  const rows = db
    .prepare(`${sql} ORDER BY s.ndc, s.lot LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: q.limit ?? 500, offset: q.offset ?? 0 }) as Omit<StockRow, 'unit' | 'units_per_container'>[];
  const units = new PackageUnitsLookup(db);
  return {
    rows: rows.map((r) => {
      const pu = units.of(r.ndc);
      return { ...r, unit: pu?.unit ?? null, units_per_container: pu?.units_per_container ?? null };
    }),
    total,
  };
}

/** "facility|ndc|lot" (lot "*": every lot) → hold id, for every active hold. */
function activeHoldKeys(db: Db): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of db
    .prepare<[], { facility_id: string; ndc: string; lot: string | null; hold_id: string }>(
      `SELECT p.facility_id, p.ndc, p.lot, json_extract(p.body, '$.data.hold_id') AS hold_id FROM ledger_entries p
        WHERE p.type = 'HOLD_PLACED'
          AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.type = 'HOLD_RELEASED' AND r.facility_id = p.facility_id AND r.ndc = p.ndc
                           AND json_extract(r.body, '$.data.hold_id') = json_extract(p.body, '$.data.hold_id'))`,
    )
    .all()) {
    out[`${r.facility_id}|${r.ndc}|${r.lot ?? '*'}`] = String(r.hold_id);
  }
  return out;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
