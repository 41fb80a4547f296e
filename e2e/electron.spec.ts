import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
// @ts-expect-error -- a plain .mjs helper shared with scripts/start.mjs
import { findElectronRuntime } from '../scripts/electron-runtime.mjs';
import { ADMIN_PASSWORD, repoRoot, rxledger, signIn } from './fixtures';

const runtime = findElectronRuntime() as { path: string | null; reason: string | null };
if (!runtime.path) console.log(`[electron.spec] skipped: the Electron runtime is not available here (${runtime.reason}).`);

test.describe('desktop app (Electron)', () => {
  test.skip(!runtime.path, `Electron runtime not available here: ${runtime.reason}. This spec runs where the runtime can be downloaded; browser mode covers the same UI and contract.`);

  test('opens a hardened window whose page sees only the bridge, and signs in', async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' });
    const tmp = mkdtempSync(join(tmpdir(), 'rxl-electron-'));
    const data = join(tmp, 'ws');
    expect(rxledger(['init', '--data', data, '--facility', 'MAIN01'], `${ADMIN_PASSWORD}\n`).status).toBe(0);
    const app = await electron.launch({
      executablePath: runtime.path!,
      args: [join(repoRoot, 'out', 'main', 'index.js'), '--data', data],
      env: { ...process.env, RXLEDGER_DATA: data },
    });
    try {
      const page = await app.firstWindow();
      const exposed = await page.evaluate(() => ({
        bridge: Object.keys((window as unknown as { rxledger: object }).rxledger),
        hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
        hasRequire: typeof (globalThis as { require?: unknown }).require !== 'undefined',
      }));
      expect(exposed).toEqual({ bridge: ['invoke'], hasProcess: false, hasRequire: false });
      await signIn(page, 'admin', ADMIN_PASSWORD);
      await expect(page.getByTestId('status-user')).toContainText('Administrator');
    } finally {
      await app.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
