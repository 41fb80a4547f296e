import type { WorkstationHealth } from '../../shared/sync/protocol';
import { openSuspectCount } from '../quarantine/investigation';
import type { Workstation } from '../workstation';

/** The POS window the p99 is taken over: recent enough to show a slow counter now. */
const POS_WINDOW_MS = 15 * 60_000;

/**
 * This workstation's health as sent with a push. Outbox depth and quarantine come from the
 * database (every process's work); the POS p99 from this process's samples, which is where the
 * POS API and the sync worker run together (a separate `rxledger sync` has none: null).
 */
export function workstationHealth(ws: Workstation, opts: { suspect: boolean } = { suspect: true }): WorkstationHealth {
  const outbox = ws.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE device_id = ?').get(ws.deviceId)!.n;
  const pos = ws.metrics
    .window(POS_WINDOW_MS)
    .filter((s) => s.source === 'pos')
    .map((s) => s.latencyMs)
    .sort((a, b) => a - b);
  const p99 = pos.length ? pos[Math.min(pos.length - 1, Math.ceil(0.99 * pos.length) - 1)]! : null;
  return {
    facility_id: ws.facilityId,
    outbox_depth: outbox,
    quarantine_open: ws.quarantine.openCount(),
    // Only to a server that said it takes it: an older one refuses an unknown field.
    ...(opts.suspect ? { suspect_open: openSuspectCount(ws) } : {}),
    pos_p99_ms: p99 === null ? null : Math.round(p99 * 1000) / 1000,
    pos_samples: pos.length,
  };
}
