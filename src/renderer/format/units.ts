import { formatContainers, formatUnits, unitNoun } from '../../shared/units';

/**
 * Quantities as a person at the counter reads them: always with their unit ("100 tablets"),
 * and as containers plus an opened remainder where containers are handled ("3 × 100 tablets +
 * 27 tablets"). Every ledger quantity is in dosage units of the NDC's package.
 */

export { formatContainers, formatUnits, unitNoun };

/** "+100 tablets", "−3 tablets", "0 tablets". */
export function formatSignedUnits(delta: number, unit: string | null | undefined): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '\u2212' : '';
  return `${sign}${formatUnits(Math.abs(delta), unit)}`;
}

/**
 * The containers reading, only when it says more than the units alone: "1 × 100 tablets" for
 * 100 tablets of a bottle of 100, null for 27 tablets (less than one container) or an unknown size.
 */
export function containersNote(total: number, unitsPerContainer: number | null | undefined, unit: string | null | undefined): string | null {
  if (!unitsPerContainer || unitsPerContainer <= 1 || total < unitsPerContainer) return null;
  return formatContainers(total, unitsPerContainer, unit);
}

/** "100 tablets per container", or what is missing. */
export function describePackage(unitsPerContainer: number | null | undefined, unit: string | null | undefined): string {
  if (!unitsPerContainer) return 'package size not known';
  return `${formatUnits(unitsPerContainer, unit)} per container`;
}

export type WholeNumber = { ok: true; value: number } | { ok: false; problem: string };

/**
 * A whole number a person typed in a quantity field. Digits only: "abc", "-5", "2.5" and "1e3"
 * are refused with a reason the field can show.
 */
export function parseWholeNumber(text: string, what = 'units', max = 10_000_000): WholeNumber {
  const t = text.trim().replace(/[,\s](?=\d{3}\b)/g, '');
  if (t === '') return { ok: false, problem: `Enter the number of ${what}.` };
  if (/^-\s*\d/.test(t)) return { ok: false, problem: `${capital(what)} cannot be negative (got ${text.trim()}).` };
  if (/^\d+[.,]\d+$/.test(t)) return { ok: false, problem: `Whole ${what} only (got ${text.trim()}).` };
  if (!/^\d+$/.test(t)) return { ok: false, problem: `Numbers only: "${text.trim()}" is not a number of ${what}.` };
  const value = Number(t);
  if (!Number.isSafeInteger(value) || value > max) return { ok: false, problem: `${Number(t).toLocaleString('en-US')} ${what} is not plausible.` };
  return { ok: true, value };
}

/** The units in each opened container, as typed: "27", "27, 13", "27 + 13"; '' is none. */
export function parseUnitList(text: string): { ok: true; values: number[] } | { ok: false; problem: string } {
  const parts = text
    .split(/[,;+]|\s+(?=\S)/)
    .map((s) => s.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const p of parts) {
    const r = parseWholeNumber(p, 'units in an opened container', 1_000_000);
    if (!r.ok) return { ok: false, problem: r.problem };
    values.push(r.value);
  }
  return { ok: true, values };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
