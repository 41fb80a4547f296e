import { displayName, parseOpenFdaJson, parsePackageDescription } from '../../shared/catalog';
import type { ReportProduct } from '../../shared/reports/reader';
import { packageUnitsFromLevels, type PackageUnits } from '../../shared/units';
import type { Sql } from '../db/pg-adapter';

export interface CentralProduct {
  product: ReportProduct;
  units: PackageUnits | null;
}

/**
 * The drug catalog as the facility's workstations hold it: the central office's `catalog`
 * reference items (openFDA NDC product records, global or for this facility), read with the
 * shared openFDA reader the workstation imports them with, and the package units from the
 * package description as the workstation's PackageUnitsLookup reads them. Sizes a person
 * entered on a workstation (`package_sizes`) are not synced, so they are not here.
 */
export async function centralCatalog(db: Sql, facilityId: string): Promise<Map<string, CentralProduct>> {
  const rows = (
    await db.query<{ doc: string }>(
      "SELECT doc FROM reference_items WHERE kind = 'catalog' AND doc IS NOT NULL AND (facility_id IS NULL OR facility_id = $1) ORDER BY version",
      [facilityId],
    )
  ).rows;
  const records: unknown[] = [];
  for (const r of rows) {
    let doc: unknown;
    try {
      doc = JSON.parse(r.doc);
    } catch {
      continue;
    }
    const list = doc && typeof doc === 'object' && Array.isArray((doc as { results?: unknown }).results) ? (doc as { results: unknown[] }).results : [doc];
    if (list.every((x) => x && typeof x === 'object' && !Array.isArray(x))) records.push(...list);
  }
  const out = new Map<string, CentralProduct>();
  if (records.length === 0) return out;
  const parsed = parseOpenFdaJson(JSON.stringify({ results: records }));
  if (!parsed.ok) return out;
  for (const { pkg, product } of parsed.packages) {
    if (!product) continue;
    const size = parsePackageDescription(pkg.description);
    const u = packageUnitsFromLevels(size.levels, size.kit);
    out.set(pkg.ndc11, {
      product: {
        name: displayName(product),
        strength: product.strength,
        dosage_form: product.dosage_form,
        package_size: pkg.package_size,
        package_unit: pkg.package_unit,
        schedule: product.schedule,
      },
      units: u.ok ? { ...u.value, source: 'catalog' } : null,
    });
  }
  return out;
}

/** Names of the central user directory (`user` reference items), by user ID. */
export async function centralUserNames(db: Sql, facilityId: string): Promise<Map<string, string>> {
  const rows = (
    await db.query<{ key: string; doc: string }>(
      "SELECT key, doc FROM reference_items WHERE kind = 'user' AND doc IS NOT NULL AND (facility_id IS NULL OR facility_id = $1) ORDER BY version",
      [facilityId],
    )
  ).rows;
  const out = new Map<string, string>();
  for (const r of rows) {
    try {
      const d = JSON.parse(r.doc) as { user_id?: unknown; name?: unknown };
      if (typeof d.name === 'string' && d.name) out.set(typeof d.user_id === 'string' ? d.user_id : r.key, d.name);
    } catch {
      // A document the workstations would not apply either.
    }
  }
  return out;
}
