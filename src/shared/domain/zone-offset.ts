/** Formatters are costly to build and reports ask for an offset per row: one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The offset of an IANA time zone from UTC at an instant, in minutes (America/New_York in
 * winter: −300), from Intl alone so shared code needs no time-zone library.
 */
export function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000);
}
