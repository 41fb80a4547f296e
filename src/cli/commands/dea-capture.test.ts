import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { addUserByCli } from '../../testing/seed';

/**
 * Issue 14 §1, §2 through NDJSON: what 21 CFR 1304.22(c) and 1305.13(e)/1305.22(g) ask a receipt
 * and a dispense to carry — supplier, order form, prescription — recorded from the file, and
 * refused with the field named when a DEA number fails its check or an order form is reused.
 */
const OXY = '65162-0047-10'; // CII, 100 TABLET in 1 BOTTLE (resources/catalog)
let tmp: string;
let data: string;

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-dea-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
  const sample = join(repoRoot, 'resources', 'catalog');
  await cli(['catalog', 'import', '--data', data, '--as', 'admin', join(sample, 'openfda_ndc_sample.csv')], 'admin-password-1\n');
  expect((await addUserByCli(cli, data, ['--user', 'tina', '--name', 'Tina Technician', '--role', 'technician'], 'technician-pass-1\n')).code).toBe(0);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const supplier = { name: 'Cardinal Health 110', address: '7000 Cardinal Pl, Dublin, OH 43017', dea_number: 'RC0183272' };
const rec = (o: object) => ({ ndc: OXY, schedule: 'II', lot_number: 'OXY1', facility_id: 'MAIN01', handler_id: 'tina', transaction_type: 'RECEIPT', timestamp_utc: '2026-11-02T15:00:00Z', expiry: '2028-01-31', ...o });
const ingest = async (records: object[]) => {
  const f = join(tmp, `in-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(f, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const r = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
  return { ...r, out: JSON.parse(r.stdout)[0] as { accepted: number; quarantined: number } };
};
const ledger = async () => JSON.parse((await cli(['ledger', '--data', data, '--json'])).stdout) as { type: string; data: Record<string, unknown> }[];

describe('receipts and dispenses carry what the DEA asks, from NDJSON', () => {
  it('records the supplier, the order form and its line, the date received and the containers', async () => {
    const r = await ingest([rec({ containers: 2, supplier, order_form: { kind: '222', number: '171234567', line: 3 } })]);
    expect(r.out).toMatchObject({ accepted: 1 });
    const [e] = await ledger();
    expect(e!.data).toMatchObject({ supplier, order_form: { kind: '222', number: '171234567', line: 3 }, date_received: '2026-11-02', containers: 2, units_per_container: 100, unit: 'TABLET' });
  });

  it('records the prescription on a dispense', async () => {
    await ingest([rec({ containers: 1, supplier, order_form: { kind: 'CSOS', number: 'CSOS-881' } })]);
    const r = await ingest([rec({ transaction_type: 'DISPENSE', quantity: 30, timestamp_utc: '2026-11-03T15:00:00Z', prescription: { number: 'RX-100045', prescriber_name: 'Dana Lee, MD', prescriber_dea: 'BL1234563' } })]);
    expect(r.out).toMatchObject({ accepted: 1 });
    const d = (await ledger()).find((x) => x.type === 'DISPENSE')!;
    expect(d.data.prescription).toEqual({ number: 'RX-100045', prescriber_name: 'Dana Lee, MD', prescriber_dea: 'BL1234563' });
  });

  it('refuses a DEA number with a wrong check digit, naming the field, and a 222 reused for another supplier', async () => {
    const bad = await ingest([rec({ containers: 1, supplier: { ...supplier, dea_number: 'RC0183273' } })]);
    expect(bad.out).toMatchObject({ accepted: 0, quarantined: 1 });
    expect(bad.stderr).toMatch(/supplier\.dea_number: DEA number "RC0183273" has a wrong check digit \(expected 2\)/);
    const rx = await ingest([rec({ transaction_type: 'DISPENSE', quantity: 1, prescription: { number: 'RX-1', prescriber_name: 'Dana Lee, MD', prescriber_dea: 'BL1234564' } })]);
    expect(rx.stderr).toMatch(/prescription\.prescriber_dea: DEA number "BL1234564" has a wrong check digit/);

    expect((await ingest([rec({ containers: 1, supplier, order_form: { kind: '222', number: '170000001' } })])).out).toMatchObject({ accepted: 1 });
    // The same order's second delivery is fine; another supplier under the same form number is not.
    expect((await ingest([rec({ containers: 1, lot_number: 'OXY2', supplier, order_form: { kind: '222', number: '170000001' } })])).out).toMatchObject({ accepted: 1 });
    const other = { name: 'McKesson', address: '1 Post St, San Francisco, CA', dea_number: 'RM0220082' };
    const reused = await ingest([rec({ containers: 1, lot_number: 'OXY3', supplier: other, order_form: { kind: '222', number: '170000001' } })]);
    expect(reused.out).toMatchObject({ accepted: 0, quarantined: 1 });
    expect(reused.stderr).toMatch(/ORDER_FORM_REUSED: order_form: DEA Form 222 170000001 was already used for an order from supplier DEA RC0183272/);
  });
});
