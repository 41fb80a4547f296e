import { resolveDataDir } from '../../main/data-dir';
import { startWorkstationServices, type WorkstationServices } from '../../main/host/workstation-services';
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
  let services: WorkstationServices | null = null;
  try {
    services = await startWorkstationServices(ws, { posPort: port, receiving: false, sync: !values['no-sync'], log: () => undefined });
    const pos = services.pos;
    if (!pos) throw new CliError(services.posProblem ?? 'the POS API did not start', 1);
    const syncNote = values['no-sync'] ? 'off (--no-sync)' : 'on';
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
    await services?.stop();
    ws.close();
  }
};
