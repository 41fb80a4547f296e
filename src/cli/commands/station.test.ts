import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELPER_NICENESS } from '../../main/host/thread-priority';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';

let tmp: string;
let data: string;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-station-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('rxledger station and pos-token', () => {
  it('prints a stable token, serves the POS API on loopback, and stops on SIGTERM', async () => {
    const a = await cli(['pos-token', '--data', data, '--as', 'admin'], 'admin-password-1\n');
    const b = await cli(['pos-token', '--data', data, '--as', 'admin', '--json'], 'admin-password-1\n');
    const token = a.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(b.stdout)).toEqual({ token });

    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rxledger.mjs'), 'station', '--data', data, '--port', '0', '--json', '--no-sync'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`station exited early (${code})`)));
      });
      const info = JSON.parse(first) as { pos_url: string; port: number; facility_id: string; sync: string };
      expect(info).toMatchObject({ facility_id: 'MAIN01', sync: 'off (--no-sync)' });
      expect(info.pos_url).toBe(`http://127.0.0.1:${info.port}/pos/v1/`);
      if (process.platform === 'linux') {
        // Ready means its helper threads yield to the main thread, which answers the POS (host/thread-priority.ts).
        const nice = (tid: string) => {
          const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        };
        const tids = readdirSync(`/proc/${child.pid}/task`);
        expect(nice(String(child.pid))).toBe(0);
        expect(tids.filter((t) => t !== String(child.pid)).map(nice)).toEqual(tids.filter((t) => t !== String(child.pid)).map(() => HELPER_NICENESS));
      }
      const health = await fetch(`${info.pos_url}health`, { headers: { authorization: `Bearer ${token}` } });
      expect(health.status).toBe(200);
      const refused = await fetch(`${info.pos_url}dispense`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ transaction_id: 'S-1', ndc: '00002-1200-30', lot: 'L1', quantity: 1, handler_id: 'tech01', occurred_at: '2026-11-01T10:00:00Z', patient: { id: 'P1' } }),
      });
      expect(refused.status).toBe(409);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const list = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout);
    // The gate is strict by default: no catalog loaded and tech01 is no user here.
    expect(list).toMatchObject([{ source: 'pos:dispense', reasons: ['UNKNOWN_NDC', 'UNAUTHORIZED_HANDLER'] }]);
  }, 60_000);

  it('listens on the workstation POS port when --port is not given (RXLEDGER_POS_PORT here), and refuses a bad one', async () => {
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rxledger.mjs'), 'station', '--data', data, '--json', '--no-sync'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RXLEDGER_POS_PORT: String(free) },
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`station exited early (${code})`)));
      });
      expect(JSON.parse(first)).toMatchObject({ port: free, pos_url: `http://127.0.0.1:${free}/pos/v1/` });
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const bad = await cli(['station', '--data', data], '', { RXLEDGER_POS_PORT: 'seventy' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/POS port "seventy" is not a port number/);
    const badFlag = await cli(['station', '--data', data, '--port', '70000']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--port must be a port number/);
  }, 60_000);
});
