/**
 * The GS1 Barcode Syntax Dictionary's component linters: the content rules the Dictionary names
 * beside a component's length and character set ("N3,iso3166", "N4,hhmi"). Written from the
 * rules of GS1's reference linters (gs1/gs1-syntax-dictionary, src/lint_*.c), not from their code.
 * Length, character set, check digit and the dates of single-date AIs are checked before these
 * run (gs1-element.ts); a linter sees one component as it was read.
 */
import { AIDC_MEDIA_TYPES, ISO_3166_ALPHA2, ISO_3166_NUMERIC, ISO_4217_NUMERIC, PACKAGE_TYPES } from './gs1-code-lists';
import { parseGs1Date } from './gs1-date';

export type Gs1Lint =
  | 'key'
  | 'iso3166'
  | 'iso3166999'
  | 'iso3166alpha2'
  | 'iso4217'
  | 'yesno'
  | 'hh'
  | 'mi'
  | 'ss'
  | 'hhmi'
  | 'yymmdd'
  | 'yymmd0'
  | 'latitude'
  | 'longitude'
  | 'nonzero'
  | 'winding'
  | 'hyphen'
  | 'pcenc'
  | 'mediatype'
  | 'packagetype'
  | 'importeridx'
  | 'iban'
  | 'couponcode'
  | 'couponposoffer';

export const GS1_LINTS: ReadonlySet<string> = new Set<Gs1Lint>([
  'key', 'iso3166', 'iso3166999', 'iso3166alpha2', 'iso4217', 'yesno', 'hh', 'mi', 'ss', 'hhmi', 'yymmdd', 'yymmd0', 'latitude', 'longitude',
  'nonzero', 'winding', 'hyphen', 'pcenc', 'mediatype', 'packagetype', 'importeridx', 'iban', 'couponcode', 'couponposoffer',
]);

/** What is wrong with `part`, as a predicate ("is not an ISO 3166 …"), or null. */
export function lintComponent(lint: Gs1Lint, part: string, now: Date): string | null {
  switch (lint) {
    case 'key':
      // The component starts with a GS1 Company Prefix, which is at least 4 digits.
      return /^\d{4}/.test(part) ? null : 'does not start with a GS1 Company Prefix (at least 4 digits)';
    case 'iso3166':
      return ISO_3166_NUMERIC.has(part) ? null : 'is not an ISO 3166 numeric country code';
    case 'iso3166999':
      return part === '999' || ISO_3166_NUMERIC.has(part) ? null : 'is not an ISO 3166 numeric country code or 999';
    case 'iso3166alpha2':
      return ISO_3166_ALPHA2.has(part) ? null : 'is not an ISO 3166 two-letter country code';
    case 'iso4217':
      return ISO_4217_NUMERIC.has(part) ? null : 'is not an ISO 4217 numeric currency code';
    case 'yesno':
      return part === '0' || part === '1' ? null : 'is not 0 (no) or 1 (yes)';
    case 'hh':
      return inRange(part, 2, 23) ? null : 'is not an hour (00–23)';
    case 'mi':
      return inRange(part, 2, 59) ? null : 'is not a minute (00–59)';
    case 'ss':
      return inRange(part, 2, 59) ? null : 'is not a second (00–59)';
    case 'hhmi':
      return part.length === 4 && inRange(part.slice(0, 2), 2, 23) && inRange(part.slice(2), 2, 59) ? null : 'is not a time of day (HHMM, 0000–2359)';
    case 'yymmdd':
    case 'yymmd0': {
      const parsed = parseGs1Date(part, lint, now);
      return parsed.ok ? null : `is not a real date (${parsed.reason})`;
    }
    case 'latitude':
      // WGS84 latitude + 90, in ten-millionths of a degree: 0 is 90° south, 1800000000 90° north.
      return /^\d{10}$/.test(part) && Number(part) <= 1_800_000_000 ? null : 'is not a latitude (0000000000–1800000000)';
    case 'longitude':
      return /^\d{10}$/.test(part) && Number(part) <= 3_600_000_000 ? null : 'is not a longitude (0000000000–3600000000)';
    case 'nonzero':
      return /^\d*[1-9]\d*$/.test(part) ? null : 'is zero, where the value must be above zero';
    case 'winding':
      return part === '0' || part === '1' || part === '9' ? null : 'is not a winding direction (0 face out, 1 face in, 9 undefined)';
    case 'hyphen':
      return /^-+$/.test(part) ? null : 'is not "-" (a minus sign is the only character allowed there)';
    case 'pcenc':
      return /%(?![0-9A-Fa-f]{2})/.test(part) ? 'has a "%" not followed by two hexadecimal digits' : null;
    case 'mediatype':
      return AIDC_MEDIA_TYPES.has(part) ? null : 'is not an AIDC media type (01–10 or 80–99)';
    case 'packagetype':
      return PACKAGE_TYPES.has(part) ? null : 'is not a package type code (UN/ECE Recommendation 21)';
    case 'importeridx':
      return /^[-0-9A-Z_a-z]$/.test(part) ? null : 'is not an importer index (one letter, digit, "-" or "_")';
    case 'iban':
      return ibanProblem(part);
    case 'couponcode':
      return couponCodeProblem(part, now);
    case 'couponposoffer':
      return couponPositiveOfferProblem(part);
  }
}

