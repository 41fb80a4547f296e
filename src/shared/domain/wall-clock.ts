import { zoneOffsetMinutes } from './zone-offset';

/**
 * "2026-11-26 04:15:00": an ISO instant as the wall clock of the facility's time zone reads it,
 * 24 h. Screens and messages use the facility's zone, not the computer's nor UTC, so a lockout
 * or a count reads the same at the counter as in the DEA records. An unknown zone falls back to
 * UTC rather than throwing: a time shown in UTC beats a blank screen.
 */
export function wallClockText(iso: string, timeZone: string, withSeconds = true): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  let off = 0;
  try {
    off = zoneOffsetMinutes(ms, timeZone);
  } catch {
    off = 0;
  }
  const wall = new Date(ms + off * 60_000).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, withSeconds ? 19 : 16)}`;
}

/** The wall clock followed by the zone's name, for a message read once (a lockout, a notice). */
export function wallClockWithZone(iso: string, timeZone: string): string {
  return `${wallClockText(iso, timeZone, false)} (${timeZone})`;
}
