import type { settingsChannels } from '../../shared/ipc/settings-channels';
import { posPortFor } from '../host/workstation-services';
import { posToken } from '../pos/token';
import { SyncState } from '../sync/state';
import type { Handler } from './dispatch';

export const settingsHandlers: { [C in keyof typeof settingsChannels]: Handler<C> } = {
  'settings.get': (_i, { ws }) => ({
    facilityId: ws.facilityId,
    facilityName: ws.setting('facility_name'),
    facilityAddress: ws.setting('facility_address'),
    deaNumber: ws.setting('facility_dea_number'),
    deviceId: ws.deviceId,
    idleTimeoutSeconds: Math.round(ws.sessions.idleMs / 1000),
    syncServer: new SyncState(ws.db).get('server_url'),
  }),
  'settings.setIdleTimeout': ({ seconds }, { ws, session }) => {
    const before = Math.round(ws.sessions.idleMs / 1000);
    ws.setSetting('idle_timeout_seconds', String(seconds));
    // Applies at once to every session of this process; the setting keeps it across restarts.
    ws.sessions.idleMs = seconds * 1000;
    ws.audit.record({ actor: session!.user.user_id, action: 'SETTING_CHANGED', target: 'idle_timeout_seconds', details: { from: before, to: seconds } });
    return { idleTimeoutSeconds: seconds };
  },
  'settings.posConnection': (_i, { ws, session }) => {
    const port = posPortFor(ws);
    ws.audit.record({ actor: session!.user.user_id, action: 'POS_TOKEN_VIEWED', target: 'pos' });
    return { port, baseUrl: `http://127.0.0.1:${port}/pos/v1/`, token: posToken(ws.secrets) };
  },
  'settings.rescanScanners': async (_i, { ws }) => {
    await ws.scanIntake.rescan();
    return { ok: true as const };
  },
};