function inRange(part: string, digits: number, max: number): boolean {
  return part.length === digits && /^\d+$/.test(part) && Number(part) <= max;
}

/** ISO 13616: a country code, two check digits and the account, 11 to 34 characters, mod 97 = 1. */
function ibanProblem(iban: string): string | null {
  if (iban.length < 11) return 'is too short for an IBAN (at least 11 characters)';
  if (!ISO_3166_ALPHA2.has(iban.slice(0, 2))) return 'is not an IBAN: it does not start with an ISO 3166 two-letter country code';
  if (!/^[0-9A-Z]+$/.test(iban)) return 'is not an IBAN: only digits and capital letters are allowed';
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const n = ch.charCodeAt(0) <= 57 ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55;
    rest = (rest * (n > 9 ? 100 : 10) + n) % 97;
  }
  return rest === 1 ? null : 'is an IBAN with wrong check digits (ISO 13616, mod 97)';
}

/** Reads the fixed and variable-length fields of a North American coupon, digit by digit. */
class CouponReader {
  at = 0;
  constructor(readonly text: string) {}
  get left(): number {
    return this.text.length - this.at;
  }
  /** One digit, which must be one of `allowed`; a problem string otherwise. */
  digit(field: string, allowed: string): number | string {
    if (this.left < 1) return `no ${field}`;
    const d = this.text[this.at]!;
    if (!allowed.includes(d)) return `an invalid ${field} ${d}`;
    this.at++;
    return Number(d);
  }
  /** A field of `n` digits; null when the data ends first. */
  field(n: number): string | null {
    if (this.left < n) return null;
    const s = this.text.slice(this.at, this.at + n);
    this.at += n;
    return s;
  }
}

/**
 * A purchase requirement: its length digit (1–5), the requirement, its code (0–4 or 9) and its
 * three-digit family code. Shared by the first, second and third purchases of AI 8110.
 */
function purchaseProblem(r: CouponReader, which: string): string | null {
  const vli = r.digit(`${which} purchase requirement length`, '12345');
  if (typeof vli === 'string') return vli;
  if (r.field(vli) === null) return `a ${which} purchase requirement cut short`;
  const code = r.digit(`${which} purchase requirement code`, '012349');
  if (typeof code === 'string') return code;
  if (r.field(3) === null) return `a ${which} purchase family code cut short`;
  return null;
}

/** A GS1 Company Prefix of 6 + length-digit digits (0–6), or, where `noneAllowed`, 9 for none. */
function prefixProblem(r: CouponReader, which: string, noneAllowed: boolean): string | null {
  const vli = r.digit(`${which} company prefix length`, noneAllowed ? '01234569' : '0123456');
  if (typeof vli === 'string') return vli;
  if (vli === 9) return null;
  return r.field(vli + 6) === null ? `a ${which} company prefix cut short` : null;
}

