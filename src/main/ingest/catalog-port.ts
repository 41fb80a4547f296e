import type { Schedule } from '../../shared/domain/schedule';
import type { PackageUnits } from '../../shared/units';
import { PackageUnitsLookup } from '../catalog/package-units';
import { CatalogStore } from '../catalog/store';
import type { Db } from '../db/open';

/**
 * What the gate needs from the product catalog. The catalog module (src/main/catalog) owns the
 * `catalog_packages` table; the gate only reads through this port, so it works with or without
 * a catalog: with no catalog rows, the NDC-in-catalog check is skipped (docs/ingestion.md).
 */
export interface CatalogPort {
  /** True when the catalog holds any package at all; false means "no catalog loaded". */
  hasRows(): boolean;
  isKnownNdc(ndc11: string): boolean;
  /**
   * The package's DEA schedule (null: not controlled); undefined when the NDC is not in it or
   * its schedule is unknown. Anything but undefined means isKnownNdc is true (the gate relies on it).
   */
  scheduleOf(ndc11: string): Schedule | null | undefined;
  /** The dosage unit and units per package (catalog, or entered by a person); null when unknown. */
  unitsOf?(ndc11: string): PackageUnits | null;
}

/**
 * WIRING POINT (catalog): the catalog module's store (src/main/catalog), which is structurally a
 * CatalogPort, when its table exists; null otherwise. `hasRows` is cached for a second so the
 * gate does not ask on every line.
 */
export function catalogFromDb(db: Db): CatalogPort | null {
  const table = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'catalog_packages'").get();
  if (!table) return null;
  const store = new CatalogStore(db);
  const units = new PackageUnitsLookup(db);
  let rowsCache: { at: number; value: boolean } | null = null;
  return {
    hasRows() {
      const now = Date.now();
      if (!rowsCache || now - rowsCache.at > 1000) rowsCache = { at: now, value: store.hasRows() };
      return rowsCache.value;
    },
    isKnownNdc: store.isKnownNdc,
    scheduleOf: (ndc11) => store.scheduleOf(ndc11),
    unitsOf: (ndc11) => units.of(ndc11),
  };
}

/** A catalog held in memory, for tests and for callers that already loaded one. */
export function memoryCatalog(entries: Record<string, Schedule | null>, units: Record<string, PackageUnits> = {}): CatalogPort {
  const map = new Map(Object.entries(entries));
  return {
    hasRows: () => map.size > 0,
    isKnownNdc: (n) => map.has(n),
    scheduleOf: (n) => (map.has(n) ? map.get(n)! : undefined),
    unitsOf: (n) => units[n] ?? null,
  };
}
