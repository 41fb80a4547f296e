import type { AlertsView } from '../../shared/ipc/ingest-channels';

type Metric = AlertsView['metrics'][number];
type Thresholds = AlertsView['thresholds'];

export const METRIC_LABELS: Record<Metric['metric'], string> = {
  validation_failure_rate: 'Validation failures',
  quarantine_depth: 'Quarantine depth',
  ingest_latency_p95_ms: 'Ingest latency p95',
};

export function formatValue(m: Pick<Metric, 'metric' | 'value'>): string {
  if (m.value === null) return '—';
  switch (m.metric) {
    case 'validation_failure_rate':
      return `${(m.value * 100).toFixed(1)}%`;
    case 'quarantine_depth':
      return String(m.value);
    default:
      return `${m.value.toFixed(1)} ms`;
  }
}

export function formatThreshold(m: Pick<Metric, 'metric' | 'threshold'>): string {
  return formatValue({ metric: m.metric, value: m.threshold });
}

export interface ThresholdForm {
  failurePercent: string;
  depth: string;
  latencyMs: string;
  windowMinutes: string;
}

export function formFrom(t: Thresholds): ThresholdForm {
  return {
    failurePercent: String(Math.round(t.maxFailureRate * 1000) / 10),
    depth: String(t.maxQuarantineDepth),
    latencyMs: String(t.maxLatencyP95Ms),
    windowMinutes: String(t.windowMinutes),
  };
}

/** The form's text fields to thresholds, or the first thing wrong with them. */
export function parseForm(f: ThresholdForm): { ok: true; value: Thresholds } | { ok: false; message: string } {
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  const pct = num(f.failurePercent);
  const depth = num(f.depth);
  const lat = num(f.latencyMs);
  const win = num(f.windowMinutes);
  if (!(pct >= 0 && pct <= 100)) return { ok: false, message: 'Failure rate: a percentage from 0 to 100.' };
  if (!(Number.isInteger(depth) && depth >= 0)) return { ok: false, message: 'Quarantine depth: a whole number, 0 or more.' };
  if (!(lat >= 0)) return { ok: false, message: 'Latency: milliseconds, 0 or more.' };
  if (!(Number.isInteger(win) && win >= 1 && win <= 1440)) return { ok: false, message: 'Window: whole minutes from 1 to 1440.' };
  return { ok: true, value: { maxFailureRate: pct / 100, maxQuarantineDepth: depth, maxLatencyP95Ms: lat, windowMinutes: win } };
}
