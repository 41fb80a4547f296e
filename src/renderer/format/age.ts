/** "40 s", "3 min", "2 h 5 min", "3 days": short enough for a status bar, exact enough to act on. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

/** Ages are measured against the server's clock (status.now), so a wrong PC clock cannot hide a stale outbox. */
export function ageBetween(fromIso: string | null, nowIso: string): number | null {
  if (!fromIso) return null;
  const from = Date.parse(fromIso);
  const now = Date.parse(nowIso);
  if (Number.isNaN(from) || Number.isNaN(now)) return null;
  return now - from;
}

export function formatOutbox(depth: number, oldestUnsentAt: string | null, nowIso: string): string {
  if (depth <= 0) return 'Outbox empty';
  const age = ageBetween(oldestUnsentAt, nowIso);
  const waiting = `${depth.toLocaleString('en-US')} waiting`;
  return age === null ? waiting : `${waiting}, oldest ${formatAge(age)}`;
}

export function formatLastSync(lastSyncAt: string | null, nowIso: string): string {
  if (!lastSyncAt) return 'Last sync: never';
  const age = ageBetween(lastSyncAt, nowIso);
  return age === null ? `Last sync: ${lastSyncAt}` : `Last sync: ${formatAge(age)} ago`;
}

/**
 * The idle-logoff notice. Minutes when the timeout is whole minutes (the normal 10), seconds
 * otherwise, so a short test timeout never reads "0 minutes".
 */
export function idleLogoffMessage(idleTimeoutSeconds: number | null): string {
  if (idleTimeoutSeconds === null || idleTimeoutSeconds <= 0) return 'Signed off after a period without activity';
  if (idleTimeoutSeconds % 60 === 0) {
    const n = idleTimeoutSeconds / 60;
    return `Signed off after ${n} ${n === 1 ? 'minute' : 'minutes'} without activity`;
  }
  return `Signed off after ${idleTimeoutSeconds} seconds without activity`;
}
