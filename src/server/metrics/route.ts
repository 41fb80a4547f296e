import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAdmin } from '../auth/admin-token';
import type { Store } from '../db/pg-adapter';
import { facilityStatus } from '../console/facility-status';
import { THRESHOLD_KINDS } from '../console/thresholds';
import { gaugeText, serverMetrics, type Labels } from './registry';

/** The Prometheus text format's content type. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Times every request and counts pushes and pulls. Labelled by the route pattern, never the raw
 * URL (a facility id in a path would make a series per facility and per typo).
 */
export function instrumentRequests(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    (req as FastifyRequest & { startedAt?: bigint }).startedAt = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const started = (req as FastifyRequest & { startedAt?: bigint }).startedAt;
    if (started === undefined) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = req.routeOptions.url ?? 'unmatched';
    const status = `${Math.floor(reply.statusCode / 100)}xx`;
    serverMetrics.requests.observe({ route, method: req.method, status }, seconds);
    const outcome = reply.statusCode === 200 ? 'ok' : String(reply.statusCode);
    if (route === '/v1/push') serverMetrics.pushes.inc({ outcome });
    else if (route === '/v1/pull') serverMetrics.pulls.inc({ outcome });
  });
}

/**
 * `GET /metrics` (administrator token, as every central-office read: it names facilities and
 * devices). This process's counters and histograms, then gauges read from the database, the
 * same from whichever process answers: forks (flagged devices), per-facility lag, and each
 * workstation's last reported health.
 */
export function metricsRoute(app: FastifyInstance, store: Store): void {
  app.get('/metrics', async (req, reply) => {
    await requireAdmin(store, req);
    const parts = [
      serverMetrics.pushes.text(),
      serverMetrics.pulls.text(),
      serverMetrics.entriesAccepted.text(),
      serverMetrics.entriesVerified.text(),
      serverMetrics.forks.text(),
      serverMetrics.requests.text(),
      ...(await databaseGauges(store)),
    ];
    return reply.type(METRICS_CONTENT_TYPE).send(parts.join('\n') + '\n');
  });
}

async function databaseGauges(store: Store): Promise<string[]> {
  const facilities = (
    await store.query<{ facility_id: string; devices: number; flagged: number; entries_behind: number; oldest_push_seconds: number | null }>(
      `SELECT f.facility_id, COUNT(d.device_id)::bigint AS devices, COUNT(*) FILTER (WHERE d.flagged)::bigint AS flagged,
              COALESCE(SUM(GREATEST(0, COALESCE(d.reported_head_seq, d.head_seq) - d.head_seq)), 0)::bigint AS entries_behind,
              EXTRACT(EPOCH FROM now() - MIN(d.last_push_at))::double precision AS oldest_push_seconds
         FROM facilities f LEFT JOIN devices d ON d.facility_id = f.facility_id
        GROUP BY f.facility_id ORDER BY f.facility_id`,
    )
  ).rows;
  const forks = (await store.query<{ n: number }>("SELECT COUNT(*)::bigint AS n FROM alarms WHERE kind = 'FORK'")).rows[0]?.n ?? 0;
  const health = (
    await store.query<{ facility_id: string; device_id: string; outbox_depth: number; quarantine_open: number; suspect_open: number | null; pos_p99_ms: number | null; age: number }>(
      `SELECT facility_id, device_id, outbox_depth, quarantine_open, suspect_open, pos_p99_ms, EXTRACT(EPOCH FROM now() - reported_at)::double precision AS age
         FROM device_health ORDER BY facility_id, device_id`,
    )
  ).rows;
  const byFacility = (f: (r: (typeof facilities)[number]) => number | null) =>
    facilities.flatMap((r) => {
      const v = f(r);
      return v === null ? [] : [{ labels: { facility: r.facility_id }, value: v }];
    });
  const byDevice = (f: (r: (typeof health)[number]) => number | null) =>
    health.flatMap((r) => {
      const v = f(r);
      const labels: Labels = { facility: r.facility_id, device: r.device_id };
      return v === null ? [] : [{ labels, value: v }];
    });
  return [
    gaugeText('rxledger_fork_alarms', 'Fork alarms recorded (all processes; from the database).', [{ labels: {}, value: Number(forks) }]),
    gaugeText('rxledger_devices', 'Enrolled devices per facility.', byFacility((r) => Number(r.devices))),
    gaugeText('rxledger_devices_flagged', 'Devices blocked after a fork, per facility.', byFacility((r) => Number(r.flagged))),
    gaugeText('rxledger_facility_lag_entries', "Entries the facility's workstations hold that the server has not accepted yet, as of their last contact.", byFacility((r) => Number(r.entries_behind))),
    gaugeText('rxledger_facility_oldest_push_age_seconds', "Seconds since the facility's least recently pushing device last pushed.", byFacility((r) => (r.oldest_push_seconds === null ? null : Number(r.oldest_push_seconds)))),
    gaugeText('rxledger_workstation_outbox_depth', 'Entries in the workstation outbox, as it last reported with a push.', byDevice((r) => Number(r.outbox_depth))),
    gaugeText('rxledger_workstation_quarantine_open', 'Quarantined inputs awaiting a decision on the workstation, as last reported.', byDevice((r) => Number(r.quarantine_open))),
    gaugeText('rxledger_workstation_suspect_open', 'Open DSCSA suspect investigations on the workstation, as last reported.', byDevice((r) => (r.suspect_open === null ? null : Number(r.suspect_open)))),
    gaugeText('rxledger_over_threshold', 'Workstations (holds, for hold_open_hours) over an alert threshold set in the console, per facility and kind.', overThreshold(await facilityStatus(store))),
    gaugeText('rxledger_workstation_pos_p99_seconds', 'POS acknowledgment p99 on the workstation over its recent window, as last reported.', byDevice((r) => (r.pos_p99_ms === null ? null : Number(r.pos_p99_ms) / 1000))),
    gaugeText('rxledger_workstation_health_age_seconds', 'Seconds since the workstation last reported its health.', byDevice((r) => Number(r.age))),
  ];
}

/** One sample per facility and threshold kind that has a threshold in force: how many are over it. */
function overThreshold(facilities: Awaited<ReturnType<typeof facilityStatus>>): { labels: Labels; value: number }[] {
  return facilities.flatMap((f) =>
    THRESHOLD_KINDS.filter((k) => f.thresholds[k] !== null).map((kind) => ({
      labels: { facility: f.facility_id, kind },
      value: kind === 'hold_open_hours' ? f.holds_over_threshold : f.devices.filter((d) => d.alerts.some((a) => a.kind === kind)).length,
    })),
  );
}
