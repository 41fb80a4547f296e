import type { settingsChannels } from '../../shared/ipc/settings-channels';
import { posPortFor } from '../host/workstation-services';
import { posToken } from '../pos/token';
import { SyncState } from '../sync/state';
import type { Handler } from './dispatch';
import { parseList } from '../ingest/gate-rules';
import { setIngestSetting } from '../ingest/settings';

const partners = (setting: (k: string) => string | null) => ({ ediSenders: parseList(setting('ingest.edi_senders')), handlerIds: parseList(setting('ingest.handler_ids')) });

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
  'settings.partners': (_i, { ws }) => partners((k) => ws.setting(k)),
  'settings.setPartners': (input, { ws, session }) => {
    const actor = session!.user.user_id;
    const list = (xs: string[]) => (xs.length ? JSON.stringify([...new Set(xs)]) : null);
    // Each list is one audited setting change (INGEST_SETTING_CHANGED, before and after); unchanged ones are left alone.
    const now = partners((k) => ws.setting(k));
    if (JSON.stringify(now.ediSenders) !== JSON.stringify([...new Set(input.ediSenders)])) setIngestSetting(ws, 'ingest.edi_senders', list(input.ediSenders), actor);
    if (JSON.stringify(now.handlerIds) !== JSON.stringify([...new Set(input.handlerIds)])) setIngestSetting(ws, 'ingest.handler_ids', list(input.handlerIds), actor);
    return partners((k) => ws.setting(k));
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
