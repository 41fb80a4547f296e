import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ledger/hash';
import { tempWorkstation } from '../../testing/temp-workstation';
import { ingestEvent } from '../ingest/gate';
import type { Workstation } from '../workstation';
import { computeAlerts, readThresholds, writeThresholds } from './alerts';
import { IngestMetrics } from './metrics';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
beforeEach(() => {
  // The gate is strict: the test catalog and the handler tech01.
  t = tempWorkstation({ seed: true });
  ws = t.ws;
});
afterEach(() => t.cleanup());

const ev = (over: Record<string, unknown> = {}) => ({
  type: 'RECEIPT' as const,
  facility_id: 'MAIN01',
  ndc: '0002-1200-30',
  lot: 'L1',
  schedule: 'CII' as const,
  quantity: 5,
  event_time: '2026-11-01T10:00:00Z',
  handler_id: 'tech01',
  source: { kind: 'ui' as const, correlation_id: `c${Math.random()}`, payload_sha256: sha256Hex('x') },
  ...over,
});

describe('ingestion alerts', () => {
  it('computes failure rate, quarantine depth and latency p95 against configurable thresholds', async () => {
    await ingestEvent(ws, ev());
    await ingestEvent(ws, ev({ ndc: 'bogus' }));
    let r = computeAlerts(ws);
    const by = Object.fromEntries(r.metrics.map((m) => [m.metric, m]));
    expect(by.validation_failure_rate).toMatchObject({ value: 0.5, firing: true });
    expect(by.quarantine_depth).toMatchObject({ value: 1, firing: false });
    expect(by.ingest_latency_p95_ms!.value).toBeTypeOf('number');
    expect(r.counts).toMatchObject({ committed: 1, quarantined: 1, latencySamples: 2 });

    writeThresholds(ws, { maxFailureRate: 0.6, maxQuarantineDepth: 0, maxLatencyP95Ms: 0 });
    expect(readThresholds(ws)).toMatchObject({ maxFailureRate: 0.6, maxQuarantineDepth: 0, windowMinutes: 15 });
    r = computeAlerts(ws);
    expect(r.metrics.map((m) => m.firing)).toEqual([false, true, (r.metrics[2]!.value ?? 0) > 0]);
  });

  it('keeps a bounded sliding window and takes the nearest-rank percentile', () => {
    let now = 0;
    const m = new IngestMetrics(100, () => now);
    for (let i = 1; i <= 200; i++) {
      now = i * 1000;
      m.record({ latencyMs: i, outcome: 'committed', source: 'pos' });
    }
    expect(m.window(1e9).length).toBe(100);
    expect(m.percentile(95, 1e9)).toBe(195);
    expect(m.percentile(95, 10_500)).toBe(200);
    expect(new IngestMetrics().percentile(95, 1000)).toBeNull();
  });
});
