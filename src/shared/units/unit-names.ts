/**
 * Dosage-unit names as people and files write them, compared and printed. The catalog keeps
 * the FDA's spelling ("TABLET, FILM COATED", "mL"); a record may say "tablets", "tab" or "ML".
 */

/** Units of measure (not things): never pluralised, printed as written here. */
const MEASURES: Record<string, string> = {
  ml: 'mL',
  milliliter: 'mL',
  millilitre: 'mL',
  l: 'L',
  liter: 'L',
  litre: 'L',
  g: 'g',
  gram: 'g',
  mg: 'mg',
  kg: 'kg',
  mcg: 'mcg',
  oz: 'oz',
};

const ALIASES: Record<string, string> = {
  tab: 'tablet',
  tabs: 'tablet',
  cap: 'capsule',
  caps: 'capsule',
  supp: 'suppository',
  amp: 'ampule',
  ampoule: 'ampule',
  vl: 'vial',
};

/** A comparable key: "TABLET, FILM COATED" → "tablet", "Tablets" → "tablet", "ML" → "mL". */
export function unitKey(unit: string): string {
  const head = unit.split(',')[0]!.trim().toLowerCase().replace(/\s+/g, ' ');
  if (MEASURES[head]) return MEASURES[head]!;
  const singular = singularOf(head);
  return ALIASES[singular] ?? ALIASES[head] ?? singular;
}

function singularOf(word: string): string {
  if (MEASURES[word]) return word;
  if (/(ches|shes|sses|xes)$/.test(word)) return word.slice(0, -2);
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Words that mean "the dosage unit of this NDC, whatever it is" rather than a named unit. */
const GENERIC = new Set(['unit', 'dosage unit', 'du']);

/**
 * Whether a unit a record declares is the catalog's unit for the NDC. "units" (generic) always
 * agrees; anything else must name the same thing ("tablets" = "TABLET, FILM COATED").
 */
export function sameUnit(declared: string, catalogUnit: string): boolean {
  const d = unitKey(declared);
  return GENERIC.has(d) || d === unitKey(catalogUnit);
}

/** Whether a unit says only "the dosage unit" ("units", "DU") without naming which. */
export function isGenericUnit(unit: string): boolean {
  return GENERIC.has(unitKey(unit));
}

/**
 * The one unit that a set of entries names, latest first: the first named (not generic) unit,
 * or null when none names one or two of them name different units (which then says nothing).
 */
export function namedUnit(latestFirst: readonly string[]): string | null {
  const named = latestFirst.filter((u) => u.trim() !== '' && !isGenericUnit(u));
  if (!named.length) return null;
  const key = unitKey(named[0]!);
  return named.every((u) => unitKey(u) === key) ? named[0]! : null;
}

/** "tablet"/"tablets", "mL", "patch"/"patches"; "unit"/"units" when the unit is not known. */
export function unitNoun(unit: string | null | undefined, n: number): string {
  const key = unit ? unitKey(unit) : 'unit';
  if (Object.values(MEASURES).includes(key)) return key;
  if (Math.abs(n) === 1) return key;
  if (/(ch|sh|ss|x)$/.test(key)) return `${key}es`;
  if (/[^aeiou]y$/.test(key)) return `${key.slice(0, -1)}ies`;
  return `${key}s`;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** "100 tablets", "2.5 mL" is never produced: quantities are whole units. */
export function formatUnits(n: number, unit: string | null | undefined): string {
  return `${fmt(n)} ${unitNoun(unit, n)}`;
}

/** A change of stock or a variance: "+5 tablets", "-5 tablets", "0 tablets". */
export function formatChange(n: number, unit: string | null | undefined): string {
  return `${n > 0 ? '+' : ''}${formatUnits(n, unit)}`;
}

/** Whole containers and the units left in an opened one. */
export function splitContainers(total: number, unitsPerContainer: number): { full: number; remainder: number } {
  if (!(unitsPerContainer >= 1) || total < 0) return { full: 0, remainder: total };
  return { full: Math.floor(total / unitsPerContainer), remainder: total % unitsPerContainer };
}

/**
 * How a person handling containers reads a quantity: "3 × 100 tablets + 27 tablets",
 * "2 × 100 tablets", "27 tablets"; a package of one unit is just "3 vials".
 */
export function formatContainers(total: number, unitsPerContainer: number | null | undefined, unit: string | null | undefined): string {
  if (!unitsPerContainer || unitsPerContainer <= 1 || total < 0) return formatUnits(total, unit);
  const { full, remainder } = splitContainers(total, unitsPerContainer);
  const parts: string[] = [];
  if (full) parts.push(`${fmt(full)} × ${formatUnits(unitsPerContainer, unit)}`);
  if (remainder || !full) parts.push(formatUnits(remainder, unit));
  return parts.join(' + ');
}
