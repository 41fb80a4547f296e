import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pdfText } from '../../reports-pdf/pdf-text';
import { parseCsv } from '../../shared/reports/csv';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { addUserByCli } from '../../testing/seed';

let tmp: string;
let data: string;
const OXY = '65162-0047-10';

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-report-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
  expect((await addUserByCli(cli, data, ['--user', 'manny', '--name', 'Manny Manager', '--role', 'manager'], 'manager-pass-1\n')).code).toBe(0);
  expect((await addUserByCli(cli, data, ['--user', 'tina', '--name', 'Tina Technician', '--role', 'technician'], 'technician-pass-1\n')).code).toBe(0);
  const cat = join(repoRoot, 'resources', 'catalog');
  expect((await cli(['catalog', 'import', '--data', data, '--as', 'admin', join(cat, 'openfda_ndc_sample.csv')], 'admin-password-1\n')).code).toBe(0);
  const f = join(tmp, 'seed.ndjson');
  const rec = (o: object) => JSON.stringify({ ndc: OXY, schedule: 'II', lot_number: 'A1', quantity: 100, facility_id: 'MAIN01', handler_id: 'tina', transaction_type: 'RECEIPT', timestamp_utc: '2026-11-01T15:00:00Z', ...o });
  writeFileSync(f, [rec({}), rec({ transaction_type: 'DISPENSE', quantity: 12, timestamp_utc: '2026-11-02T15:00:00Z' })].join('\n') + '\n');
  expect((await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n')).code).toBe(0);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** An export by the manager unless the test names another --user. */
const report = (kind: string, args: string[], stdin = '') =>
  args.includes('--user') ? cli(['report', kind, '--data', data, ...args], stdin) : cli(['report', kind, '--data', data, ...args, '--user', 'manny', '--password-stdin'], 'manager-pass-1\n');

describe('rxledger facility / report', () => {
  it('refuses DEA records until the registrant is set, checks the DEA check digit, then exports CSV and PDF', async () => {
    const out = join(tmp, 'log.csv');
    const refused = await report('cii-log', ['--format', 'csv', '--out', out]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/name, address, DEA registration number are not set: .*rxledger facility set --data DIR --name NAME --address ADDRESS --dea-number/);

    const bad = await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield', '--dea-number', 'AB1234564'], 'admin-password-1\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/wrong check digit \(expected 3\)/);
    const set = await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield', '--dea-number', 'ab1234563', '--json'], 'admin-password-1\n');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ dea_number: 'AB1234563' });

    const r = await report('cii-log', ['--from', '2026-11-01', '--to', '2026-11-30', '--format', 'csv', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    const bytes = readFileSync(out);
    expect(summary).toMatchObject({ file: out, sha256: createHash('sha256').update(bytes).digest('hex'), lines: 2, exported_by: 'manny' });
    const records = parseCsv(bytes.toString('utf8'));
    const head = records[0]!;
    const L = records.filter((x) => x[0] === 'line');
    expect(L.map((x) => [x[head.indexOf('type')], x[head.indexOf('balance')]])).toEqual([
      ['RECEIPT', '100'],
      ['DISPENSE', '88'],
    ]);
    expect(records.find((x) => x[0] === 'group')![1]).toMatch(/^NDC 65162-0047-10 — Oxycodone Hydrochloride/);

    const pdfOut = join(tmp, 'biennial.pdf');
    const p = await report('biennial', ['--to', '2026-11-30', '--taken', 'opening', '--format', 'pdf', '--out', pdfOut, '--user', 'manny', '--password-stdin'], 'manager-pass-1\n');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/note: INCOMPLETE: 1 Schedule II line/);
    expect(p.stdout).toMatch(/export recorded in the audit trail \(record \d+, by manny\)/);
    const text = pdfText(readFileSync(pdfOut));
    expect(text).toContain('Registrant: Main Street Pharmacy');
    expect(text).toContain('Taken at: opening of business');
    expect(text).toMatch(/CII 65162-0047-10 Oxycodone Hydrochloride/);
    expect(text).toMatch(/ 88 NOT COUNTED/);

    const audit = JSON.parse((await report('audit', ['--format', 'csv', '--out', join(tmp, 'audit.csv'), '--json'])).stdout);
    const auditCsv = parseCsv(readFileSync(join(tmp, 'audit.csv'), 'utf8'));
    const exports = auditCsv.filter((x) => x[0] === 'line' && x[4] === 'REPORT_EXPORTED');
    expect(exports.map((x) => x[7])).toEqual([expect.stringContaining(summary.sha256), expect.stringContaining('biennial')]);
    expect(audit.lines).toBeGreaterThan(3);
  });

  it('bad input: usage, an empty period, a path that cannot be written, a technician, a wrong password', async () => {
    await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St', '--dea-number', 'AB1234563'], 'admin-password-1\n');
    expect((await report('inventory', ['--format', 'csv', '--out', 'x'])).stderr).toMatch(/unknown report "inventory"/);
    expect((await report('audit', ['--format', 'xls', '--out', join(tmp, 'a')])).code).toBe(2);
    const empty = await report('cii-log', ['--from', '2026-12-01', '--to', '2026-11-01', '--format', 'csv', '--out', join(tmp, 'e.csv')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/the period is empty: --from 2026-12-01 is after --to 2026-11-01/);
    const nowhere = await report('receipts', ['--format', 'csv', '--out', join(tmp, 'missing', 'r.csv')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/cannot write r\.csv: the folder .*missing does not exist\. Choose another --out path/);
    const tech = await report('audit', ['--format', 'csv', '--out', join(tmp, 't.csv'), '--user', 'tina', '--password-stdin'], 'technician-pass-1\n');
    expect(tech.code).toBe(4);
    expect(tech.stderr).toMatch(/FORBIDDEN: a technician may not export reports/);
    const wrong = await report('audit', ['--format', 'csv', '--out', join(tmp, 't.csv'), '--user', 'manny', '--password-stdin'], 'nope\n');
    expect(wrong.code).toBe(4);
  });

  it('--schedules: the dispensing record of CII only, or of CIII–V only; a bad value and the audit trail refused', async () => {
    expect((await cli(['facility', 'set', '--data', data, '--as', 'admin', '--name', 'Main Street Pharmacy', '--address', '1 Main St, Springfield', '--dea-number', 'AB1234563'], 'admin-password-1\n')).code).toBe(0);
    const out = join(tmp, 'disp.csv');
    expect((await report('dispensing', ['--format', 'csv', '--out', out, '--schedules', 'cii'])).code).toBe(0);
    const cii = parseCsv(readFileSync(out, 'utf8'));
    expect(cii.filter((r) => r[0] === 'line').map((r) => [r[cii[0]!.indexOf('ndc')], r[cii[0]!.indexOf('units')], r[cii[0]!.indexOf('dosage_form')]])).toEqual([[OXY, '12', 'TABLET']]);
    expect((await report('dispensing', ['--format', 'csv', '--out', out, '--schedules', 'ciii-v'])).code).toBe(0);
    expect(parseCsv(readFileSync(out, 'utf8')).filter((r) => r[0] === 'line')).toEqual([]);
    const bad = await report('dispensing', ['--format', 'csv', '--out', out, '--schedules', 'II']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--schedules is all, cii, ciii-v/)]);
    expect((await report('audit', ['--format', 'csv', '--out', out, '--schedules', 'cii'])).code).toBe(2);
  });
});
