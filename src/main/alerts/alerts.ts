import { localDate } from '../../shared/reports/period';
import { isSuspect } from '../../shared/quarantine/plain';
import { formatChange, formatUnits } from '../../shared/units/unit-names';
import { PackageUnitsLookup } from '../catalog/package-units';
import { listHolds } from '../holds';
import { listStock } from '../ledger/stock-query';
import { signingTimeZone } from '../holds/signatures';
import { syncStatus } from '../sync/status';
import type { Workstation } from '../workstation';

export interface AlertThresholds {
  /** Share of ingested events that went to quarantine over the window, 0..1. */
  maxFailureRate: number;
  /** Open quarantine items. */
  maxQuarantineDepth: number;
  /** Ingest acknowledgment latency p95, milliseconds. */
  maxLatencyP95Ms: number;
  windowMinutes: number;
  /** Lots in stock that expire within this many days (expired ones too). */
  expiringDays: number;
  /** Compliance holds still active after this many hours. */
  holdMaxHours: number;
  /** Receiving sessions still open after this many hours. */
  receivingMaxHours: number;
  /** Items quarantined in the last 24 hours above which the quarantine is growing. */
  maxQuarantineNew24h: number;
  /** The oldest entry not yet sent to the central server, in minutes. */
  outboxMaxAgeMinutes: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
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

const KEYS: Record<keyof AlertThresholds, string> = {
  maxFailureRate: 'alerts.max_failure_rate',
  maxQuarantineDepth: 'alerts.max_quarantine_depth',
  maxLatencyP95Ms: 'alerts.max_latency_p95_ms',
  windowMinutes: 'alerts.window_minutes',
  expiringDays: 'alerts.expiring_days',
  holdMaxHours: 'alerts.hold_max_hours',
  receivingMaxHours: 'alerts.receiving_max_hours',
  maxQuarantineNew24h: 'alerts.max_quarantine_new_24h',
  outboxMaxAgeMinutes: 'alerts.outbox_max_age_minutes',
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

export type AlertMetricName =
  | 'expiring_lots'
  | 'holds_open_long'
  | 'receiving_open_long'
  | 'quarantine_growing'
  | 'outbox_not_draining'
  | 'validation_failure_rate'
  | 'quarantine_depth'
  | 'ingest_latency_p95_ms';

export interface AlertMetric {
  metric: AlertMetricName;
  value: number | null;
  threshold: number;
  firing: boolean;
  detail: string;
  /** What to act on, one line each (at most ACT_ON_LINES), and where. */
  items: string[];
  action: string;
}

const ACT_ON_LINES = 5;
const HOUR = 3_600_000;
const more = (lines: string[], total: number) => (total > lines.length ? [...lines, `… and ${total - lines.length} more`] : lines);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The alerts a pharmacy acts on: stock about to expire, holds and receiving sessions left
 * open, a quarantine that grows or holds suspect products, entries that do not reach the
 * central server. Each says what and where, so nobody has to read a metric to know what to do.
 */
function pharmacyAlerts(ws: Workstation, t: AlertThresholds, now: Date): AlertMetric[] {
  const zone = signingTimeZone(ws);
  const today = localDate(now, zone);

  const exp = listStock(ws.db, { expiresWithinDays: t.expiringDays, today, includeEmpty: false, limit: ACT_ON_LINES });
  const expiring: AlertMetric = {
    metric: 'expiring_lots',
    value: exp.total,
    threshold: t.expiringDays,
    firing: exp.total > 0,
    detail: exp.total ? `${plural(exp.total, 'lot')} in stock expire${exp.total === 1 ? 's' : ''} within ${t.expiringDays} days or already expired` : `no lot in stock expires within ${t.expiringDays} days`,
    items: more(
      exp.rows.map((r) => `${r.name ?? r.ndc} (${r.ndc}) lot ${r.lot || '—'}: ${r.expiry && r.expiry < today ? 'expired' : 'expires'} ${r.expiry}, ${formatUnits(r.on_hand ?? 0, r.unit)} on hand`),
      exp.total,
    ),
    action: 'Inventory → "Expires within N days": pull them from the shelf for return or destruction.',
  };

  const holdCutoff = now.getTime() - t.holdMaxHours * HOUR;
  const oldHolds = listHolds(ws.db, { status: 'active' }).filter((h) => Date.parse(h.placed_at) < holdCutoff);
  const units = new PackageUnitsLookup(ws.db);
  const variance = (ndc: string, v: number | null) => (v === null ? 'variance not recorded' : `variance ${formatChange(v, units.of(ndc)?.unit)}`);
  const holds: AlertMetric = {
    metric: 'holds_open_long',
    value: oldHolds.length,
    threshold: t.holdMaxHours,
    firing: oldHolds.length > 0,
    detail: oldHolds.length ? `${plural(oldHolds.length, 'compliance hold')} open longer than ${t.holdMaxHours} hours` : `no compliance hold open longer than ${t.holdMaxHours} hours`,
    items: more(
      oldHolds.slice(0, ACT_ON_LINES).map((h) => `${h.ndc} lot ${h.lot ?? 'all lots'}: on hold since ${h.placed_at.slice(0, 16).replace('T', ' ')} UTC (${variance(h.ndc, h.variance)})`),
      oldHolds.length,
    ),
    action: 'Holds: a pharmacist recounts and signs the adjustment that releases the hold.',
  };

  const recvCutoff = new Date(now.getTime() - t.receivingMaxHours * HOUR).toISOString();
  const sessions = ws.db
    .prepare<[string], { id: string; supplier_name: string | null; po_number: string | null; created_at: string; created_by: string }>(
      "SELECT id, supplier_name, po_number, created_at, created_by FROM receiving_sessions WHERE status = 'open' AND created_at < ? ORDER BY created_at",
    )
    .all(recvCutoff);
  const receiving: AlertMetric = {
    metric: 'receiving_open_long',
    value: sessions.length,
    threshold: t.receivingMaxHours,
    firing: sessions.length > 0,
    detail: sessions.length ? `${plural(sessions.length, 'receiving session')} left open longer than ${t.receivingMaxHours} hours: the delivery is not in stock yet` : `no receiving session open longer than ${t.receivingMaxHours} hours`,
    items: more(
      sessions.slice(0, ACT_ON_LINES).map((r) => `${r.supplier_name ?? 'supplier not given'}${r.po_number ? `, PO ${r.po_number}` : ''}: opened by ${r.created_by} at ${r.created_at.slice(0, 16).replace('T', ' ')} UTC`),
      sessions.length,
    ),
    action: 'Receiving: finish and commit the delivery, or cancel it.',
  };

  const since24h = new Date(now.getTime() - 24 * HOUR).toISOString();
  const new24h = (ws.db.prepare('SELECT COUNT(*) AS n FROM quarantine WHERE received_at >= ?').get(since24h) as { n: number }).n;
  const suspects = ws.quarantine.list({ status: 'open' }).filter((i) => isSuspect(i.reasons));
  const quarantine: AlertMetric = {
    metric: 'quarantine_growing',
    value: new24h,
    threshold: t.maxQuarantineNew24h,
    firing: new24h > t.maxQuarantineNew24h || suspects.length > 0,
    detail: `${plural(new24h, 'item')} quarantined in the last 24 hours (limit ${t.maxQuarantineNew24h})${suspects.length ? `; ${plural(suspects.length, 'suspect product')} (DSCSA) waiting for a pharmacist` : ''}`,
    items: more(
      suspects.slice(0, ACT_ON_LINES).map((i) => `Suspect product #${i.id}: ${[i.context.ndc, i.context.serial && `serial ${String(i.context.serial)}`].filter(Boolean).join(', ') || i.source}`),
      suspects.length,
    ),
    action: 'Quarantine: investigate suspect products, fix and replay or reject the rest.',
  };

  const sync = syncStatus(ws);
  const ageMin = sync.oldestUnsentAt ? Math.floor((now.getTime() - Date.parse(sync.oldestUnsentAt)) / 60_000) : null;
  const enrolled = sync.state !== 'not-enrolled';
  const outbox: AlertMetric = {
    metric: 'outbox_not_draining',
    value: enrolled ? ageMin : null,
    threshold: t.outboxMaxAgeMinutes,
    // A workstation with no central server keeps its entries by design: nothing to act on.
    firing: enrolled && ageMin !== null && ageMin > t.outboxMaxAgeMinutes,
    detail: !enrolled
      ? `not enrolled with a central server: ${plural(sync.outboxDepth, 'entry', 'entries')} kept here`
      : ageMin === null
        ? 'every entry has reached the central server'
        : `${plural(sync.outboxDepth, 'entry', 'entries')} not yet sent; the oldest waits for ${ageMin} min (limit ${t.outboxMaxAgeMinutes} min)`,
    items: enrolled && sync.message ? [sync.message] : [],
    action: 'Check the network and the status bar; call support if the central server cannot be reached.',
  };

  return [expiring, holds, receiving, quarantine, outbox];
}

export interface AlertsReport {
  at: string;
  windowMinutes: number;
  thresholds: AlertThresholds;
  metrics: AlertMetric[];
  counts: { committed: number; quarantined: number; latencySamples: number };
}

/**
 * The pharmacy's alerts, then the three ingestion alerts. Failure rate and quarantine depth come from the database (every
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
      ...pharmacyAlerts(ws, t, now),
      {
        metric: 'validation_failure_rate',
        value: rate,
        threshold: t.maxFailureRate,
        firing: rate !== null && rate > t.maxFailureRate,
        detail: total ? `${quarantined} of ${total} events quarantined in the last ${t.windowMinutes} min (${pct(rate!)}; limit ${pct(t.maxFailureRate)})` : `no events in the last ${t.windowMinutes} min`,
        items: [],
        action: 'Quarantine: the reasons say which source sends bad records.',
      },
      {
        metric: 'quarantine_depth',
        value: depth,
        threshold: t.maxQuarantineDepth,
        firing: depth > t.maxQuarantineDepth,
        detail: `${depth} item${depth === 1 ? '' : 's'} waiting for a decision (limit ${t.maxQuarantineDepth})`,
        items: [],
        action: 'Quarantine: decide on the open items.',
      },
      {
        metric: 'ingest_latency_p95_ms',
        value: p95 === null ? null : Math.round(p95 * 100) / 100,
        threshold: t.maxLatencyP95Ms,
        firing: p95 !== null && p95 > t.maxLatencyP95Ms,
        detail: p95 === null ? 'no acknowledgments measured in this process yet' : `p95 of ${samples} acknowledgments: ${p95.toFixed(1)} ms (limit ${t.maxLatencyP95Ms} ms)`,
        items: [],
        action: 'Call support: the register waits longer than it should for the workstation.',
      },
    ],
  };
}
