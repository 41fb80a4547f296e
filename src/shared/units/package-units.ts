import type { PackageLevel } from '../catalog/types';

/**
 * The dosage unit the ledger counts an NDC in, and how many of them one package (the trade
 * item the NDC names) holds. DEA records count dosage units — tablets, capsules, mL, patches —
 * and 21 CFR 1304.11(e) asks for "the number of units or volume of each finished form in each
 * commercial container" beside the number of containers.
 */
export interface PackageUnits {
  /** Whole dosage units in one package of the NDC. */
  units_per_container: number;
  /** The unit as the FDA publishes it: "TABLET", "TABLET, FILM COATED", "mL", "PATCH", "SYRINGE". */
  unit: string;
  /** The package itself: "BOTTLE", "CARTON"; null when the description does not say. */
  container: string | null;
  /** Where the figure comes from: the catalog's package description, or a person who entered it. */
  source: 'catalog' | 'entered';
  /** When the unit is not the innermost one (a 0.5 mL syringe is counted in syringes), why. */
  note: string | null;
}

export type PackageUnitsReading = { ok: true; value: Omit<PackageUnits, 'source'> } | { ok: false; problem: string };

const EPS = 1e-9;
const isWhole = (n: number) => Math.abs(n - Math.round(n)) < EPS && Math.round(n) >= 1;

/**
 * Reads the dosage unit from an FDA package description's levels, outermost first
 * ("1 BOTTLE in 1 CARTON > 100 TABLET in 1 BOTTLE" → 100 TABLET per CARTON).
 *
 * The unit is the innermost level that a package holds a whole number of: 0.5 mL in one
 * syringe cannot be a whole number of mL, so such a package is counted in syringes (its volume
 * stays in the note). A chain that breaks ("… is not inside a …") stops where it broke, as the
 * catalog's own size does. Nothing is ever taken as 1 without the description saying so.
 */
export function packageUnitsFromLevels(levels: readonly PackageLevel[], kit = false): PackageUnitsReading {
  const first = levels[0];
  if (!first) return { ok: false, problem: 'the package description does not state its contents' };
  const container = first.container.trim() || null;
  if (kit) {
    // A kit is counted as kits; its parts are listed, not added up.
    const n = first.quantity / first.containerQuantity;
    if (isWhole(n)) return { ok: true, value: { units_per_container: Math.round(n), unit: first.unit, container, note: 'a kit: counted as kits' } };
    return { ok: false, problem: `"${first.quantity} ${first.unit} in ${first.containerQuantity} ${first.container}" is not a whole number of kits` };
  }
  let per = first.quantity / first.containerQuantity;
  let unit = first.unit;
  let best: { n: number; unit: string } | null = isWhole(per) ? { n: Math.round(per), unit } : null;
  for (let i = 1; i < levels.length; i++) {
    const lv = levels[i]!;
    if (norm(lv.container) !== norm(unit)) break;
    per *= lv.quantity / lv.containerQuantity;
    unit = lv.unit;
    if (isWhole(per)) best = { n: Math.round(per), unit };
  }
  if (!best) return { ok: false, problem: `"${levels.map((l) => `${l.quantity} ${l.unit} in ${l.containerQuantity} ${l.container}`).join(' > ')}" holds no whole number of any unit` };
  const note = norm(best.unit) === norm(unit) ? null : `counted in ${best.unit}: one holds ${round(per / best.n)} ${unit}`;
  return { ok: true, value: { units_per_container: best.n, unit: best.unit, container, note } };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function norm(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toUpperCase();
}
