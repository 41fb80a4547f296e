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

/**
 * UPC-E (zero-suppressed GTIN-12) to the GTIN-12 it stands for, after GS1 General Specifications
 * §5.2.2.4.2 (Figure 5.2.2.4.2-1). The 8 digits are the number system 0, six data digits
 * d1..d6 and the GTIN-12's check digit; d6 says where the zeros were taken out:
 *
 * | d6    | GTIN-12                          | allowed only when |
 * |-------|----------------------------------|-------------------|
 * | 0,1,2 | 0 d1 d2 d6 0 0 0 0 d3 d4 d5 C    |                   |
 * | 3     | 0 d1 d2 d3 0 0 0 0 0 d4 d5 C     | d3 is 3–9         |
 * | 4     | 0 d1 d2 d3 d4 0 0 0 0 0 d5 C     | d4 is 1–9         |
 * | 5–9   | 0 d1 d2 d3 d4 d5 0 0 0 0 d6 C    | d5 is 1–9         |
 *
 * The "allowed only when" column is what makes the suppression unambiguous: any other 6 digits
 * are the suppressed form of a different GTIN-12 and are refused. GS1 defines UPC-E for GTIN-12
 * beginning with 0 only; scanners and label software that accept a leading 1 ("UPC-E1") follow
 * an old U.P.C. practice that is not part of the GS1 system, so it is refused too.
 */
export function expandUpcE(input: string): ({ ok: true } & Gtin) | Failure {
  const digits = input.trim();
  const bad = (why: string) =>
    fail({ code: 'bad-upc-e', value: digits, message: `${digits} is not a valid UPC-E: ${why}. Scan the code again, or type the 12-digit UPC-A printed under it.` });
  if (!/^\d{8}$/.test(digits)) return bad('a UPC-E is 8 digits (number system 0, six digits, check digit)');
  if (digits[0] !== '0') return bad(`it starts with ${digits[0]}; GS1 defines UPC-E only for number system 0 (General Specifications §5.2.2.4.2)`);
  const d = digits.slice(1, 7);
  const last = Number(d[5]);
  let body: string;
  if (last <= 2) body = `0${d.slice(0, 2)}${d[5]}0000${d.slice(2, 5)}`;
  else if (last === 3) {
    if (Number(d[2]) < 3) return bad(`with last digit 3 the third digit must be 3–9 (got ${d[2]}); this would be the UPC-E of another number`);
    body = `0${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  } else if (last === 4) {
    if (d[3] === '0') return bad('with last digit 4 the fourth digit must not be 0; this would be the UPC-E of another number');
    body = `0${d.slice(0, 4)}00000${d[4]}`;
  } else {
    if (d[4] === '0') return bad(`with last digit ${last} the fifth digit must not be 0; this would be the UPC-E of another number`);
    body = `0${d.slice(0, 5)}0000${d[5]}`;
  }
  const expected = gs1CheckDigit(body);
  const got = Number(digits[7]);
  if (expected !== got) {
    return fail({
      code: 'bad-check-digit',
      value: digits,
      message: `UPC-E ${digits} (GTIN-12 ${body}${got}) has a wrong check digit (last digit ${got}, expected ${expected}): the barcode is damaged or the number was mistyped. Scan again or type it from the label.`,
    });
  }
  return { ok: true, gtin14: `00${body}${expected}`, kind: 'GTIN-12' };
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
  const g = parsed.gtin14;
  const digits = g.charCodeAt(1) === 48 && g.charCodeAt(2) === 51 ? g.slice(3, 13) : null; // "03" after the indicator
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
