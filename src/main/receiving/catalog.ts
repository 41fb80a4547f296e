import type { Schedule } from '../../shared/domain/schedule';
import type { Db } from '../db/open';
import { PackageUnitsLookup } from '../catalog/package-units';
import { CatalogStore } from '../catalog/store';

/** What receiving needs from the drug catalog. Injected so receiving works (and is tested) without it. */
export interface ReceivingCatalog {
  /** false: no catalog loaded; products are then known only through the expected shipment. */
  hasRows(): boolean;
  isKnownNdc(ndc11: string): boolean;
  /**
   * Name, schedule and the package's dosage units: `unitsPerContainer` and `unit` from the
   * catalog's package description (or a size a person entered), null when neither says.
   */
  lookup(ndc11: string): { name: string | null; schedule: Schedule | null | undefined; unitsPerContainer: number | null; unit?: string | null } | null;
}

export const NO_CATALOG: ReceivingCatalog = { hasRows: () => false, isKnownNdc: () => false, lookup: () => null };

/** The workstation's catalog store and package units, as receiving sees them. */
export function catalogFromTables(db: Db): ReceivingCatalog {
  const store = new CatalogStore(db);
  const units = new PackageUnitsLookup(db);
  return {
    hasRows: () => store.hasRows(),
    isKnownNdc: (n) => store.isKnownNdc(n),
    lookup(ndc11) {
      const e = store.lookup(ndc11);
      if (!e) return null;
      const pu = units.of(e.ndc11);
      return { name: e.name, schedule: store.scheduleOf(e.ndc11), unitsPerContainer: pu?.units_per_container ?? null, unit: pu?.unit ?? null };
    },
  };
}
