import type { Schedule } from '../../shared/domain/schedule';
import type { Db } from '../db/open';
import { catalogFromDb } from '../ingest/catalog-port';

/** What receiving needs from the drug catalog. Injected so receiving works (and is tested) without it. */
export interface ReceivingCatalog {
  /** false: no catalog loaded; products are then known only through the expected shipment. */
  hasRows(): boolean;
  isKnownNdc(ndc11: string): boolean;
  lookup(ndc11: string): { name: string | null; schedule: Schedule | null | undefined; unitsPerContainer: number | null } | null;
}

export const NO_CATALOG: ReceivingCatalog = { hasRows: () => false, isKnownNdc: () => false, lookup: () => null };

/**
 * WIRING POINT (catalog): src/main/catalog has not landed yet. Until it does, this reads the
 * `catalog_packages` table through the ingestion gate's port when the table exists (the same
 * view of the catalog the gate checks at commit), plus name and package size when those
 * columns exist. Replace with the catalog store's `lookup`/`isKnownNdc` once it exports them.
 */
export function catalogFromTables(db: Db): ReceivingCatalog {
  const port = catalogFromDb(db);
  if (!port) return NO_CATALOG;
  const cols = new Set(db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('catalog_packages')").all().map((c) => c.name));
  const sizeCol = ['package_size', 'size'].find((c) => cols.has(c));
  const nameCol = ['name', 'display_name', 'description'].find((c) => cols.has(c));
  const extra = db.prepare<[string], Record<string, unknown>>(
    `SELECT ${sizeCol ? `${sizeCol} AS size` : 'NULL AS size'}, ${nameCol ? `${nameCol} AS name` : 'NULL AS name'} FROM catalog_packages WHERE ndc11 = ?`,
  );
  return {
    hasRows: () => port.hasRows(),
    isKnownNdc: (n) => port.isKnownNdc(n),
    lookup(ndc11) {
      if (!port.isKnownNdc(ndc11)) return null;
      const row = extra.get(ndc11);
      const size = Number(row?.size);
      return {
        name: typeof row?.name === 'string' ? row.name : null,
        schedule: port.scheduleOf(ndc11),
        unitsPerContainer: Number.isSafeInteger(size) && size > 0 ? size : null,
      };
    },
  };
}
