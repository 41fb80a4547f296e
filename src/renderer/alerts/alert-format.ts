import type { AlertsView } from '../../shared/ipc/ingest-channels';

type Metric = AlertsView['metrics'][number];
type Thresholds = AlertsView['thresholds'];

export const METRIC_LABELS: Record<Metric['metric'], string> = {
  expiring_lots: 'Lots about to expire',
  holds_open_long: 'Holds left open',
  receiving_open_long: 'Deliveries left open',
  quarantine_growing: 'Quarantine growing',
  outbox_not_draining: 'Not reaching the central server',
  validation_failure_rate: 'Validation failures',
  quarantine_depth: 'Quarantine depth',
  ingest_latency_p95_ms: 'Ingest latency p95',
};

/** The pharmacy's alerts; the rest are for whoever looks after the system. */
export const PHARMACY_METRICS: ReadonlySet<Metric['metric']> = new Set(['expiring_lots', 'holds_open_long', 'receiving_open_long', 'quarantine_growing', 'outbox_not_draining']);

export function formatValue(m: Pick<Metric, 'metric' | 'value'>): string {
  if (m.value === null) return '—';
  switch (m.metric) {
    case 'validation_failure_rate':
      return `${(m.value * 100).toFixed(1)}%`;
    case 'ingest_latency_p95_ms':
      return `${m.value.toFixed(1)} ms`;
    case 'outbox_not_draining':
      return `${m.value} min`;
    default:
      return String(m.value);
  }
}

/** The threshold in the words of its alert ("within 30 days", "over 24 h"). */
export function formatThreshold(m: Pick<Metric, 'metric' | 'threshold'>): string {
  switch (m.metric) {
    case 'expiring_lots':
      return `within ${m.threshold} days`;
    case 'holds_open_long':
    case 'receiving_open_long':
      return `over ${m.threshold} h`;
    case 'quarantine_growing':
      return `over ${m.threshold} a day, or any suspect`;
    case 'outbox_not_draining':
      return `over ${m.threshold} min`;
    default:
      return formatValue({ metric: m.metric, value: m.threshold });
  }
}

export type ThresholdKey = keyof Thresholds;
export type ThresholdForm = Record<ThresholdKey, string>;

interface FieldSpec {
  key: ThresholdKey;
  label: string;
  /** percent: typed 0–100, kept 0–1. */
  kind: 'int' | 'decimal' | 'percent';
  min: number;
  max: number;
  unit: string;
}

/** The thresholds form, pharmacy alerts first. */
export const THRESHOLD_FIELDS: readonly FieldSpec[] = [
  { key: 'expiringDays', label: 'Expiring within', kind: 'int', min: 0, max: 3650, unit: 'days' },
  { key: 'holdMaxHours', label: 'Hold open longer than', kind: 'int', min: 0, max: 2160, unit: 'hours' },
  { key: 'receivingMaxHours', label: 'Delivery open longer than', kind: 'int', min: 0, max: 720, unit: 'hours' },
  { key: 'maxQuarantineNew24h', label: 'Quarantined in 24 h above', kind: 'int', min: 0, max: 100_000, unit: 'items' },
  { key: 'outboxMaxAgeMinutes', label: 'Unsent to the server longer than', kind: 'int', min: 1, max: 43_200, unit: 'minutes' },
];

/** The system's thresholds, shown folded under the pharmacy's. */
export const SYSTEM_THRESHOLD_FIELDS: readonly FieldSpec[] = [
  { key: 'maxFailureRate', label: 'Validation failures above', kind: 'percent', min: 0, max: 100, unit: '%' },
  { key: 'maxQuarantineDepth', label: 'Quarantine depth above', kind: 'int', min: 0, max: 1_000_000, unit: 'items' },
  { key: 'maxLatencyP95Ms', label: 'Latency p95 above', kind: 'decimal', min: 0, max: 60_000, unit: 'ms' },
  { key: 'windowMinutes', label: 'Window', kind: 'int', min: 1, max: 1440, unit: 'minutes' },
];

const ALL_FIELDS = [...THRESHOLD_FIELDS, ...SYSTEM_THRESHOLD_FIELDS];

export function formFrom(t: Thresholds): ThresholdForm {
  const out = {} as ThresholdForm;
  for (const f of ALL_FIELDS) out[f.key] = f.kind === 'percent' ? String(Math.round(t[f.key] * 1000) / 10) : String(t[f.key]);
  return out;
}

export type FormProblems = Partial<Record<ThresholdKey, string>>;

/** The form's text to thresholds, or a message beside each field that is wrong. */
export function parseForm(form: ThresholdForm): { ok: true; value: Thresholds } | { ok: false; problems: FormProblems } {
  const value = {} as Thresholds;
  const problems: FormProblems = {};
  for (const f of ALL_FIELDS) {
    const text = (form[f.key] ?? '').trim();
    const n = text === '' ? NaN : Number(text);
    const whole = f.kind === 'int';
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < f.min || n > f.max) {
      problems[f.key] = `${f.label}: ${text === '' ? 'required' : `"${text}" is not`} ${whole ? 'a whole number' : 'a number'} from ${f.min} to ${f.max} ${f.unit}.`.replace(': required a', ': required — a');
      continue;
    }
    value[f.key] = f.kind === 'percent' ? n / 100 : n;
  }
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, value };
}
