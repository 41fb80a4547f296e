import type { SyncStatus } from '../../shared/ipc/contract';
import { formatLastSync, formatOutbox } from '../format/age';
import { formatLocalDateTime } from '../format/time';
import { useAppInfo, useSession, useStatus } from '../state/stores';
import { roleLabel } from '../ui/labels';

const SYNC_LABELS: Record<SyncStatus['state'], string> = {
  online: 'Online',
  syncing: 'Syncing',
  offline: 'Offline',
  'not-enrolled': 'Not enrolled',
  'auth-refused': 'Server refused this workstation',
};

export function syncText(sync: SyncStatus): string {
  const label = SYNC_LABELS[sync.state];
  return sync.message ? `${label}: ${sync.message}` : label;
}

/** Always on screen: who is signed in, where, and whether the records are reaching the server. */
export function StatusBar() {
  const session = useSession((s) => s.session);
  const status = useStatus((s) => s.status);
  const statusError = useStatus((s) => s.error);
  const info = useAppInfo((s) => s.info);

  const facilityId = status?.facilityId ?? info?.facilityId;
  const facilityName = status?.facilityName ?? info?.facilityName ?? null;
  const sync = status?.sync;

  return (
    <footer className="statusbar" aria-label="Workstation status">
      <span className="status-item" data-testid="status-user">
        {session ? `${session.name} (${roleLabel(session.role)})` : 'Not signed in'}
      </span>
      <span className="status-item" data-testid="status-facility">
        {facilityId ? `${facilityId}${facilityName ? ` · ${facilityName}` : ''}` : 'Facility unknown'}
      </span>
      <span className={`status-item sync-${sync?.state ?? 'unknown'}`} data-testid="status-sync" data-state={sync?.state ?? 'unknown'}>
        {sync ? syncText(sync) : 'Sync state unknown'}
      </span>
      <span className={`status-item${sync && sync.outboxDepth > 0 ? ' status-warn' : ''}`} data-testid="status-outbox" data-depth={sync?.outboxDepth ?? ''}>
        {sync && status ? formatOutbox(sync.outboxDepth, sync.oldestUnsentAt, status.now) : 'Outbox unknown'}
      </span>
      <span className="status-item" data-testid="status-last-sync" title={sync?.lastSyncAt ? formatLocalDateTime(sync.lastSyncAt) : undefined}>
        {sync && status ? formatLastSync(sync.lastSyncAt, status.now) : ''}
      </span>
      <span className={`status-item${status && status.activeHolds > 0 ? ' status-alarm' : ''}`} data-testid="status-holds" data-count={status?.activeHolds ?? ''}>
        {status ? `${status.activeHolds} active ${status.activeHolds === 1 ? 'hold' : 'holds'}` : ''}
      </span>
      <span className={`status-item${status && status.quarantineOpen > 0 ? ' status-warn' : ''}`} data-testid="status-quarantine" data-count={status?.quarantineOpen ?? ''}>
        {status ? `${status.quarantineOpen} in quarantine` : ''}
      </span>
      {statusError ? (
        <span className="status-item status-alarm" role="alert" data-testid="status-error">
          Status not updating: {statusError.message}
        </span>
      ) : null}
      {info ? (
        <span className="status-item status-app" data-testid="status-app">
          v{info.version} · {info.mode === 'electron' ? 'desktop' : 'browser'}
        </span>
      ) : null}
    </footer>
  );
}
