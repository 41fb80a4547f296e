import { describe, expect, it } from 'vitest';
import { formatValue, formFrom, parseForm } from './alert-format';

describe('alert formatting', () => {
  it('formats each metric in its unit', () => {
    expect(formatValue({ metric: 'validation_failure_rate', value: 0.0625 })).toBe('6.3%');
    expect(formatValue({ metric: 'quarantine_depth', value: 4 })).toBe('4');
    expect(formatValue({ metric: 'ingest_latency_p95_ms', value: 3.25 })).toBe('3.3 ms');
    expect(formatValue({ metric: 'ingest_latency_p95_ms', value: null })).toBe('—');
  });
  it('round-trips thresholds through the form and refuses nonsense', () => {
    const t = { maxFailureRate: 0.05, maxQuarantineDepth: 25, maxLatencyP95Ms: 50, windowMinutes: 15 };
    expect(parseForm(formFrom(t))).toEqual({ ok: true, value: t });
    expect(parseForm({ ...formFrom(t), failurePercent: '120' })).toMatchObject({ ok: false });
    expect(parseForm({ ...formFrom(t), depth: '2.5' })).toMatchObject({ ok: false });
    expect(parseForm({ ...formFrom(t), windowMinutes: '' })).toMatchObject({ ok: false });
  });
});
