import { describe, expect, it } from 'vitest';
import { formatThreshold, formatValue, formFrom, parseForm } from './alert-format';

const t = {
  maxFailureRate: 0.05,
  maxQuarantineDepth: 25,
  maxLatencyP95Ms: 50,
  windowMinutes: 15,
  expiringDays: 30,
  holdMaxHours: 24,
  receivingMaxHours: 4,
  maxQuarantineNew24h: 5,
  outboxMaxAgeMinutes: 60,
};

describe('alert formatting', () => {
  it('formats each metric in its unit', () => {
    expect(formatValue({ metric: 'validation_failure_rate', value: 0.0625 })).toBe('6.3%');
    expect(formatValue({ metric: 'quarantine_depth', value: 4 })).toBe('4');
    expect(formatValue({ metric: 'ingest_latency_p95_ms', value: 3.25 })).toBe('3.3 ms');
    expect(formatValue({ metric: 'ingest_latency_p95_ms', value: null })).toBe('—');
    expect(formatValue({ metric: 'outbox_not_draining', value: 75 })).toBe('75 min');
    expect(formatThreshold({ metric: 'expiring_lots', threshold: 30 })).toBe('within 30 days');
    expect(formatThreshold({ metric: 'holds_open_long', threshold: 24 })).toBe('over 24 h');
  });
  it('round-trips thresholds through the form and names each field that is wrong', () => {
    expect(parseForm(formFrom(t))).toEqual({ ok: true, value: t });
    const bad = parseForm({ ...formFrom(t), maxFailureRate: '120', maxQuarantineDepth: '2.5', windowMinutes: '', expiringDays: 'abc' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.problems).sort()).toEqual(['expiringDays', 'maxFailureRate', 'maxQuarantineDepth', 'windowMinutes']);
    expect(bad.problems.expiringDays).toBe('Expiring within: "abc" is not a whole number from 0 to 3650 days.');
    expect(bad.problems.windowMinutes).toBe('Window: required — a whole number from 1 to 1440 minutes.');
  });
});
