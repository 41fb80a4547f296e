import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where a workstation keeps its data: `--data DIR`, else RXLEDGER_DATA, else the user's data
 * folder — the same place Electron's app.getPath('userData') gives for an app named RxLedger,
 * so the desktop app, browser mode and the CLI find one database.
 */
export function resolveDataDir(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  if (flag) return resolve(flag);
  if (env.RXLEDGER_DATA) return resolve(env.RXLEDGER_DATA);
  return defaultUserDataDir(env);
}

export function defaultUserDataDir(env: Record<string, string | undefined> = process.env): string {
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'RxLedger');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'RxLedger');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'RxLedger');
  }
}
