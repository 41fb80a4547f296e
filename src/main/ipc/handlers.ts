import { RxError, type SessionView } from '../../shared/ipc/contract';
import type { LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Session } from '../auth/sessions';
import { UserError } from '../auth/users';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';
import type { coreChannels } from '../../shared/ipc/contract';
import { countActiveHolds } from '../holds';
import { listLedger } from '../ledger/query';
import { listStock } from '../ledger/stock-query';
import { runVerifyInWorker } from '../ledger/verify-worker-client';
import { syncStatus as syncStatusOf } from '../sync/status';

const view = (ws: Workstation, s: Session): SessionView => ({
  userId: s.user.user_id,
  name: s.user.name,
  role: s.user.role,
  mustChangePassword: s.user.must_change_password,
  idleTimeoutSeconds: Math.round(ws.sessions.idleMs / 1000),
});

export function syncStatus(ws: Workstation) {
  return syncStatusOf(ws);
}

export const coreHandlers: { [C in keyof typeof coreChannels]: Handler<C> } = {
  'app.info': (_i, { ws, host }) => ({
    mode: host.mode,
    version: '0.1.0',
    facilityId: ws.facilityId,
    facilityName: ws.setting('facility_name'),
    deviceId: ws.deviceId,
    testHooks: host.testHooks,
  }),
  'auth.session': (_i, { ws, ctx }) => {
    const { session, endedBecause } = ws.sessions.get(ctx.sessionId);
    return { session: session ? view(ws, session) : null, endedBecause };
  },
  'auth.signIn': (input, { ws, ctx }) => {
    const res = ws.users.authenticate(input.userId, input.password);
    if (!res.ok) throw new RxError(res.code, res.message);
    if (ctx.sessionId) ws.sessions.end(ctx.sessionId, 'replaced');
    const s = ws.sessions.start(res.user);
    ctx.setSessionId(s.id);
    return { session: view(ws, s) };
  },
  'auth.changePassword': (input, { ws, session }) => {
    try {
      const res = ws.users.changePassword(session!.user.user_id, input.current, input.next);
      if (!res.ok) throw new RxError(res.code, res.message);
      session!.user = res.user;
      return { session: view(ws, session!) };
    } catch (err) {
      if (err instanceof UserError) throw new RxError(err.code === 'WEAK_PASSWORD' ? 'WEAK_PASSWORD' : 'BAD_INPUT', err.message);
      throw err;
    }
  },
  'auth.signOut': (_i, { ws, ctx }) => {
    if (ctx.sessionId) ws.sessions.end(ctx.sessionId, 'signed-out');
    ctx.setSessionId(null);
    return { ok: true as const };
  },
  'auth.activity': (_i, { ws, ctx }) => {
    if (ctx.sessionId) ws.sessions.touch(ctx.sessionId);
    return { ok: true as const };
  },
  'status.get': (_i, { ws, session }) => ({
    user: session ? view(ws, session) : null,
    facilityId: ws.facilityId,
    facilityName: ws.setting('facility_name'),
    sync: syncStatus(ws),
    activeHolds: countActiveHolds(ws.db, ws.facilityId),
    quarantineOpen: ws.quarantine.openCount(),
    now: ws.clock.now().toISOString(),
  }),
  'stock.list': (input, { ws }) => listStock(ws.db, input),
  'ledger.list': (input, { ws }) => {
    const entries: LedgerEntryView[] = listLedger(ws.db, input);
    const head = ws.ledger.head();
    return { entries, head: { device_id: ws.deviceId, seq: head.seq, hash: head.hash } };
  },
  'ledger.verify': async (_i, { ws, session }) => {
    const started = Date.now();
    const report = await runVerifyInWorker(ws);
    ws.audit.record({
      actor: session!.user.user_id,
      action: 'LEDGER_VERIFIED',
      details: { ok: report.ok, checked: report.checked, failure: report.failure },
    });
    return {
      ok: report.ok,
      checked: report.checked,
      failure: report.failure,
      stockMismatches: report.stockMismatches,
      heads: report.devices.map((d) => ({ device_id: d.device_id, head_seq: d.head_seq, head_hash: d.head_hash })),
      durationMs: Date.now() - started,
    };
  },
};
