import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/reports/csv';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { addUserByCli } from '../../testing/seed';

/**
 * Issue 11 through the CLI, from a fresh data folder and the real FDA/openFDA catalog sample:
 * quantities are dosage units converted through the catalog, and an inventory is true at the
 * instant it states.
 */
const ALPRAZOLAM = '59762-3721-01'; // "100 TABLET in 1 BOTTLE", CIV
const OXYCODONE = '65162-0047-10'; // "100 TABLET in 1 BOTTLE", CII
let tmp: string;
let data: string;

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-units-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
  const sample = join(repoRoot, 'resources', 'catalog');
  expect((await cli(['catalog', 'import', '--data', data, '--as', 'admin', join(sample, 'fda_product_sample.txt'), join(sample, 'fda_package_sample.txt'), join(sample, 'openfda_ndc_sample.csv')], 'admin-password-1\n')).code).toBe(0);
  for (const [u, role, pw] of [
    ['tina', 'technician', 'technician-pass-1'],
    ['pat', 'pharmacist', 'pharmacist-pass-1'],
    ['pia', 'pharmacist', 'pharmacist-pass-2'],
  ] as const) {
    expect((await addUserByCli(cli, data, ['--user', u, '--name', `${u} Tester`, '--role', role], `${pw}\n`)).code).toBe(0);
  }
  await cli(['tolerance', 'set', '--data', data, '--user', 'pat', '--password-stdin', '--two-person-cii', 'off'], 'pharmacist-pass-1\n');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const ingest = async (records: object[]) => {
  const f = join(tmp, `in-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(f, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
};
const record = (o: object) => ({ schedule: 'IV', lot_number: 'ALP1', facility_id: 'MAIN01', handler_id: 'tina', transaction_type: 'RECEIPT', timestamp_utc: new Date(Date.now() - 86_400_000 * 2).toISOString(), ndc: ALPRAZOLAM, ...o });
const stockOf = async (ndc: string) => JSON.parse((await cli(['stock', '--data', data, '--ndc', ndc, '--json'])).stdout) as { lot: string; on_hand: number; unit: string; units_per_container: number }[];
const quarantine = async () => {
  const list = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout) as { id: number }[];
  return Promise.all(list.map(async (i) => JSON.parse((await cli(['quarantine', 'show', String(i.id), '--data', data, '--json'])).stdout) as { reasons: string[]; issues: string[] }));
};

describe('dosage units through the catalog', () => {
  it('a bottle of 100 alprazolam sent as one container is 100 tablets, and a blind count of 100 finds no variance', async () => {
    const r = await ingest([record({ containers: 1 })]);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 1 });
    expect(await stockOf(ALPRAZOLAM)).toEqual([expect.objectContaining({ lot: 'ALP1', on_hand: 100, unit: 'TABLET', units_per_container: 100 })]);
    const ledger = JSON.parse((await cli(['ledger', '--data', data, '--json'])).stdout) as { quantity: number; data: Record<string, unknown> }[];
    expect(ledger[0]).toMatchObject({ quantity: 100, data: { containers: 1, units_per_container: 100, unit: 'TABLET' } });

    const count = await cli(['count', '--data', data, '--user', 'tina', '--password-stdin', '--ndc', ALPRAZOLAM, '--lot', 'ALP1', '--containers', '1+0', '--json'], 'technician-pass-1\n');
    expect(JSON.parse(count.stdout)).toMatchObject({ expected: 100, counted: 100, variance: 0, unit: 'TABLET', hold_id: null });
    const text = await cli(['count', '--data', data, '--user', 'tina', '--password-stdin', '--ndc', ALPRAZOLAM, '--lot', 'ALP1', '--containers', '0+99'], 'technician-pass-1\n');
    expect(text.stdout).toMatch(/counted 99 tablets, expected 1 × 100 tablets/);
  });

  it('refuses what cannot be turned into units, naming the fix, and commits nothing of it', async () => {
    const r = await ingest([
      record({ quantity: 30, unit: 'mL', idempotency_key: 'a' }), // a tablet NDC in mL
      record({ containers: 1.5, idempotency_key: 'b' }), // not a whole container
      record({ ndc: '0002-0800-01', schedule: 'OTC', containers: 2, idempotency_key: 'c' }), // 10 mL vials: fine
    ]);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ accepted: 1, rejected: 2 });
    const q = await quarantine();
    expect(q.find((i) => i.reasons.includes('UNIT_MISMATCH'))!.issues.join(' ')).toMatch(/59762-3721-01 is counted in TABLET .*says 30 mL/);
    expect(q.find((i) => i.issues.join(' ').includes('containers'))!.issues.join(' ')).toMatch(/whole number of packages/);
    expect(await stockOf('00002-0800-01')).toEqual([expect.objectContaining({ on_hand: 20, unit: 'mL' })]);
    expect(await stockOf(ALPRAZOLAM)).toEqual([]);
  });
});

describe('inventory true at the stated time', () => {
  // Report dates are local days in the workstation's zone (here the computer's own).
  const localDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }).format(new Date(ms));
  const today = () => localDay(Date.now());
  const biennial = async (args: string[]) => {
    const out = join(tmp, `inv-${Math.random().toString(36).slice(2)}.csv`);
    const r = await cli(['report', 'biennial', '--data', data, '--format', 'csv', '--out', out, '--user', 'pat', '--password-stdin', ...args], 'pharmacist-pass-1\n');
    return { ...r, records: r.code === 0 ? parseCsv(readFileSync(out, 'utf8')) : [] };
  };

  it('a loss, a destruction and a breakage signed after the morning count: close and opening differ; the past comes from the ledger', async () => {
    expect((await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield, IL', '--dea-number', 'AB1234563'], 'admin-password-1\n')).code).toBe(0);
    // Received two days ago: 3 bottles of 100.
    expect(JSON.parse((await ingest([record({ ndc: OXYCODONE, schedule: 'II', lot_number: 'OXY1', containers: 3 })])).stdout)[0]).toMatchObject({ accepted: 1 });
    // This morning's exact count, then three signed adjustments later the same day.
    const count = await cli(['count', '--data', data, '--user', 'tina', '--password-stdin', '--ndc', OXYCODONE, '--lot', 'OXY1', '--counted', '300', '--json'], 'technician-pass-1\n');
    expect(JSON.parse(count.stdout)).toMatchObject({ variance: 0 });
    const adjust = (kind: string, n: number, extra: string[] = [], pw = 'pharmacist-pass-1\n') =>
      cli(['adjust', '--data', data, '--ndc', OXYCODONE, '--lot', 'OXY1', '--quantity', String(n), '--kind', kind, '--user', 'pat', '--password-stdin', '--meaning', 'approval', ...extra], pw);
    // A CII loss and a destruction are each signed by two people.
    const two = 'pharmacist-pass-1\npharmacist-pass-2\n';
    expect((await adjust('theft_or_loss', 20, ['--cosigner', 'pia', '--loss-type', 'employee_pilferage'], two)).code).toBe(0);
    expect((await adjust('expired_destruction', 50, ['--cosigner', 'pia', '--method', 'denaturing kit', '--place', 'pharmacy back room'], two)).code).toBe(0);
    expect((await adjust('breakage', 10)).code).toBe(0);

    const close = await biennial(['--to', today(), '--taken', 'close']);
    expect(close.code).toBe(0);
    const col = (k: string) => close.records[0]!.indexOf(k);
    const line = close.records.find((r) => r[0] === 'line' && r[col('ndc')] === OXYCODONE)!;
    expect([line[col('total_units')], line[col('book_units')], line[col('unit')]]).toEqual(['220', '220', 'TABLET']);
    expect(line[col('basis')]).toMatch(/^exact count at .*rolled forward by 3 movement\(s\)$/);
    const moves = close.records.filter((r) => r[0] === 'movement');
    expect(moves.map((m) => m[col('total_units')])).toEqual(['-20', '-50', '-10']);
    expect(moves[0]![col('basis')]).toMatch(/^out 20 tablets — theft or loss; reason: Theft or loss/);

    const opening = await biennial(['--to', today(), '--taken', 'opening']);
    const oCol = (k: string) => opening.records[0]!.indexOf(k);
    const oLine = opening.records.find((r) => r[0] === 'line' && r[oCol('ndc')] === OXYCODONE)!;
    // At the opening of business the day's count and adjustments had not happened.
    expect([oLine[oCol('total_units')], oLine[oCol('book_units')]]).toEqual(['300', '300']);
    expect(oLine[oCol('basis')]).toBe('NOT COUNTED — book balance');
    expect(opening.records.filter((r) => r[0] === 'movement')).toEqual([]);

    const yesterday = localDay(Date.now() - 86_400_000);
    const past = await biennial(['--to', yesterday, '--taken', 'close']);
    expect(past.records.find((r) => r[0] === 'line' && r[oCol('ndc')] === OXYCODONE)![oCol('total_units')]).toBe('300');
  });

  it('refuses an inventory in the future or before the first entry, naming the fix', async () => {
    await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield, IL', '--dea-number', 'AB1234563'], 'admin-password-1\n');
    await ingest([record({ containers: 1 })]);
    const tomorrow = localDay(Date.now() + 2 * 86_400_000);
    const future = await biennial(['--to', tomorrow]);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/is in the future .*give today or an earlier date/);
    const early = await biennial(['--to', '2020-01-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/before the first entry of this ledger .*Give --to \d{4}-\d{2}-\d{2} or later/);
  });
});
