import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { authenticateActor, readCredentials } from '../acting-user';

/**
 * rxledger enroll --data DIR --as USER --server URL --code CODE: enroll this workstation with the
 * central server, as a manager or administrator proved by their password (first line of stdin).
 */
export const enrollCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { server: { type: 'string' }, code: { type: 'string' }, as: { type: 'string' } });
  const server = values.server ?? io.env.RXLEDGER_SERVER;
  if (!server) throw new CliError('--server URL is required (the central server, e.g. https://central.example:8443)');
  const code = values.code ?? io.env.RXLEDGER_ENROLLMENT_CODE;
  if (!code) throw new CliError('--code CODE is required (from "rxledger server enrollment-code")');
  const creds = await readCredentials(io, values.as, { flag: '--as', doing: 'enroll' });
  const { enrollWorkstation, SyncError } = await import('../../main/sync');
  return withWorkstation(values.data, io, async (ws) => {
    const who = authenticateActor(ws, creds, { permission: 'facility.manage', act: 'enroll this workstation', nothing: 'Nothing was changed.' });
    try {
      const r = await enrollWorkstation(ws, server, code, { actor: who.user_id });
      if (values.json) printJson(io, { server: r.serverUrl, device_id: ws.deviceId, facility: r.facility, siblings: r.siblings });
      else {
        io.stdout.write(
          `Enrolled device ${ws.deviceId} with ${r.serverUrl}\n  facility ${r.facility.facility_id}: ${r.facility.name}, ${r.facility.address} (DEA ${r.facility.dea_number})\n  ${r.siblings} sibling workstation(s)\n`,
        );
      }
      return 0;
    } catch (err) {
      if (err instanceof SyncError) throw new CliError(`enrollment refused: ${err.message}`, err.kind === 'transient' ? 1 : 4);
      throw err;
    }
  });
};

/**
 * rxledger sync --data DIR [--server URL]: push the outbox, then pull. Exit 0 when all was
 * sent, 1 when the server could not be reached (entries stay queued), 4 when it refused.
 */
export const syncCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { server: { type: 'string' }, 'batch-size': { type: 'string' }, 'timeout-ms': { type: 'string' } });
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new CliError('--batch-size must be 1…1000');
  const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : 30_000;
  const { syncOnce, SyncError } = await import('../../main/sync');
  return withWorkstation(values.data, io, async (ws) => {
    try {
      const r = await syncOnce(ws, { ...(values.server ? { serverUrl: values.server } : {}), batchSize, timeoutMs });
      if (values.json)
        printJson(io, {
          pushed: r.pushed,
          pulled: r.pulled,
          accepted: r.accepted,
          already: r.already,
          signatures_pushed: r.signaturesPushed,
          signatures_pulled: r.signaturesPulled,
          reference: r.reference,
          applied: r.applied,
          head: r.head,
          outbox: r.outboxDepth,
        });
      else {
        io.stdout.write(
          `Pushed ${r.pushed} entr${r.pushed === 1 ? 'y' : 'ies'} (${r.accepted} new to the server, ${r.already} it already had)` +
            `${r.head ? `; server head seq ${r.head.seq}` : ''}.\nPulled ${r.pulled} sibling entr${r.pulled === 1 ? 'y' : 'ies'} and ${r.reference} reference item(s).\n`,
        );
      }
      return 0;
    } catch (err) {
      if (err instanceof SyncError) {
        const code = err.kind === 'transient' ? 1 : err.kind === 'not-enrolled' ? 2 : 4;
        throw new CliError(`${err.kind === 'auth' ? 'authentication refused: ' : ''}${err.message}`, code);
      }
      throw err;
    }
  });
};
