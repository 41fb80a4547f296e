import type { Gs1DateFormat } from './gs1-ai-table';

/**
 * GS1 General Specifications §7.12: a two-digit year lies in the window from 49 years before to
 * 50 years after the current year. Pinned to `now` (UTC) so tests and replays are repeatable.
 */
export function resolveGs1Year(yy: number, now: Date = new Date()): number {
  const current = now.getUTCFullYear();
  const century = current - (current % 100);
  const diff = yy - (current % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC keeps the local zone out of it.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export type Gs1DateResult = { ok: true; iso: string } | { ok: false; reason: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A GS1 date as ISO text ("2027-02-28", or "2027-02-28T14:30" for AI 7003). Text, not a Date:
 * an expiry is a calendar day, and a Date would shift it for anyone east or west of UTC.
 */
export function parseGs1Date(value: string, format: Gs1DateFormat, now: Date = new Date()): Gs1DateResult {
  const length = format === 'yymmddhhmm' ? 10 : 6;
  if (value.length !== length || !/^\d+$/.test(value)) {
    return { ok: false, reason: `a date here is ${length} digits (${format === 'yymmddhhmm' ? 'YYMMDDhhmm' : 'YYMMDD'})` };
  }
  const year = resolveGs1Year(Number(value.slice(0, 2)), now);
  const month = Number(value.slice(2, 4));
  let day = Number(value.slice(4, 6));
  if (month < 1 || month > 12) return { ok: false, reason: `month ${value.slice(2, 4)} does not exist` };
  const last = daysInMonth(year, month);
  if (day === 0) {
    if (format !== 'yymmd0') return { ok: false, reason: 'day 00 is not allowed in this date' };
    day = last;
  } else if (day > last) {
    return { ok: false, reason: `${year}-${pad(month)} has no day ${pad(day)}` };
  }
  let iso = `${year}-${pad(month)}-${pad(day)}`;
  if (format === 'yymmddhhmm') {
    const hh = Number(value.slice(6, 8));
    const mm = Number(value.slice(8, 10));
    if (hh > 23 || mm > 59) return { ok: false, reason: `time ${value.slice(6, 8)}:${value.slice(8, 10)} does not exist` };
    iso += `T${pad(hh)}:${pad(mm)}`;
  }
  return { ok: true, iso };
}
