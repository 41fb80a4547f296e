import { resolveDataDir } from '../../main/data-dir';
import { posPortFor, startWorkstationServices, type WorkstationServices } from '../../main/host/workstation-services';
import { lowerHelperThreadPriority } from '../../main/host/thread-priority';
import { Workstation } from '../../main/workstation';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs } from '../workstation-args';

/**
 * rxledger station --data DIR [--port P] [--no-sync]: the workstation host without a window —
 * the POS API on 127.0.0.1:P and the sync worker — until SIGINT/SIGTERM. Without --port, the
 * workstation's POS port (posPortFor: RXLEDGER_POS_PORT, else the pos.port setting, else 7420),
 * the port the pharmacy system is configured for; --port 0 picks any free port. Prints where it
 * listens (with --json: {"pos_url","port","facility_id","sync"}) once it is ready.
 */
export const stationCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' }, 'no-sync': { type: 'boolean', default: false } });
  const given = values.port === undefined ? null : values.port.trim();
  const flagPort = given === null ? null : /^\d{1,5}$/.test(given) ? Number(given) : NaN;
  if (flagPort !== null && !(Number.isInteger(flagPort) && flagPort >= 0 && flagPort <= 65535)) {
    throw new CliError('--port must be a port number (0 picks a free one)');
  }
  // Listen for the stop signal before anything is printed: a supervisor may send SIGTERM as
  // soon as it reads the ready line, and without a listener that would kill the process
  // before the services are stopped and the database closed.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let ws: Workstation | null = null;
  let services: WorkstationServices | null = null;
  try {
    ws = Workstation.open(resolveDataDir(values.data, io.env));
    let port: number;
    try {
      port = flagPort ?? posPortFor(ws, io.env);
    } catch (err) {
      throw new CliError(`${(err as Error).message} (RXLEDGER_POS_PORT or the pos.port setting); or give --port P`);
    }
    services = await startWorkstationServices(ws, { posPort: port, receiving: false, sync: !values['no-sync'], log: () => undefined });
    const pos = services.pos;
    if (!pos) throw new CliError(services.posProblem ?? 'the POS API did not start', 1);
    // The workers are running now: from here the main thread, which answers the POS, comes first.
    lowerHelperThreadPriority();
    const syncNote = values['no-sync'] ? 'off (--no-sync)' : 'on';
    if (values.json) printJson(io, { pos_url: pos.url, port: pos.port, facility_id: ws.facilityId, sync: syncNote });
    else
      io.stdout.write(
        `RxLedger station for facility ${ws.facilityId}\nPOS API: ${pos.url} (token: rxledger pos-token --data DIR)\nSync: ${syncNote}\nStop with Ctrl+C.\n`,
      );
    await stopped;
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await services?.stop();
    ws?.close();
  }
};
