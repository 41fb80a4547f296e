import { zoneOffsetMinutes as intlOffset } from '../domain/zone-offset';
/**
 * Report periods are whole local days in the facility's time zone (setting `time_zone`, else
 * the computer's): `--from 2026-11-01 --to 2026-11-30` covers 2026-11-01 00:00:00.000 up to
 * 2026-11-30 23:59:59.999 local time, both ends included. Pure: Intl only.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

/**
 * Minutes to add to UTC to get local time in `timeZone` at this instant. Zone offsets change
 * only on quarter hours, so each quarter hour is asked of Intl once (a report prints a million
 * times; Intl is slow).
 */
export function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  // Most days have one offset all day: one look-up per day. A day with a change (DST) is
  // looked up per quarter hour.
  const day = Math.floor(utcMs / 86_400_000);
  const dayKey = `${timeZone}|d${day}`;
  let off = offsets.get(dayKey);
  if (off === undefined) {
    if (offsets.size > 200_000) offsets.clear();
    const a = intlOffset(day * 86_400_000, timeZone);
    const b = intlOffset((day + 1) * 86_400_000, timeZone);
    off = a === b ? a : Number.NaN;
    offsets.set(dayKey, off);
  }
  if (!Number.isNaN(off)) return off;
  const key = `${timeZone}|${Math.floor(utcMs / QUARTER_HOUR)}`;
  off = offsets.get(key);
  if (off === undefined) {
    off = intlOffset(Math.floor(utcMs / QUARTER_HOUR) * QUARTER_HOUR, timeZone);
    offsets.set(key, off);
  }
  return off;
}


/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localDayStart(date: string, timeZone: string): Date {
  const m = DATE.exec(date)!;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let utc = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  // Once more at the found instant: the offset may differ across a DST change.
  utc = wall - zoneOffsetMinutes(utc, timeZone) * 60_000;
  return new Date(utc);
}

/** The next local day (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const m = DATE.exec(date)!;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1)).toISOString().slice(0, 10);
}

/** The local calendar date of an instant. */
export function localDate(at: Date, timeZone: string): string {
  return new Date(at.getTime() + zoneOffsetMinutes(at.getTime(), timeZone) * 60_000).toISOString().slice(0, 10);
}

const hourText = new Map<string, string | null>();

/** "2026-11-05 09:03:12 UTC−05:00": a UTC ISO time as local wall time with its offset. */
export function localTimeText(isoUtc: string, timeZone: string): string {
  // Reports print this a million times: per UTC hour, the local "date hour" and zone are
  // worked out once; minutes and seconds carry over when the offset is whole hours.
  if (isoUtc.length >= 19 && isoUtc.endsWith('Z')) {
    const key = `${timeZone}|${isoUtc.slice(0, 13)}`;
    let head = hourText.get(key);
    if (head === undefined) {
      if (hourText.size > 100_000) hourText.clear();
      head = hourHead(isoUtc.slice(0, 13), timeZone);
      hourText.set(key, head);
    }
    if (head !== null) return `${head.slice(0, 13)}${isoUtc.slice(13, 19)}${head.slice(13)}`;
  }
  return slowLocalTimeText(isoUtc, timeZone);
}

function hourHead(hourIso: string, timeZone: string): string | null {
  const ms = Date.parse(`${hourIso}:00:00.000Z`);
  if (!Number.isFinite(ms)) return null;
  const off = zoneOffsetMinutes(ms, timeZone);
  if (off % 60 !== 0 || zoneOffsetMinutes(ms + 3_599_999, timeZone) !== off) return null;
  const wall = new Date(ms + off * 60_000).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 13)}${zoneText(off)}`;
}

function zoneText(off: number): string {
  const abs = Math.abs(off);
  return off === 0 ? ' UTC' : ` UTC${off < 0 ? '−' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function slowLocalTimeText(isoUtc: string, timeZone: string): string {
  const ms = Date.parse(isoUtc);
  if (!Number.isFinite(ms)) return isoUtc;
  const off = zoneOffsetMinutes(ms, timeZone);
  const wall = new Date(ms + off * 60_000).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 19)}${zoneText(off)}`;
}

export interface ResolvedPeriod {
  /** First local day included, or null: from the first entry. */
  fromDate: string | null;
  /** Last local day included. */
  toDate: string;
  /** ISO UTC bounds, inclusive; `fromUtc` null: no lower bound. */
  fromUtc: string | null;
  toUtc: string;
}

/**
 * Checks and resolves `--from`/`--to`. `to` defaults to today. A period that ends before it
 * starts is refused (it would be empty whatever the ledger holds).
 */
export function resolvePeriod(
  input: { from?: string | null | undefined; to?: string | null | undefined },
  timeZone: string,
  now: Date,
  defaultFrom: 'none' | 'to' = 'none',
): { ok: true; period: ResolvedPeriod } | { ok: false; message: string } {
  const from = input.from?.trim() || null;
  const to = input.to?.trim() || localDate(now, timeZone);
  for (const [flag, v] of [['from', from], ['to', to]] as const) {
    if (v !== null && !isRealDate(v)) return { ok: false, message: `--${flag} "${v}" is not a date: write it as YYYY-MM-DD (e.g. 2026-11-30)` };
  }
  const fromDate = from ?? (defaultFrom === 'to' ? to : null);
  if (fromDate !== null && fromDate > to) {
    return { ok: false, message: `the period is empty: --from ${fromDate} is after --to ${to}. Give a --from on or before --to.` };
  }
  const toEnd = new Date(localDayStart(nextDay(to), timeZone).getTime() - 1);
  return {
    ok: true,
    period: { fromDate, toDate: to, fromUtc: fromDate ? localDayStart(fromDate, timeZone).toISOString() : null, toUtc: toEnd.toISOString() },
  };
}