/**
 * AI 8110, the North American coupon code (GS1 US Coupon Application Guideline): company
 * prefix, offer code, save value and first purchase, then optional fields each introduced by
 * its indicator (1, 2, 3, 4, 5, 6, 9), each at most once and in that order.
 */
function couponCodeProblem(text: string, now: Date): string | null {
  if (!/^\d*$/.test(text)) return 'is a coupon code with a character other than a digit';
  const r = new CouponReader(text);
  const problem = (p: string) => `is a coupon code with ${p}`;
  let p = prefixProblem(r, 'primary', false);
  if (p) return problem(p);
  if (r.field(6) === null) return problem('an offer code cut short');
  const save = r.digit('save value length', '12345');
  if (typeof save === 'string') return problem(save);
  if (r.field(save) === null) return problem('a save value cut short');
  p = purchaseProblem(r, 'first');
  if (p) return problem(p);
  let expiry: string | null = null;
  let last = 0;
  while (r.left > 0) {
    const indicator = Number(text[r.at]);
    if (![1, 2, 3, 4, 5, 6, 9].includes(indicator) || indicator <= last) return problem(`data after its last field (indicator ${indicator} repeated, out of order or unknown)`);
    r.at++;
    last = indicator;
    if (indicator === 1) {
      const rules = r.digit('additional purchase rules code', '0123');
      if (typeof rules === 'string') return problem(rules);
      p = purchaseProblem(r, 'second') ?? prefixProblem(r, 'second purchase', true);
    } else if (indicator === 2) {
      p = purchaseProblem(r, 'third') ?? prefixProblem(r, 'third purchase', true);
    } else if (indicator === 3 || indicator === 4) {
      const which = indicator === 3 ? 'an expiry date' : 'a start date';
      const date = r.field(6);
      if (date === null) return problem(`${which} cut short`);
      if (!parseGs1Date(date, 'yymmdd', now).ok) return problem(`${which} ${date} that is not a real date`);
      // As GS1's reference linter compares them: the six digits as they stand.
      if (indicator === 4 && expiry !== null && date > expiry) return problem(`a start date ${date} after its expiry date ${expiry}`);
      if (indicator === 3) expiry = date;
    } else if (indicator === 5) {
      const vli = r.digit('serial number length', '0123456789');
      if (typeof vli === 'string') return problem(vli);
      if (r.field(vli + 6) === null) p = 'a serial number cut short';
    } else if (indicator === 6) {
      const vli = r.digit('retailer company prefix or GLN length', '1234567');
      if (typeof vli === 'string') return problem(vli);
      if (r.field(vli + 6) === null) p = 'a retailer company prefix or GLN cut short';
    } else {
      for (const [field, allowed] of [['save value code', '01256'], ['save value applies-to-item', '012'], ['store coupon flag', '0123456789'], ["don't-multiply flag", '01']] as const) {
        const d = r.digit(field, allowed);
        if (typeof d === 'string') return problem(d);
      }
    }
    if (p) return problem(p);
  }
  return null;
}

/**
 * AI 8112, the paperless coupon's positive offer file: format code (0 or 1), funder company
 * prefix (6 + length digit), offer code (6), serial number (6 + length digit), nothing after.
 */
function couponPositiveOfferProblem(text: string): string | null {
  if (!/^\d*$/.test(text)) return 'is a coupon code with a character other than a digit';
  const r = new CouponReader(text);
  const problem = (p: string) => `is a positive offer coupon code with ${p}`;
  const format = r.digit('format code', '01');
  if (typeof format === 'string') return problem(format);
  const funder = r.digit('funder id length', '0123456');
  if (typeof funder === 'string') return problem(funder);
  if (r.field(funder + 6) === null) return problem('a funder id cut short');
  if (r.field(6) === null) return problem('an offer code cut short');
  const serial = r.digit('serial number length', '0123456789');
  if (typeof serial === 'string') return problem(serial);
  if (r.field(serial + 6) === null) return problem('a serial number cut short');
  return r.left > 0 ? problem('data after its serial number') : null;
}
