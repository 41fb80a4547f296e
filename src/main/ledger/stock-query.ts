import type { StockRow } from '../../shared/ipc/contract';
import type { Db } from '../db/open';

function hasCatalog(db: Db): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_packages'").get();
}

/** Stock on hand with the product name where the catalog knows it. Search matches NDC (with or without hyphens), lot or name. */
export function listStock(db: Db, q: { search?: string | undefined; offset?: number; limit?: number; ndc?: string | undefined }): { rows: StockRow[]; total: number } {
  const term = q.search?.trim() ? `%${q.search.trim().toLowerCase()}%` : null;
  const digits = q.search?.replace(/[^0-9]/g, '') || null;
  const ndcDigits = q.ndc ? q.ndc.replace(/[^0-9]/g, '') : null;
  const nameSql = hasCatalog(db) ? '(SELECT c.name FROM catalog_packages c WHERE c.ndc11 = s.ndc)' : 'NULL';
  const where = `WHERE (@term IS NULL OR lower(s.lot) LIKE @term OR (@digits IS NOT NULL AND replace(s.ndc, '-', '') LIKE '%' || @digits || '%') OR lower(COALESCE(${nameSql}, '')) LIKE @term)
                   AND (@ndc IS NULL OR replace(s.ndc, '-', '') = @ndc)`;
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM stock s ${where}`).get({ term, digits, ndc: ndcDigits }) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT s.facility_id, s.ndc, s.lot, s.schedule, s.on_hand, s.last_event_time, ${nameSql} AS name
         FROM stock s ${where} ORDER BY s.ndc, s.lot LIMIT @limit OFFSET @offset`,
    )
    .all({ term, digits, ndc: ndcDigits, limit: q.limit ?? 500, offset: q.offset ?? 0 }) as StockRow[];
  return { rows, total };
}
