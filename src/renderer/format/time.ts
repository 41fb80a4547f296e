import { wallClockText } from '../../shared/domain/wall-clock';

/**
 * The facility's zone, from app.info. Until it is known, the computer's own: at a pharmacy
 * counter the two are the same nearly always, and a time must never wait for a round trip.
 */
let displayZone: string | null = null;

export function setDisplayTimeZone(zone: string | null): void {
  displayZone = zone;
}

export function displayTimeZone(): string {
  return displayZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/**
 * Wall-clock time in the facility's zone, 24 h, with the date: the form a DEA record is read
 * in at the counter, the same as the reports print whatever zone this computer is set to.
 */
export function formatLocalDateTime(iso: string, zone: string = displayTimeZone()): string {
  return wallClockText(iso, zone);
}

export function formatSignedDelta(delta: number): string {
  if (delta > 0) return `+${delta.toLocaleString('en-US')}`;
  if (delta < 0) return `\u2212${Math.abs(delta).toLocaleString('en-US')}`;
  return '0';
}
