import { gs1CheckDigit } from './gs1-check-digit';
import { fail, raise, unwrap, type Failure } from './identifier-issue';
import { candidatesForNdc10, ndcFromNdc10Digits, NDC10_LAYOUTS, normalizeNdc, toNdc10, type Ndc, type Ndc10Layout } from './ndc';

export type GtinKind = 'GTIN-8' | 'GTIN-12' | 'GTIN-13' | 'GTIN-14';

const KIND_BY_LENGTH: Record<number, GtinKind> = { 8: 'GTIN-8', 12: 'GTIN-12', 13: 'GTIN-13', 14: 'GTIN-14' };

export interface Gtin {
  /** Every GTIN padded to 14 digits: the one form stored and compared. */
  gtin14: string;
  kind: GtinKind;
}

export type GtinResult = ({ ok: true } & Gtin) | Failure;

/** Validates a GTIN-8/12/13/14 (EAN-8, UPC-A, EAN-13, ITF-14/GS1 key) and pads it to 14 digits. */
export function parseGtin(input: string): GtinResult {
  const digits = input.trim();
  const kind = KIND_BY_LENGTH[digits.length];
  if (!/^\d+$/.test(digits) || !kind) {
    return fail({
      code: 'bad-gtin',
      message: `"${digits}" is not a GTIN: a GTIN is 8, 12, 13 or 14 digits (got ${digits.length} character${digits.length === 1 ? '' : 's'}).`,
      value: digits,
    });
  }
  const expected = gs1CheckDigit(digits.slice(0, -1));
  const got = Number(digits.slice(-1));
  if (expected !== got) {
    return fail({
      code: 'bad-check-digit',
      message: `${kind} ${digits} has a wrong check digit (last digit ${got}, expected ${expected}): the barcode is damaged or the number was mistyped. Scan again or type it from the label.`,
      value: digits,
    });
  }
  return { ok: true, gtin14: digits.padStart(14, '0'), kind };
}

export function isValidGtin(input: string): boolean {
  return parseGtin(input).ok;
}

/** Throwing form of `parseGtin`. */
export function normalizeGtin(input: string): string {
  return unwrap(parseGtin(input)).gtin14;
}

/**
 * The 10 NDC digits inside an NDC-based GTIN (indicator, "03", NDC10, check digit), or null when
 * the GTIN does not have the US drug prefix. A UPC-A "3" + NDC10 + check is the same thing padded.
 */
export function ndc10DigitsFromGtin(gtin: string): string | null {
  const parsed = parseGtin(gtin);
  if (!parsed.ok) return null;
  const g = parsed.gtin14;
  return g.slice(1, 3) === '03' ? g.slice(3, 13) : null;
}

export interface NdcFromGtin {
  ok: true;
  gtin14: string;
  /** The packaging-level indicator digit (0 = the unit itself). */
  indicator: number;
  /** The NDC as carried in the barcode: 10 digits, layout unknown. */
  ndc10Digits: string;
  /** Its possible 11-digit forms (4-4-2, 5-3-2, 5-4-1 order). */
  candidates: string[];
  /** Resolved through the catalog; null without a resolver, or when 0 or 2+ candidates are known. */
  ndc: Ndc | null;
  resolution: 'resolved' | 'no-resolver' | 'unknown' | 'ambiguous';
}

/**
 * The NDC carried by a GTIN. The barcode holds the NDC without its hyphens, so its 11-digit form
 * needs the catalog (`isKnown`); without it the candidates are returned and `ndc` stays null.
 */
export function ndcFromGtin(gtin: string, opts: { isKnown?: (ndc11: string) => boolean } = {}): NdcFromGtin | Failure {
  const parsed = parseGtin(gtin);
  if (!parsed.ok) return parsed;
  const digits = ndc10DigitsFromGtin(parsed.gtin14);
  if (digits === null) {
    return fail({
      code: 'not-ndc-gtin',
      message: `GTIN ${parsed.gtin14} does not carry an NDC (an NDC-based GTIN starts with 03 after the indicator digit).`,
      value: parsed.gtin14,
    });
  }
  const candidates = candidatesForNdc10(digits);
  const base = { ok: true as const, gtin14: parsed.gtin14, indicator: Number(parsed.gtin14[0]), ndc10Digits: digits, candidates };
  if (!opts.isKnown) return { ...base, ndc: null, resolution: 'no-resolver' };
  const isKnown = opts.isKnown;
  const known = NDC10_LAYOUTS.map((layout) => ndcFromNdc10Digits(digits, layout)).filter(
    (n, i, all) => n.ndc11 !== null && isKnown(n.ndc11) && all.findIndex((o) => o.ndc11 === n.ndc11) === i,
  );
  if (known.length === 1 && known[0]) return { ...base, ndc: known[0], resolution: 'resolved' };
  return { ...base, ndc: null, resolution: known.length === 0 ? 'unknown' : 'ambiguous' };
}

export interface NdcToGtinOptions {
  /** Packaging level, 0 (unit) to 8; 9 is reserved by GS1 for variable measure and refused. */
  indicator?: number;
  /** Needed when the NDC is given in 11-digit form and more than one 10-digit layout fits. */
  layout?: Ndc10Layout;
}

/** GTIN-14 = indicator + "03" + NDC10 + check digit. Throws when the NDC has no 10-digit form. */
export function ndcToGtin14(ndc: Ndc | string, opts: NdcToGtinOptions = {}): string {
  const indicator = opts.indicator ?? 0;
  if (!Number.isInteger(indicator) || indicator < 0 || indicator > 8) {
    raise({ code: 'bad-gtin', message: `Indicator digit ${indicator} is not allowed: use 0 for the unit or 1–8 for packaging levels.` });
  }
  const { digits } = toNdc10(typeof ndc === 'string' ? normalizeNdc(ndc) : ndc, opts.layout);
  const body = `${indicator}03${digits}`;
  return body + String(gs1CheckDigit(body));
}

/** The UPC-A (GTIN-12) printed on a unit: "3" + NDC10 + check digit. */
export function ndcToUpcA(ndc: Ndc | string, opts: { layout?: Ndc10Layout } = {}): string {
  return ndcToGtin14(ndc, { indicator: 0, layout: opts.layout }).slice(2);
}
