import type { PackageLevel, PackageSize } from './types';

const LEVEL = /^(\d+\.?\d*|\.\d+)\s+(.+?)\s+in\s+(\d+\.?\d*|\.\d+)\s+(.+?)(?:\s*\(([\d-]+)\))?$/;

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function same(a: string, b: string): boolean {
  return a.replace(/\s+/g, ' ').toUpperCase() === b.replace(/\s+/g, ' ').toUpperCase();
}

/**
 * FDA package descriptions, outermost level first:
 *   "100 TABLET in 1 BOTTLE (65162-047-10)"
 *   "1 VIAL in 1 CARTON (0002-0800-01)  > 10 mL in 1 VIAL"               (FDA text files: ">")
 *   "30 POUCH in 1 CARTON (47781-356-03)  / 1 FILM in 1 POUCH"           (openFDA: "/")
 *   "1 KIT in 1 CARTON (…)  *  10 mL in 1 VIAL  *  …"                       (kits: parts after "*")
 * The size is the innermost quantity multiplied up through the levels, as long as each level is
 * what the level above holds ("1 BOTTLE in 1 CARTON > 100 TABLET in 1 BOTTLE" → 100 TABLET).
 * Where the chain breaks, the size stops at the last level that links up, with a note. Kit parts
 * are listed but not added up (a kit is counted as kits).
 */
export function parsePackageDescription(description: string | null | undefined): PackageSize {
  const desc = (description ?? '').trim();
  if (desc === '') return { size: null, unit: null, levels: [], note: 'no package description', kit: false };
  const [chain = '', ...kitParts] = desc.split(/\s+\*\s+/);
  const kit = kitParts.length > 0;
  const parts = chain.split(/\s+[>/]\s+/);
  const levels: PackageLevel[] = [];
  for (const part of parts) {
    const m = LEVEL.exec(part.trim());
    if (!m) {
      return levels.length
        ? { ...sizeOf(levels), levels, kit, note: `"${part.trim()}" is not of the form "N UNIT in N CONTAINER"; size counted down to ${levels.at(-1)!.unit}` }
        : { size: null, unit: null, levels, kit, note: `"${part.trim()}" is not of the form "N UNIT in N CONTAINER"` };
    }
    levels.push({ quantity: Number(m[1]), unit: m[2]!.trim(), containerQuantity: Number(m[3]), container: m[4]!.trim(), ndc: m[5] ?? null });
  }
  return { ...sizeOf(levels), levels, kit };
}

function sizeOf(levels: readonly PackageLevel[]): { size: number | null; unit: string | null; note: string | null } {
  const first = levels[0];
  if (!first) return { size: null, unit: null, note: null };
  let size = first.quantity / first.containerQuantity;
  let unit = first.unit;
  for (let i = 1; i < levels.length; i++) {
    const lv = levels[i]!;
    if (!same(lv.container, unit)) {
      return { size: round(size), unit, note: `"${lv.quantity} ${lv.unit} in ${lv.containerQuantity} ${lv.container}" is not inside a ${unit}; size counted as ${unit}` };
    }
    size *= lv.quantity / lv.containerQuantity;
    unit = lv.unit;
  }
  return { size: round(size), unit, note: null };
}
