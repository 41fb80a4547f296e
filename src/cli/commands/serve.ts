import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../../main/data-dir';
import { startBrowserHost } from '../../main/host/browser-host';
import { startBanner } from '../../main/host/start-banner';
import { allHandlers } from '../../main/ipc/all-handlers';
import { startWorkstationServices } from '../../main/host/workstation-services';
import { Workstation } from '../../main/workstation';
import { repoRootFromHere } from '../repo-root';
import { CliError, type Command } from '../io';
import { parseCommandArgs } from '../workstation-args';

/**
 * rxledger serve: the workstation in browser mode on 127.0.0.1. `npm start` runs this when the
 * Electron runtime is missing. On the first start it creates the workstation and prints a
 * one-time administrator password that must be changed at first sign-in.
 */
export const serveCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' },
    facility: { type: 'string' },
    'ui-dir': { type: 'string' },
    'test-hooks': { type: 'boolean', default: false },
  });
  const dir = resolveDataDir(values.data, io.env);
  let ws: Workstation;
  if (!Workstation.isInitialized(dir)) {
    ws = Workstation.init(dir, values.facility ?? io.env.RXLEDGER_FACILITY ?? 'MAIN01');
    const { oneTimePassword } = ws.createFirstAdmin(null);
    io.stdout.write(
      `First start: created workstation in ${dir} (facility ${ws.facilityId}).\n` +
        `Sign in as "admin" with the one-time password ${oneTimePassword} — you will be asked to change it.\n`,
    );
  } else {
    ws = Workstation.open(dir);
  }
  const uiDir = values['ui-dir'] ?? join(repoRootFromHere(), 'out', 'renderer');
  if (!existsSync(join(uiDir, 'index.html'))) throw new CliError(`no UI build in ${uiDir}: run "npm run build:renderer" (npm start does it for you)`);
  const port = values.port ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a port number');
  // Held back and printed before the address, so the address is the last line (start-banner.ts).
  const serviceLines: string[] = [];
  const services = await startWorkstationServices(ws, { log: (l) => serviceLines.push(l) });
  const host = await startBrowserHost({ ws, handlers: allHandlers, staticDir: uiDir, port, testHooks: values['test-hooks'] ?? false });
  io.stdout.write(startBanner({ facilityId: ws.facilityId, dataDir: dir, url: host.url, serviceLines }));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await services.stop();
  ws.close();
  return 0;
};
