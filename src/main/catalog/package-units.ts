import { parsePackageDescription } from '../../shared/catalog';
import { packageUnitsFromLevels, type PackageUnits } from '../../shared/units';
import type { AuditTrail } from '../audit/trail';
import type { Db } from '../db/open';
import { CatalogStore } from './store';

export interface EnteredSize {
  ndc11: string;
  units_per_container: number;
  unit: string;
  container: string | null;
  entered_by: string;
  entered_at: string;
  note: string | null;
}

/**
 * The dosage unit of each NDC and the units one package holds: from the catalog's package
 * description ("100 TABLET in 1 BOTTLE"), else from a size a person entered for a package the
 * catalog gives none for (`package_sizes`, audited). Never a guess: unknown is null.
 */
export class PackageUnitsLookup {
  private readonly catalog: CatalogStore | null;
  private readonly entered;
  private readonly cache = new Map<string, PackageUnits | null>();
  private cacheAt = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    const has = (t: string) => db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(t)!.n > 0;
    this.catalog = has('catalog_packages') ? new CatalogStore(db) : null;
    this.entered = has('package_sizes') ? db.prepare<[string], EnteredSize>('SELECT * FROM package_sizes WHERE ndc11 = ?') : null;
  }

  /** From the catalog only, with why not. */
  fromCatalog(ndc11: string): { ok: true; value: PackageUnits } | { ok: false; problem: string } {
    const e = this.catalog?.lookup(ndc11) ?? null;
    if (!e) return { ok: false, problem: `${ndc11} is not in the catalog` };
    const size = parsePackageDescription(e.description);
    const r = packageUnitsFromLevels(size.levels, size.kit);
    if (!r.ok) return { ok: false, problem: `the catalog's package description of ${ndc11} ("${e.description ?? ''}") gives no size: ${r.problem}` };
    return { ok: true, value: { ...r.value, source: 'catalog' } };
  }

  /** The package units of an NDC (11-digit 5-4-2), or null when neither the catalog nor a person gave them. */
  of(ndc11: string): PackageUnits | null {
    // Lookups come per event on the POS path; a catalog import or an entered size shows within a second.
    const t = Date.now();
    if (t - this.cacheAt > 1000) {
      this.cache.clear();
      this.cacheAt = t;
    }
    if (this.cache.has(ndc11)) return this.cache.get(ndc11)!;
    const value = this.read(ndc11);
    this.cache.set(ndc11, value);
    return value;
  }

  private read(ndc11: string): PackageUnits | null {
    const c = this.fromCatalog(ndc11);
    if (c.ok) return c.value;
    const row = this.entered?.get(ndc11);
    if (!row) return null;
    return { units_per_container: row.units_per_container, unit: row.unit, container: row.container, source: 'entered', note: `entered by ${row.entered_by} on ${row.entered_at.slice(0, 10)}` };
  }

  enteredSize(ndc11: string): EnteredSize | null {
    return this.entered?.get(ndc11) ?? null;
  }

  /**
   * Records the size a person read off a package the catalog gives none for. Refused when the
   * catalog states one (the NDC names the package: its size is not a matter of opinion).
   */
  enter(input: { ndc11: string; unitsPerContainer: number; unit: string; container?: string | null; note?: string | null; actor: string }, audit: AuditTrail): EnteredSize {
    if (!this.entered) throw new Error('this database has no package_sizes table (it predates version 8)');
    const c = this.fromCatalog(input.ndc11);
    if (c.ok) throw new PackageSizeError(`the catalog already gives ${input.ndc11} as ${c.value.units_per_container} ${c.value.unit} per ${c.value.container ?? 'package'}; nothing was entered`);
    if (!this.catalog?.isKnownNdc(input.ndc11)) throw new PackageSizeError(`${input.ndc11} is not in the catalog: import the catalog that lists it first (rxledger catalog import)`);
    if (!Number.isSafeInteger(input.unitsPerContainer) || input.unitsPerContainer < 1 || input.unitsPerContainer > 1_000_000) {
      throw new PackageSizeError(`units per container must be a whole number from 1 to 1,000,000 (got ${input.unitsPerContainer})`);
    }
    const unit = input.unit.trim();
    if (!unit || unit.length > 40) throw new PackageSizeError('give the dosage unit the package is counted in (e.g. TABLET, CAPSULE, mL, PATCH)');
    const before = this.enteredSize(input.ndc11);
    const row: EnteredSize = {
      ndc11: input.ndc11,
      units_per_container: input.unitsPerContainer,
      unit,
      container: input.container?.trim() || null,
      entered_by: input.actor,
      entered_at: this.now().toISOString(),
      note: input.note?.trim() || null,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO package_sizes (ndc11, units_per_container, unit, container, entered_by, entered_at, note) VALUES (@ndc11, @units_per_container, @unit, @container, @entered_by, @entered_at, @note)
           ON CONFLICT (ndc11) DO UPDATE SET units_per_container = excluded.units_per_container, unit = excluded.unit, container = excluded.container,
             entered_by = excluded.entered_by, entered_at = excluded.entered_at, note = excluded.note`,
        )
        .run(row);
      audit.record({ actor: input.actor, action: 'PACKAGE_SIZE_ENTERED', target: input.ndc11, details: { ...row, before } });
    })();
    this.cache.clear();
    return row;
  }
}

export class PackageSizeError extends Error {}
