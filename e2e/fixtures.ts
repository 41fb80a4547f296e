import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { TEST_CATALOG, TEST_HANDLERS } from '../src/testing/seed';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(repoRoot, 'bin', 'rxledger.mjs');

/** Runs the real `rxledger` command, as a user or a script would. */
export function rxledger(args: string[], input = ''): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface Station {
  dataDir: string;
  url: string;
  origin: string;
  token: string;
  posUrl: string | null;
  posToken: string | null;
  /** Printed by the first start of an empty data folder. */
  oneTimePassword: string | null;
  stdout: string;
  /** Run a CLI command against this station's data folder. */
  cli(args: string[], input?: string): { status: number; stdout: string; stderr: string };
  /** A command that writes, run for the administrator (`--as admin`, the password on stdin). */
  asAdmin(args: string[], input?: string): { status: number; stdout: string; stderr: string };
  /** `rxledger user add` by the administrator, then `rxledger passwd` by the user: a new account must change the password it was given. */
  addUser(user: string, role: 'technician' | 'pharmacist' | 'manager' | 'admin', password: string, name?: string): void;
  ingest(lines: object[]): void;
}

export interface StationOptions {
  idleSeconds?: number;
  env?: Record<string, string>;
  /** Start on an empty data folder, as `npm start` does the first time. */
  fresh?: boolean;
  /** Prepare the data folder before the host starts (users, stock). */
  seed?: (s: Pick<Station, 'cli' | 'asAdmin' | 'addUser' | 'ingest' | 'dataDir'>) => void;
  /**
   * The ingestion gate is strict (an NDC must be in the catalog, a handler must be a user):
   * by default the data folder gets the test catalog (src/testing/fixtures/test-catalog.json)
   * and the fixtures' handler users (tech01, rph01) through `rxledger catalog import` and
   * `rxledger user add`, before `seed`. false: neither; or choose.
   */
  testData?: boolean | { catalog?: boolean; handlers?: boolean };
}

export const ADMIN_PASSWORD = 'admin-password-e2e';

/** A workstation in browser mode with its own data folder, started with `rxledger serve`. */
export async function startStation(opts: StationOptions = {}): Promise<Station & { stop: () => Promise<void> }> {
  const tmp = mkdtempSync(join(tmpdir(), 'rxl-e2e-'));
  const dataDir = join(tmp, 'ws');
  const cli = (args: string[], input = '') => {
    const r = rxledger([...args, '--data', dataDir], input);
    if (r.status !== 0 && !args.includes('--allow-fail')) throw new Error(`rxledger ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r;
  };
  const asAdmin: Station['asAdmin'] = (args, input = '') => cli([...args, '--as', 'admin'], `${ADMIN_PASSWORD}\n${input}`);
  const addUser: Station['addUser'] = (user, role, password, name) => {
    asAdmin(['user', 'add', '--user', user, '--name', name ?? `${user[0]!.toUpperCase()}${user.slice(1)} Tester`, '--role', role], `${password}-first\n`);
    cli(['passwd', '--user', user, '--password-stdin'], `${password}-first\n${password}\n`);
  };
  const ingest: Station['ingest'] = (lines) => {
    const f = join(tmp, `seed-${Date.now()}-${Math.random().toString(36).slice(2)}.ndjson`);
    writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    asAdmin(['ingest', f]);
  };
  if (!opts.fresh) {
    cli(['init', '--facility', 'MAIN01'], `${ADMIN_PASSWORD}\n`);
    const testData = opts.testData === undefined || opts.testData === true ? {} : opts.testData;
    if (testData) {
      if (testData.catalog !== false) asAdmin(['catalog', 'import', TEST_CATALOG]);
      if (testData.handlers !== false) for (const h of TEST_HANDLERS) addUser(h.userId, h.role, h.password, h.name);
    }
    opts.seed?.({ cli, asAdmin, addUser, ingest, dataDir });
  }

  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0', '--test-hooks'], {
    // Port 0: stations of parallel tests must not compete for the POS API's usual port.
    env: { ...process.env, RXLEDGER_POS_PORT: '0', ...(opts.idleSeconds ? { RXLEDGER_IDLE_SECONDS: String(opts.idleSeconds) } : {}), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rxledger serve did not start: ${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      // The address to open is printed last, alone on its line (src/main/host/start-banner.ts).
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)\r?\n/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`rxledger serve exited with ${code}: ${stderr}`)));
  });
  const otp = /one-time password (\S+)/.exec(stdout);
  const pos = /POS API .*? on (127\.0\.0\.1:\d+)/.exec(stdout);
  const u = new URL(url);
  return {
    dataDir,
    url,
    origin: u.origin,
    token: u.hash.replace('#token=', ''),
    posUrl: pos?.[1] ? `http://${pos[1]}` : null,
    posToken: null,
    oneTimePassword: otp?.[1] ?? null,
    stdout,
    cli,
    asAdmin,
    addUser,
    ingest,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in screen, as a person would. */
export async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByTestId('signin-user').fill(user);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-password').press('Enter');
}

/**
 * Holds the workstation's answers on one channel until `release()`: a busy workstation, slow to
 * answer, for checking that what a person types meanwhile is not replaced when the answer comes.
 */
export async function holdReplies(page: Page, channel: string): Promise<{ release: () => Promise<void> }> {
  const pattern = `**/api/${channel}`;
  let open!: () => void;
  const held = new Promise<void>((r) => (open = r));
  const passing: Promise<void>[] = [];
  await page.route(pattern, (route) => {
    const p = held.then(() => route.continue());
    passing.push(p);
    return p;
  });
  return {
    release: async () => {
      open();
      // Unrouting while a held request is still being let through would hand it on twice.
      await Promise.all(passing);
      await page.unroute(pattern);
    },
  };
}

/**
 * Opens a form with its stored values held back (holdReplies), checks that it cannot be saved
 * meanwhile, types `text` into `field` while they are held, and only then lets them through;
 * resolves once the typing is done. The caller checks that what was typed is still there.
 */
export async function typeWhileHeld(page: Page, channel: string, open: () => Promise<void>, save: Locator, field: Locator, text: string): Promise<void> {
  const slow = await holdReplies(page, channel);
  await open();
  await expect(save).toBeDisabled();
  const typing = field.fill(text);
  await page.waitForTimeout(300);
  await slow.release();
  await typing;
}

export const test = base.extend<{ station: Station }>({
  station: async ({}, use) => {
    const s = await startStation();
    await use(s);
    await s.stop();
  },
});

export { expect };

export { drugRecord } from '../src/testing/drug-records';
