function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local wall-clock time, 24 h, with the date: the form a DEA record is read in at the counter. */
export function formatLocalDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatSignedDelta(delta: number): string {
  if (delta > 0) return `+${delta.toLocaleString('en-US')}`;
  if (delta < 0) return `\u2212${Math.abs(delta).toLocaleString('en-US')}`;
  return '0';
}
