import type { Workstation } from '../workstation';

export interface AlertThresholds {
  /** Share of ingested events that went to quarantine over the window, 0..1. */
  maxFailureRate: number;
  /** Open quarantine items. */
  maxQuarantineDepth: number;
  /** Ingest acknowledgment latency p95, milliseconds. */
  maxLatencyP95Ms: number;
  windowMinutes: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { maxFailureRate: 0.05, maxQuarantineDepth: 25, maxLatencyP95Ms: 50, windowMinutes: 15 };

const KEYS: Record<keyof AlertThresholds, string> = {
  maxFailureRate: 'alerts.max_failure_rate',
  maxQuarantineDepth: 'alerts.max_quarantine_depth',
  maxLatencyP95Ms: 'alerts.max_latency_p95_ms',
  windowMinutes: 'alerts.window_minutes',
};

export function readThresholds(ws: Pick<Workstation, 'setting'>): AlertThresholds {
  const out = { ...DEFAULT_THRESHOLDS };
  for (const k of Object.keys(KEYS) as (keyof AlertThresholds)[]) {
    const v = Number(ws.setting(KEYS[k]));
    if (ws.setting(KEYS[k]) !== null && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}

export function writeThresholds(ws: Pick<Workstation, 'setSetting'>, t: Partial<AlertThresholds>): void {
  for (const k of Object.keys(KEYS) as (keyof AlertThresholds)[]) {
    const v = t[k];
    if (v !== undefined) ws.setSetting(KEYS[k], String(v));
  }
}

export interface AlertMetric {
  metric: 'validation_failure_rate' | 'quarantine_depth' | 'ingest_latency_p95_ms';
  value: number | null;
  threshold: number;
  firing: boolean;
  detail: string;
}

export interface AlertsReport {
  at: string;
  windowMinutes: number;
  thresholds: AlertThresholds;
  metrics: AlertMetric[];
  counts: { committed: number; quarantined: number; latencySamples: number };
}

/**
 * The three ingestion alerts. Failure rate and quarantine depth come from the database (every
 * process's ingestion counts: CLI files, POS, UI); latency p95 from this process's samples
 * (the workstation host, where POS and UI events are acknowledged).
 */
export function computeAlerts(ws: Workstation): AlertsReport {
  const t = readThresholds(ws);
  const now = ws.clock.now();
  const windowMs = t.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs).toISOString();
  const quarantined = (ws.db.prepare('SELECT COUNT(*) AS n FROM quarantine WHERE received_at >= ?').get(since) as { n: number }).n;
  const committed = (ws.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries WHERE device_id = ? AND recorded_at >= ?').get(ws.deviceId, since) as { n: number }).n;
  const depth = ws.quarantine.openCount();
  const m = ws.metrics;
  const samples = m.window(windowMs).length;
  const p95 = m.percentile(95, windowMs);
  const total = committed + quarantined;
  const rate = total ? quarantined / total : null;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    at: now.toISOString(),
    windowMinutes: t.windowMinutes,
    thresholds: t,
    counts: { committed, quarantined, latencySamples: samples },
    metrics: [
      {
        metric: 'validation_failure_rate',
        value: rate,
        threshold: t.maxFailureRate,
        firing: rate !== null && rate > t.maxFailureRate,
        detail: total ? `${quarantined} of ${total} events quarantined in the last ${t.windowMinutes} min (${pct(rate!)}; limit ${pct(t.maxFailureRate)})` : `no events in the last ${t.windowMinutes} min`,
      },
      {
        metric: 'quarantine_depth',
        value: depth,
        threshold: t.maxQuarantineDepth,
        firing: depth > t.maxQuarantineDepth,
        detail: `${depth} item${depth === 1 ? '' : 's'} waiting for a decision (limit ${t.maxQuarantineDepth})`,
      },
      {
        metric: 'ingest_latency_p95_ms',
        value: p95 === null ? null : Math.round(p95 * 100) / 100,
        threshold: t.maxLatencyP95Ms,
        firing: p95 !== null && p95 > t.maxLatencyP95Ms,
        detail: p95 === null ? 'no acknowledgments measured in this process yet' : `p95 of ${samples} acknowledgments: ${p95.toFixed(1)} ms (limit ${t.maxLatencyP95Ms} ms)`,
      },
    ],
  };
}
