/**
 * The GS1 Barcode Syntax Dictionary's component linters: the content rules the Dictionary names
 * beside a component's length and character set ("N3,iso3166", "N4,hhmi"). Written from the
 * rules of GS1's reference linters (gs1/gs1-syntax-dictionary, src/lint_*.c), not from their code.
 * Length, character set, check digit and the dates of single-date AIs are checked before these
 * run (gs1-element.ts); a linter sees one component as it was read.
 */
import { AIDC_MEDIA_TYPES, ISO_3166_ALPHA2, ISO_3166_NUMERIC, ISO_4217_NUMERIC, PACKAGE_TYPES } from './gs1-code-lists';
import { couponCodeProblem, couponPositiveOfferProblem } from './gs1-coupon';
import { parseGs1Date } from './gs1-date';

/** The Dictionary's linter names, as the AI table writes them after a component ("N3,iso3166"). */
const LINT_NAMES = [
  'key', 'iso3166', 'iso3166999', 'iso3166alpha2', 'iso4217', 'yesno', 'hh', 'mi', 'ss', 'hhmi', 'yymmdd', 'yymmd0', 'latitude', 'longitude',
  'nonzero', 'winding', 'hyphen', 'pcenc', 'mediatype', 'packagetype', 'importeridx', 'iban', 'couponcode', 'couponposoffer',
] as const;

export type Gs1Lint = (typeof LINT_NAMES)[number];

export const GS1_LINTS: ReadonlySet<string> = new Set<string>(LINT_NAMES);

/** The linters of dates and times: what they refuse is a bad date (issue code bad-date). */
export const DATE_LINTS: ReadonlySet<Gs1Lint> = new Set<Gs1Lint>(['yymmdd', 'yymmd0', 'hhmi', 'hh', 'mi', 'ss']);

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
