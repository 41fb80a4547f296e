import { parseSchedule, type Schedule } from '../domain/schedule';
import { ndcKey, parseNdc } from '../identifiers';
import type { ScheduleStatus } from './types';

export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: string };

const MONTHS: Record<string, number> = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };

function isoDate(y: number, m: number, d: number, raw: string): FieldResult<string> {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12) return { ok: false, error: `"${raw}" is not a date: month ${m} does not exist` };
  if (d < 1 || d > days) return { ok: false, error: `"${raw}" is not a date: ${y}-${String(m).padStart(2, '0')} has no day ${d}` };
  return { ok: true, value: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

export interface DateOptions {
  /** For two-digit years: a year more than 10 years after this one is read as 19YY. */
  now?: Date;
}

/**
 * Marketing dates as FDA and openFDA write them: `yyyymmdd` (FDA text files, openFDA JSON),
 * `DD-MON-YY` (openFDA for some unfinished listings, e.g. `30-JUL-15`), and `YYYY-MM-DD`.
 * Blank is null. Impossible dates are refused, never rolled over.
 */
export function parseCatalogDate(input: string | null | undefined, opts: DateOptions = {}): FieldResult<string | null> {
  const raw = (input ?? '').trim();
  if (raw === '') return { ok: true, value: null };
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]), raw);
  m = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})$/.exec(raw);
  if (m) {
    const month = MONTHS[m[2]!.toUpperCase()];
    if (!month) return { ok: false, error: `"${raw}" is not a date: "${m[2]}" is not a month` };
    let year = Number(m[3]);
    if (m[3]!.length === 2) {
      const thisYear = (opts.now ?? new Date()).getUTCFullYear();
      year += 2000;
      if (year > thisYear + 10) year -= 100;
    }
    return isoDate(year, month, Number(m[1]), raw);
  }
  return { ok: false, error: `"${raw}" is not a date in a form FDA uses (yyyymmdd or DD-MON-YY)` };
}

/** FDA Y/N, openFDA true/false. Blank is null (not stated). */
export function parseFlag(input: string | boolean | null | undefined): FieldResult<boolean | null> {
  if (typeof input === 'boolean') return { ok: true, value: input };
  const raw = (input ?? '').trim().toUpperCase();
  if (raw === '') return { ok: true, value: null };
  if (raw === 'Y' || raw === 'YES' || raw === 'TRUE') return { ok: true, value: true };
  if (raw === 'N' || raw === 'NO' || raw === 'FALSE') return { ok: true, value: false };
  return { ok: false, error: `"${String(input).trim()}" is not Y/N or true/false` };
}

/** Trimmed text, or null when blank. Runs of spaces inside are kept as published except at the ends. */
export function text(input: string | null | undefined): string | null {
  const t = (input ?? '').trim();
  return t === '' ? null : t;
}

/** "A; B;   C" → ["A", "B", "C"]: FDA separates routes and ingredients by ";" with irregular spaces. */
export function splitList(input: string | null | undefined): string[] {
  return (input ?? '')
    .split(';')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter((s) => s !== '');
}

export interface ScheduleReading {
  schedule: Schedule | null;
  status: ScheduleStatus;
  raw: string | null;
  /** Set when the value is not a DEA schedule: the row is imported with the schedule unknown. */
  problem: string | null;
}

/**
 * DEA schedule as FDA publishes it: CII, CIII, CIIIN, CIV, CV, or blank for a drug that is not
 * controlled. Anything else (the corpus has `DEA`) is not guessed: the schedule is unknown.
 * `undefined` input means the file has no schedule field at all, which is also unknown.
 */
export function readSchedule(input: string | null | undefined): ScheduleReading {
  if (input === undefined || input === null) {
    return { schedule: null, status: 'unknown', raw: null, problem: null };
  }
  const raw = input.trim();
  const parsed = parseSchedule(raw);
  if (parsed === undefined || (raw !== '' && parsed === null)) {
    const what = /^C?I$/i.test(raw)
      ? `"${raw}" is schedule I, which a pharmacy cannot stock`
      : `"${raw}" is not a DEA schedule (CII, CIII, CIIIN, CIV, CV or blank)`;
    return { schedule: null, status: 'unknown', raw, problem: `${what}; imported with the schedule unknown` };
  }
  return { schedule: parsed, status: parsed === null ? 'not-controlled' : 'controlled', raw, problem: null };
}

/**
 * A labeler-product code ("0002-0800", "65162-047", "0904-6966") padded to 5-4 (6-4 when the
 * labeler has 6 digits that do not start with 0).
 */
export function parseProductNdc(input: string | null | undefined): FieldResult<string> {
  const raw = (input ?? '').trim();
  const m = /^(\d{4,6})-(\d{3,4})$/.exec(raw);
  if (!m || m[1]!.length + m[2]!.length < 8 || m[1]!.length + m[2]!.length > 10) {
    return { ok: false, error: `"${raw}" is not a product NDC (labeler-product, e.g. 0002-0800 or 65162-047)` };
  }
  let labeler = m[1]!.padStart(6, '0');
  if (labeler.startsWith('0')) labeler = labeler.slice(1);
  return { ok: true, value: `${labeler}-${m[2]!.padStart(4, '0')}` };
}

export interface PackageNdcReading {
  ndc11: string;
  printed: string;
  /** Labeler-product of the package code, padded like `parseProductNdc`. */
  productNdc: string;
}

/** A package NDC as printed ("0002-0800-01", "50090-1778-0"); only hyphenated forms, never guessed. */
export function parsePackageNdc(input: string | null | undefined): FieldResult<PackageNdcReading> {
  const raw = (input ?? '').trim();
  if (raw === '') return { ok: false, error: 'the package NDC is blank' };
  if (!/^\d+-\d+-\d+$/.test(raw)) {
    return { ok: false, error: `"${raw}" is not a package NDC with hyphens (4-4-2, 5-3-2, 5-4-1, or 5-4-2)` };
  }
  const r = parseNdc(raw);
  if (!r.ok) return { ok: false, error: r.error };
  const key = ndcKey(r);
  const productNdc = key.slice(0, key.lastIndexOf('-'));
  return { ok: true, value: { ndc11: key, printed: raw, productNdc } };
}
