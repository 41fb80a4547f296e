import { resolveDataDir } from '../../main/data-dir';
import { startPosServer } from '../../main/pos/server';
import { Workstation } from '../../main/workstation';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs } from '../workstation-args';

/**
 * rxledger station --data DIR [--port P] [--no-sync]: the workstation host without a window —
 * the POS API on 127.0.0.1:P and the sync worker — until SIGINT/SIGTERM. Prints where it
 * listens (with --json: {"pos_url","port","facility_id","sync"}) once it is ready.
 */
export const stationCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' }, 'no-sync': { type: 'boolean', default: false } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a port number (0 picks a free one)');
  const ws = Workstation.open(resolveDataDir(values.data, io.env));
  let pos: Awaited<ReturnType<typeof startPosServer>> | null = null;
  let sync: { stop(): Promise<void> } | null = null;
  try {
    try {
      pos = await startPosServer(ws, { port });
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new CliError(`port ${port} on 127.0.0.1 is in use (another station?); choose another with --port`, 1);
      throw err;
    }
    let syncNote = 'off (--no-sync)';
    if (!values['no-sync']) {
      try {
        const mod = await import('../../main/sync');
        sync = mod.startSyncWorker(ws);
        syncNote = 'on';
      } catch (err) {
        syncNote = `unavailable (${(err as Error).message})`;
      }
    }
    if (values.json) printJson(io, { pos_url: pos.url, port: pos.port, facility_id: ws.facilityId, sync: syncNote });
    else
      io.stdout.write(
        `RxLedger station for facility ${ws.facilityId}\nPOS API: ${pos.url} (token: rxledger pos-token --data DIR)\nSync: ${syncNote}\nStop with Ctrl+C.\n`,
      );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  } finally {
    await sync?.stop().catch(() => undefined);
    await pos?.close();
    ws.close();
  }
};
