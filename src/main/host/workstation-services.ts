import { startPosServer, type RunningPosServer } from '../pos/server';
import { startSyncWorker, type SyncWorker } from '../sync';
import type { Workstation } from '../workstation';

/** The POS port a pharmacy system is configured with; RXLEDGER_POS_PORT or the setting overrides it (0 = any free port). */
export const DEFAULT_POS_PORT = 7420;

export interface ServiceOptions {
  posPort?: number;
  pos?: boolean;
  sync?: boolean;
  receiving?: boolean;
  log?: (line: string) => void;
}

export interface WorkstationServices {
  pos: RunningPosServer | null;
  /** Why the POS API is not running, for the operator. */
  posProblem: string | null;
  sync: SyncWorker | null;
  stop(): Promise<void>;
}

export function posPortFor(ws: Workstation, env: Record<string, string | undefined> = process.env): number {
  const raw = env.RXLEDGER_POS_PORT ?? ws.setting('pos.port');
  const port = raw === null || raw === undefined ? DEFAULT_POS_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`POS port "${raw}" is not a port number`);
  return port;
}

/**
 * What runs beside a workstation's UI, in the desktop app and in browser mode alike (and,
 * without receiving, in `rxledger station`): the POS API, the sync worker and the scan intake
 * for receiving. A POS port already taken does not stop the workstation: the counter can
 * still work, and the reason is printed and returned.
 */
export async function startWorkstationServices(ws: Workstation, opts: ServiceOptions = {}): Promise<WorkstationServices> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let pos: RunningPosServer | null = null;
  let posProblem: string | null = null;
  if (opts.pos !== false) {
    const port = opts.posPort ?? posPortFor(ws);
    try {
      pos = await startPosServer(ws, { port });
      // Host and port without a scheme: this is for the pharmacy system's configuration, and a
      // browser opening it would only get a JSON refusal (the workstation's address comes last).
      log(`POS API for the pharmacy system (not for a browser) on ${pos.url.replace(/^https?:\/\//, '')} (token: rxledger pos-token)`);
    } catch (err) {
      posProblem =
        (err as { code?: string }).code === 'EADDRINUSE'
          ? `port ${port} on 127.0.0.1 is in use (another station?): the POS API is not running; set RXLEDGER_POS_PORT or the pos.port setting`
          : `the POS API could not start: ${(err as Error).message}`;
      log(posProblem);
    }
  }
  const receiving = opts.receiving === false ? null : await ws.scanIntake.start();
  const sync = opts.sync === false ? null : startSyncWorker(ws);
  return {
    pos,
    posProblem,
    sync,
    async stop() {
      await sync?.stop().catch(() => undefined);
      await receiving?.stop();
      await pos?.close();
    },
  };
}
