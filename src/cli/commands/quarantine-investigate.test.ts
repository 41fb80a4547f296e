import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drugRecordLine } from '../../testing/drug-records';
import { cli } from '../../testing/run-cli';
import { seedDataDir, TEST_ADMIN_PASSWORD } from '../../testing/seed';
import { localDate } from '../../shared/reports/period';

/** `rxledger quarantine investigate|clear|illegitimate`, on a real data folder, two suspects. */
describe('quarantine investigate, clear, illegitimate from the command line', () => {
  let tmp: string;
  let data: string;
  // The command signs in the computer's zone (no time_zone setting in a fresh folder).
  const today = localDate(new Date(), Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rxl-qi-'));
    data = join(tmp, 'ws');
    expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], `${TEST_ADMIN_PASSWORD}\n`)).code).toBe(0);
    await seedDataDir(cli, data);
    const f = join(tmp, 'in.ndjson');
    // A bottle received, then the same serial twice more: two suspects (#1, #2).
    const at = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const line = (h: number) => drugRecordLine({ serial_number: 'SN77', quantity: 30, expiry: '2028-12-31', timestamp_utc: at(h) });
    writeFileSync(f, [line(3), line(2), line(1)].join('\n') + '\n');
    expect((await cli(['ingest', '--data', data, '--as', 'admin', f], `${TEST_ADMIN_PASSWORD}\n`)).code).toBe(1);
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('signs a finding and an illegitimate outcome, refuses a technician and a missing 3911 date, and clears the other suspect once', async () => {
    const list = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout) as Array<{ id: number; reasons: string[] }>;
    expect(list.map((i) => i.reasons)).toEqual([['DUPLICATE_SERIAL'], ['DUPLICATE_SERIAL']]);
    const [a, b] = list.map((i) => String(i.id)) as [string, string];

    const show = await cli(['quarantine', 'show', a, '--data', data]);
    expect(show.stdout).toMatch(/^This bottle's serial number was already received on \d+ \w+ — possible counterfeit or double scan/);
    expect(show.stdout).toMatch(/NDC 00002-1200-30, lot A123, serial SN77/);

    const inv = await cli(['quarantine', 'investigate', a, '--data', data, '--note', 'Wholesaler: SN77 shipped once', '--user', 'rph01', '--password-stdin', '--json'], 'rph01-password-1\n');
    expect(inv.code).toBe(0);
    expect(JSON.parse(inv.stdout)).toMatchObject({ step: 'finding', signed_by: 'rph01', status: 'open' });

    const tech = await cli(['quarantine', 'clear', b, '--data', data, '--note', 'looks fine', '--user', 'tech01', '--password-stdin'], 'tech01-password-1\n');
    expect(tech.code).toBe(4);
    expect(tech.stderr).toMatch(/Only a pharmacist can sign/);

    const no3911 = await cli(['quarantine', 'illegitimate', a, '--data', data, '--note', 'fake label', '--partner-notice-date', today, '--user', 'rph01', '--password-stdin'], 'rph01-password-1\n');
    expect(no3911.code).toBe(2);
    expect(no3911.stderr).toMatch(/FDA Form 3911 notification date: required/);

    const ill = await cli(['quarantine', 'illegitimate', a, '--data', data, '--note', 'fake label', '--fda-3911-date', today, '--partner-notice-date', today, '--user', 'rph01', '--password-stdin', '--json'], 'rph01-password-1\n');
    expect(ill.code).toBe(0);
    expect(JSON.parse(ill.stdout)).toMatchObject({ step: 'illegitimate', fda_3911_date: today, partner_notice_date: today, status: 'rejected' });

    expect((await cli(['quarantine', 'clear', b, '--data', data, '--note', 'double scan', '--user', 'rph01', '--password-stdin'], 'rph01-password-1\n')).code).toBe(0);
    const twice = await cli(['quarantine', 'clear', b, '--data', data, '--note', 'double scan', '--user', 'rph01', '--password-stdin'], 'rph01-password-1\n');
    expect(twice.code).toBe(5);
    expect(twice.stderr).toMatch(/already cleared by Robin Pharmacist/);
    const shown = JSON.parse((await cli(['quarantine', 'show', b, '--data', data, '--json'])).stdout);
    expect(shown.summary.investigation).toBe('cleared');
    expect(shown.investigation).toHaveLength(1);
  }, 120_000);
});
