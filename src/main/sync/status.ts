import type { SyncStatus } from '../../shared/ipc/contract';
import type { Workstation } from '../workstation';
import { SyncState, type WorkerState } from './state';

/** A 'syncing' older than this was left by a process that died mid-sync. */
const STALE_SYNCING_MS = 5 * 60_000;

/**
 * What the status bar shows: online/offline, last successful sync, outbox depth and the age
 * of the oldest unsent entry. Read from SQLite, so it is right in any process that opens the
 * data folder, whichever process runs the worker.
 */
export function syncStatus(ws: Workstation): SyncStatus {
  const depth = ws.db
    .prepare<[string], { n: number; oldest: string | null }>('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE device_id = ?')
    .get(ws.deviceId)!;
  const state = new SyncState(ws.db);
  const base = { outboxDepth: depth.n, oldestUnsentAt: depth.oldest, lastSyncAt: state.get('last_sync_at') };
  if (!state.get('server_url')) {
    return { ...base, state: 'not-enrolled', message: 'This workstation is not enrolled with a central server; entries wait in the outbox.' };
  }
  let s = (state.get('state') as WorkerState | null) ?? 'offline';
  let message = state.get('message');
  const at = state.get('state_at');
  if (s === 'syncing' && at && ws.clock.now().getTime() - Date.parse(at) > STALE_SYNCING_MS) {
    s = 'offline';
    message = 'The last sync did not finish; it will be retried.';
  }
  return { ...base, state: s, message };
}
