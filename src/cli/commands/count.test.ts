import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { addUserByCli, seedDataDir } from '../../testing/seed';

let tmp: string;
let data: string;
const OXY = '00002-1200-30';

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-count-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
  // The gate is strict: the NDCs below must be in the catalog (the handlers are the users added here).
  await seedDataDir(cli, data, { handlers: false });
  for (const [u, role, pw] of [
    ['tina', 'technician', 'technician-pass-1'],
    ['pat', 'pharmacist', 'pharmacist-pass-1'],
    ['pia', 'pharmacist', 'pharmacist-pass-2'],
    ['manny', 'manager', 'manager-pass-1'],
  ] as const) {
    expect((await addUserByCli(cli, data, ['--user', u, '--name', `${u} Tester`, '--role', role], `${pw}\n`)).code).toBe(0);
  }
  const f = join(tmp, 'seed.ndjson');
  const rec = (o: object) =>
    JSON.stringify({ ndc: '0002-1200-30', schedule: 'II', lot_number: 'A123', quantity: 100, facility_id: 'MAIN01', handler_id: 'tina', transaction_type: 'RECEIPT', timestamp_utc: '2026-11-01T10:00:00Z', ...o });
  writeFileSync(f, [rec({}), rec({ ndc: '0409-1234-01', schedule: 'IV', lot_number: 'B7', quantity: 250 })].join('\n') + '\n');
  expect((await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n')).code).toBe(0);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const count = (args: string[], pw = 'technician-pass-1\n') => cli(['count', '--data', data, '--user', 'tina', '--password-stdin', ...args], pw);
const sign = (hold: string, user: string, pw: string, extra: string[] = []) =>
  cli(['sign-adjustment', '--data', data, '--hold', hold, '--user', user, '--password-stdin', '--meaning', 'approval', '--reason', 'miscount', '--json', ...extra], `${pw}\n`);
const holds = async () => JSON.parse((await cli(['holds', '--data', data, '--json'])).stdout) as { hold_id: string; status: string }[];

describe('rxledger count / holds / sign-adjustment', () => {
  it('counts, places a hold over tolerance, and a pharmacist signs it away', async () => {
    const within = await count(['--ndc', '0409-1234-01', '--lot', 'B7', '--counted', '249', '--json']);
    expect(within.code).toBe(0);
    expect(JSON.parse(within.stdout)).toEqual({ count_id: expect.stringMatching(/^C-/), expected: 250, counted: 249, variance: -1, unit: 'TABLET', hold_id: null });

    const r = await count(['--ndc', '0002-1200-30', '--lot', 'A123', '--counted', '97', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['count_id', 'counted', 'expected', 'hold_id', 'unit', 'variance']);
    expect(out).toMatchObject({ expected: 100, counted: 97, variance: -3, hold_id: expect.stringMatching(/^H-/) });
    expect(await holds()).toEqual([expect.objectContaining({ hold_id: out.hold_id, status: 'active', ndc: OXY, lot: 'A123' })]);
    // Read as a person reads it: every quantity with its unit.
    expect((await cli(['holds', '--data', data])).stdout).toContain(`${out.hold_id}\tactive\t${OXY}\tA123\tvariance -3 tablets\t`);
    expect((await cli(['holds', '--data', data, '--hold', out.hold_id])).stdout).toContain('counted 97 tablets, expected 100 tablets, variance -3 tablets');

    const tech = await sign(out.hold_id, 'tina', 'technician-pass-1');
    expect(tech.code).toBe(4);
    expect(tech.stderr).toMatch(/FORBIDDEN: Only a pharmacist can sign/);

    const wrong = await sign(out.hold_id, 'pat', 'not-the-password');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/BAD_CREDENTIALS.*4 attempts left/);

    const ok = await sign(out.hold_id, 'pat', 'pharmacist-pass-1');
    expect(ok.code).toBe(0);
    const signed = JSON.parse(ok.stdout);
    expect(signed).toMatchObject({ hold_id: out.hold_id, reason: 'miscount', form_106: false, adjustment: { delta: -3, ndc: OXY, lot: 'A123' } });
    expect(signed.manifestations[0]).toMatch(/^Signed by pat Tester \(pat\) on .* — meaning: Approval — reason: Miscount$/);
    expect(await holds()).toEqual([expect.objectContaining({ hold_id: out.hold_id, status: 'released' })]);
    const stock = JSON.parse((await cli(['stock', '--data', data, '--ndc', OXY, '--json'])).stdout);
    expect(stock[0].on_hand).toBe(97);

    const again = await sign(out.hold_id, 'pia', 'pharmacist-pass-2');
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/already released by pat/);

    const detail = await cli(['holds', '--data', data, '--hold', out.hold_id]);
    expect(detail.stdout).toMatch(/Signed by pat Tester/);
    expect((await cli(['verify', '--data', data])).code).toBe(0);
  });

  it('refuses an NDC not stocked, a negative count, and a bad NDC, recording nothing', async () => {
    const before = (await cli(['ledger', '--data', data, '--json'])).stdout;
    const notStocked = await count(['--ndc', '12345-6789-01', '--counted', '5', '--json']);
    expect(notStocked.code).toBe(2);
    expect(notStocked.stderr).toMatch(/12345-6789-01 is not stocked at MAIN01/);
    const negative = await count(['--ndc', OXY, '--lot', 'A123', '--counted=-4', '--json']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/cannot be negative/);
    const bad = await count(['--ndc', 'oxy', '--counted', '4']);
    expect(bad.code).toBe(2);
    expect((await cli(['ledger', '--data', data, '--json'])).stdout).toBe(before);
  });

  it('two pharmacists resolving one hold at once: exactly one wins', async () => {
    const hold = JSON.parse((await count(['--ndc', OXY, '--lot', 'A123', '--counted', '90', '--json'])).stdout).hold_id as string;
    // A CII theft or loss is signed by two people and names its type (DEA Form 106).
    const run = (user: string, pw: string, cosigner: string, coPw: string) =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [join(repoRoot, 'bin', 'rxledger.mjs'), 'sign-adjustment', '--data', data, '--hold', hold, '--user', user, '--password-stdin', '--meaning', 'approval', '--reason', 'theft_or_loss', '--loss-type', 'theft', '--cosigner', cosigner, '--json'],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(`${pw}\n${coPw}\n`);
      });
    const results = await Promise.all([run('pat', 'pharmacist-pass-1', 'pia', 'pharmacist-pass-2'), run('pia', 'pharmacist-pass-2', 'pat', 'pharmacist-pass-1')]);
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.stderr).toMatch(/already released by (pat|pia)|locked by another program/);
    expect(JSON.parse(winners[0]!.stdout).form_106).toBe(true);
    const ledger = JSON.parse((await cli(['ledger', '--data', data, '--json'])).stdout) as { type: string }[];
    expect(ledger.filter((e) => e.type === 'ADJUSTMENT')).toHaveLength(1);
    expect(ledger.filter((e) => e.type === 'HOLD_RELEASED')).toHaveLength(1);
    expect((await cli(['verify', '--data', data])).code).toBe(0);
  }, 60_000);

  it('manual adjustments are signed, and blocked while a hold is active', async () => {
    const adj = await cli(
      ['adjust', '--data', data, '--ndc', '0409-1234-01', '--lot', 'B7', '--quantity', '3', '--kind', 'breakage', '--user', 'pat', '--password-stdin', '--meaning', 'responsibility', '--json'],
      'pharmacist-pass-1\n',
    );
    expect(adj.code).toBe(0);
    expect(JSON.parse(adj.stdout)).toMatchObject({ reason: 'breakage', adjustment: { delta: -3 } });
    await count(['--ndc', OXY, '--lot', 'A123', '--counted', '99']);
    const blocked = await cli(
      ['adjust', '--data', data, '--ndc', OXY, '--lot', 'A123', '--quantity', '1', '--kind', 'expired_destruction', '--user', 'pat', '--password-stdin', '--meaning', 'approval'],
      'pharmacist-pass-1\n',
    );
    expect(blocked.code).toBe(5);
    expect(blocked.stderr).toMatch(/HOLD_ACTIVE/);
  });

  it('tolerance: shows the default, a manager writes a new version, a technician may not', async () => {
    const shown = JSON.parse((await cli(['tolerance', '--data', data, '--json'])).stdout);
    expect(shown).toMatchObject({ version: 0, schedules: { CII: { units: 0, percent_bp: 0 } } });
    const tech = await cli(['tolerance', 'set', '--data', data, '--user', 'tina', '--password-stdin', '--schedule', 'CIV', '--units', '5'], 'technician-pass-1\n');
    expect(tech.code).toBe(4);
    const set = await cli(['tolerance', 'set', '--data', data, '--user', 'manny', '--password-stdin', '--schedule', 'CIV', '--units', '5', '--percent', '1.5', '--recount', 'on', '--json'], 'manager-pass-1\n');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ version: 1, created_by: 'manny', recount_before_hold: true, schedules: { CIV: { units: 5, percent_bp: 150 } } });
  });
});
