import type { Sql } from '../db/pg-adapter';
import { activeHolds, deviceList } from '../routes/admin';
import { effectiveThresholds, over, type Over, type Thresholds } from './thresholds';

interface HealthRow {
  device_id: string;
  outbox_depth: number;
  quarantine_open: number;
  suspect_open: number | null;
  pos_p99_ms: number | null;
  age_seconds: number;
}

/**
 * Facilities with their workstations as the console shows them: sync state, retirement, the
 * health each last pushed (quarantine and DSCSA suspect counts among it), and what is over an
 * alert threshold — per device, and per facility for holds open too long and the totals.
 * Also read by /metrics, so the page and the alerts agree.
 */
export async function facilityStatus(db: Sql, now = Date.now()) {
  const [devices, facilities, healthRows, holds, thresholdsOf] = await Promise.all([
    deviceList(db),
    db.query<{ facility_id: string; name: string }>('SELECT facility_id, name FROM facilities ORDER BY facility_id'),
    db.query<HealthRow>(
      `SELECT device_id, outbox_depth, quarantine_open, suspect_open, pos_p99_ms, EXTRACT(EPOCH FROM now() - reported_at)::double precision AS age_seconds FROM device_health`,
    ),
    activeHolds(db, 'oldest'),
    effectiveThresholds(db),
  ]);
  const health = new Map(
    healthRows.rows.map((h) => [
      h.device_id,
      {
        outbox_depth: Number(h.outbox_depth),
        quarantine_open: Number(h.quarantine_open),
        suspect_open: h.suspect_open === null ? null : Number(h.suspect_open),
        pos_p99_ms: h.pos_p99_ms === null ? null : Number(h.pos_p99_ms),
        age_seconds: Math.round(Number(h.age_seconds)),
      },
    ]),
  );
  return facilities.rows.map((f) => {
    const thresholds: Thresholds = thresholdsOf(f.facility_id);
    const list = devices
      .filter((d) => d.facility_id === f.facility_id)
      .map((d) => {
        const h = health.get(d.device_id) ?? null;
        // A retired device is done: nothing of it is waited for, so nothing of it alerts.
        const sincePush = d.seconds_since_push ?? Math.max(0, Math.round((now - Date.parse(d.enrolled_at ?? new Date(now).toISOString())) / 1000));
        const alerts: Over[] = d.retired_at
          ? []
          : over(thresholds, {
              entries_behind: d.entries_behind,
              hours_since_push: Math.round((Number(sincePush) / 3600) * 10) / 10,
              quarantine_open: h?.quarantine_open ?? null,
              suspect_open: h?.suspect_open ?? null,
            });
        return { ...d, health: h, alerts };
      });
    const live = list.filter((d) => !d.retired_at);
    const sum = (k: 'quarantine_open' | 'suspect_open') => (live.some((d) => d.health?.[k] !== null && d.health?.[k] !== undefined) ? live.reduce((n, d) => n + (d.health?.[k] ?? 0), 0) : null);
    const ages = holds.filter((x) => x.facility_id === f.facility_id).map((x) => (now - Date.parse(x.event_time)) / 3_600_000);
    const oldestHoldHours = ages.length ? Math.round(Math.max(...ages) * 10) / 10 : null;
    const holdLimit = thresholds.hold_open_hours;
    const holdsOver = holdLimit === null ? 0 : ages.filter((a) => a > holdLimit).length;
    return {
      ...f,
      thresholds,
      quarantine_open: sum('quarantine_open'),
      suspect_open: sum('suspect_open'),
      holds_open: ages.length,
      oldest_hold_hours: oldestHoldHours,
      holds_over_threshold: holdsOver,
      alerts: [...(holdLimit !== null && oldestHoldHours !== null && holdsOver > 0 ? [{ kind: 'hold_open_hours' as const, value: oldestHoldHours, threshold: holdLimit }] : [])],
      devices: list,
    };
  });
}
