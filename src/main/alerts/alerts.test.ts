import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ledger/hash';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { quickCount } from '../counts/submit';
import { SyncState } from '../sync/state';
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
    const after = Object.fromEntries(r.metrics.map((m) => [m.metric, m]));
    expect([after.validation_failure_rate!.firing, after.quarantine_depth!.firing]).toEqual([false, true]);
    expect(after.ingest_latency_p95_ms!.firing).toBe((after.ingest_latency_p95_ms!.value ?? 0) > 0);
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

describe('alerts a pharmacy acts on', () => {
  let now = new Date('2026-11-12T10:00:00.000Z');
  let c: ReturnType<typeof tempWorkstation>;
  beforeEach(() => {
    now = new Date('2026-11-12T10:00:00.000Z');
    c = tempWorkstation({ seed: true, clock: { now: () => now } });
    c.ws.setSetting('time_zone', 'UTC');
  });
  afterEach(() => c.cleanup());
  const byMetric = () => Object.fromEntries(computeAlerts(c.ws).metrics.map((m) => [m.metric, m]));

  it('lists lots expiring within N days, holds and deliveries left open past N hours, and obeys the thresholds', () => {
    c.ws.ledger.append([
      receipt({ ndc: '00002-1200-30', lot: 'SOON', expiry: '2026-11-30', quantity: 30, delta: 30 }),
      receipt({ ndc: '00002-1200-30', lot: 'LATER', expiry: '2027-06-30', quantity: 30, delta: 30 }),
    ]);
    let a = byMetric();
    expect(a.expiring_lots).toMatchObject({ value: 1, firing: true, threshold: 30 });
    expect(a.expiring_lots!.items[0]).toMatch(/lot SOON: expires 2026-11-30, 30 tablets on hand$/);
    expect(a.holds_open_long).toMatchObject({ value: 0, firing: false });
    expect(a.receiving_open_long).toMatchObject({ value: 0, firing: false });

    // A count with a CII variance puts the lot on hold; a delivery is left open.
    quickCount(c.ws, { actor: 'tech01', ndc: '00002-1200-30', lot: 'LATER', counted: 27 });
    c.ws.db.prepare("INSERT INTO receiving_shipments (id, kind, sha256, raw, parsed, imported_at, imported_by) VALUES (1, 'manual', 'x', x'00', '{}', ?, 'tech01')").run(now.toISOString());
    c.ws.db
      .prepare("INSERT INTO receiving_sessions (id, shipment_id, status, supplier_name, po_number, created_at, created_by) VALUES ('S1', 1, 'open', 'Acme Drug', 'PO-9', ?, 'tech01')")
      .run(now.toISOString());
    now = new Date('2026-11-12T15:00:00.000Z');
    a = byMetric();
    expect(a.holds_open_long).toMatchObject({ value: 0, firing: false });
    expect(a.receiving_open_long).toMatchObject({ value: 1, firing: true });
    expect(a.receiving_open_long!.items[0]).toMatch(/^Acme Drug, PO PO-9: opened by tech01/);
    now = new Date('2026-11-13T11:00:00.000Z');
    a = byMetric();
    expect(a.holds_open_long).toMatchObject({ value: 1, firing: true });
    expect(a.holds_open_long!.items[0]).toBe('00002-1200-30 lot LATER: on hold since 2026-11-12 10:00 UTC (variance -3 tablets)');

    writeThresholds(c.ws, { expiringDays: 10, holdMaxHours: 48, receivingMaxHours: 48 });
    a = byMetric();
    expect([a.expiring_lots!.firing, a.holds_open_long!.firing, a.receiving_open_long!.firing]).toEqual([false, false, false]);
  });

  it('says the quarantine grows past N a day or holds a suspect product, and that an unenrolled outbox is not an alarm', async () => {
    writeThresholds(c.ws, { maxQuarantineNew24h: 1 });
    await ingestEvent(c.ws, ev({ ndc: '99999-9999-99' }));
    let a = byMetric();
    expect(a.quarantine_growing).toMatchObject({ value: 1, firing: false });
    await ingestEvent(c.ws, ev({ ndc: '99999-9999-98' }));
    a = byMetric();
    expect(a.quarantine_growing).toMatchObject({ value: 2, firing: true });
    now = new Date('2026-11-14T10:00:00.000Z');
    expect(byMetric().quarantine_growing).toMatchObject({ value: 0, firing: false });

    expect(byMetric().outbox_not_draining).toMatchObject({ value: null, firing: false });
    expect(byMetric().outbox_not_draining!.detail).toMatch(/not enrolled/);
  });

  it('fires when an enrolled workstation\'s oldest unsent entry is older than N minutes', () => {
    new SyncState(c.ws.db).set({ server_url: 'https://central.example' });
    expect(byMetric().outbox_not_draining).toMatchObject({ value: null, firing: false });
    c.ws.ledger.append([receipt({ ndc: '00002-1200-30', lot: 'Q1', quantity: 30, delta: 30 })]);
    now = new Date(now.getTime() + 59 * 60_000);
    expect(byMetric().outbox_not_draining).toMatchObject({ value: 59, firing: false });
    now = new Date(now.getTime() + 2 * 60_000);
    expect(byMetric().outbox_not_draining).toMatchObject({ value: 61, firing: true });
  });
});
