import { RxError } from '../../shared/errors/error-codes';
import type { enrollmentChannels, EnrollmentView } from '../../shared/ipc/enrollment-channels';
import { enrollWorkstation, SyncError, syncStatus } from '../sync';
import { SyncState } from '../sync/state';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';

function enrollmentView(ws: Workstation): EnrollmentView {
  const state = new SyncState(ws.db);
  const s = syncStatus(ws);
  return {
    deviceId: ws.deviceId,
    facilityId: ws.facilityId,
    serverUrl: state.get('server_url'),
    enrolledAt: state.get('enrolled_at'),
    syncState: s.state,
    lastSyncAt: s.lastSyncAt,
    outboxDepth: s.outboxDepth,
    message: s.message,
  };
}

/**
 * The server's refusal, put beside the field it is about ("code: …", "serverUrl: …"): a code the
 * server did not issue, used or expired, or for another facility, is the code's; a server that
 * cannot be reached or answers something else is the address's.
 */
function refusal(err: unknown): never {
  if (!(err instanceof SyncError)) throw err;
  const codeProblem = /^(ENROLLMENT_CODE_|FACILITY_MISMATCH)/.test(err.code ?? '') || /not an enrollment code/.test(err.message);
  const field = codeProblem ? 'code' : err.kind === 'transient' || err.status === 404 ? 'serverUrl' : null;
  const text = err.status === 404 ? `no central server answers at this address (${err.message})` : err.message;
  throw new RxError(err.kind === 'transient' ? 'UNAVAILABLE' : 'BAD_INPUT', `${field ? `${field}: ` : ''}${text}. This workstation was not enrolled.`);
}

export const enrollmentHandlers: { [C in keyof typeof enrollmentChannels]: Handler<C> } = {
  'settings.enrollment': (_i, { ws }) => enrollmentView(ws),
  // The same path as `rxledger enroll` (src/cli/commands/sync.ts): audited as SYNC_ENROLLED for the signed-in user.
  'settings.enroll': async (input, { ws, session }) => {
    try {
      await enrollWorkstation(ws, input.serverUrl, input.code, { actor: session!.user.user_id, timeoutMs: 15_000 });
    } catch (err) {
      refusal(err);
    }
    return enrollmentView(ws);
  },
};
