import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/reports/csv';
import type { ReportRequest } from '../../shared/reports/types';
import { TEST_CATALOG } from '../../testing/seed';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { CatalogStore } from '../catalog/store';
import { resolveHold } from '../holds/adjustments';
import { createCount } from '../counts/count-sessions';
import { quickCount } from '../counts/submit';
import { recordInitialInventory } from '../inventory/initial';
import type { Workstation } from '../workstation';
import { exportReportToFile, produceReport, ReportRefusedError, setRegistrant } from './export';
import { pdfText } from '../../reports-pdf/pdf-text';

const OXY = '00002-1200-30';
const ALP = '00409-1234-01';
const NOW = new Date('2026-11-20T15:00:00.000Z');
let ws: Workstation;
let dir: string;
let cleanup: () => void;
const admin = { user_id: 'admin', name: 'Administrator' };

beforeEach(() => {
  // The gate is strict: counts and adjustments need the NDCs in the catalog (test catalog).
  ({ ws, dir, cleanup } = tempWorkstation({ clock: { now: () => NOW }, seed: { handlers: false } }));
  ws.setSetting('time_zone', 'America/New_York');
  ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: 'technician-pass-1', actor: 'test' });
  ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: 'pharmacist-pass-1', actor: 'test' });
  setRegistrant(ws, { name: 'Main Street Pharmacy', address: '1 Main Street, Springfield, IL 62701', deaNumber: 'AB1234563' }, 'admin');
  ws.ledger.append([
    receipt({
      ndc: OXY,
      lot: 'A123',
      quantity: 100,
      delta: 100,
      actor: 'tina',
      event_time: '2026-11-01T14:00:00.000Z',
      data: {
        supplier: { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN', dea_number: 'RA1234563' },
        date_received: '2026-11-01',
        containers: 1,
        units_per_container: 100,
        order_form: { kind: '222', number: '123456789' },
        cii_containers_received: 1,
        line_no: 1,
        po_number: 'PO-77',
      },
    }),
    receipt({ type: 'DISPENSE', ndc: OXY, lot: 'A123', quantity: 5, delta: -5, actor: 'pos01', event_time: '2026-11-02T15:00:00.000Z', data: { pos_transaction_id: 'T-1' } }),
    receipt({ ndc: ALP, lot: 'B7', schedule: 'CIV', quantity: 250, delta: 250, event_time: '2026-11-03T14:00:00.000Z', expiry: '2026-10-31' }),
    receipt({ ndc: '00093-0001-01', lot: 'N1', schedule: null, quantity: 30, delta: 30, event_time: '2026-11-03T14:00:00.000Z' }),
  ]);
  // A count finds 90 where 95 were expected (CII: no tolerance): a hold, which a pharmacist
  // resolves as a theft or loss, witnessed (a CII loss is signed by two) and with its Form 106 facts.
  const count = quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A123', counted: 90, containers: { full_containers: 3, units_per_container: 30, partial_units: [] } });
  resolveHold(ws, { holdId: count.hold_id!, signer: { userId: 'pat', password: 'pharmacist-pass-1' },
    cosigner: { userId: 'tina', password: 'technician-pass-1' },
    meaning: 'approval',
    reason: 'theft_or_loss',
    details: { loss: { type: 'employee_pilferage', police_report: 'SPD-2026-1182', value_cents: 4250, corrective_action: 'CII safe key now held by the pharmacist on duty only' } },
    source: 'cli',
  });
});
afterEach(() => cleanup());

const csvOf = async (req: Omit<ReportRequest, 'format'>) => {
  const r = await produceReport(ws, { ...req, format: 'csv' } as ReportRequest, admin);
  return { ...r, records: parseCsv(r.bytes.toString('utf8')) };
};
const lines = (records: string[][]) => records.filter((r) => r[0] === 'line');
const col = (records: string[][], key: string) => records[0]!.indexOf(key);

describe('DEA reports from the ledger', () => {
  it('CII perpetual log: every movement with running balance, handler, signatures and the ledger head', async () => {
    const { records, heads } = await csvOf({ kind: 'cii-log', from: '2026-11-01', to: '2026-11-30' });
    const L = lines(records);
    const get = (r: string[], k: string) => r[col(records, k)];
    expect(L.map((r) => [get(r, 'type'), get(r, 'received'), get(r, 'issued'), get(r, 'counted'), get(r, 'balance')])).toEqual([
      ['RECEIPT', '100', '', '', '100'],
      ['DISPENSE', '', '5', '', '95'],
      ['COUNT', '', '', '90', '95'],
      ['HOLD_PLACED', '', '', '', '95'],
      ['ADJUSTMENT', '', '5', '', '90'],
      ['HOLD_RELEASED', '', '', '', '90'],
    ]);
    expect(get(L[0]!, 'handler')).toBe('Tina Technician (tina)');
    expect(get(L[0]!, 'details')).toMatch(/from Acme Drug Wholesale \(DEA RA1234563\); Form 222 123456789 line 1; 1 container\(s\); received 2026-11-01/);
    expect(get(L[0]!, 'event_time')).toBe('2026-11-01 09:00:00 UTC−05:00'); // the day DST ends
    expect(get(L[4]!, 'signatures')).toMatch(/^Signed by Pat Pharmacist \(pat\) on 2026-11-20 10:00:00 UTC−05:00 \(America\/New_York\) — meaning: Approval — reason: Theft or loss suspected \(Form 106\) \| Witnessed by Tina Technician \(tina\) .* meaning: Witness$/);
    expect(records.find((r) => r[0] === 'closing')![col(records, 'balance')]).toBe('90');
    const head = ws.ledger.head();
    expect(heads[0]).toEqual({ device_id: ws.deviceId, seq: head.seq, hash: head.hash, local: true });
    expect(records.filter((r) => r[0] === 'ledger_head')).toEqual([expect.arrayContaining([ws.deviceId, String(head.seq), head.hash])]);
    // Every record has the same number of fields (RFC 4180).
    expect(new Set(records.map((r) => r.length)).size).toBe(1);
    expect(records.find((r) => r[0] === 'registrant' && r[1] === 'dea_number')![2]).toBe('AB1234563');
  });

  it('biennial inventory: CII exact from the count, CIV estimated, expired stock included, who counted; the PDF says the same', async () => {
    const { records } = await csvOf({ kind: 'biennial', from: '2026-11-20', to: '2026-11-20', taken: 'close' });
    const L = lines(records);
    const get = (r: string[], k: string) => r[col(records, k)];
    expect(L.map((r) => [get(r, 'schedule'), get(r, 'ndc'), get(r, 'lot'), get(r, 'total_units')])).toEqual([
      ['CII', OXY, 'A123', '90'],
      ['CIV', ALP, 'B7', '250'],
    ]);
    expect(get(L[0]!, 'basis')).toBe('exact count');
    expect(get(L[0]!, 'taken_by')).toBe('Tina Technician (tina)');
    expect([get(L[0]!, 'units_per_container'), get(L[0]!, 'full_containers'), get(L[0]!, 'opened_containers'), get(L[0]!, 'opened_units')]).toEqual(['30', '3', '0', '0']);
    expect(get(L[1]!, 'basis')).toBe('estimated from the perpetual record (not counted)');
    expect(get(L[1]!, 'status')).toBe('expired — awaiting destruction');
    expect(records.find((r) => r[0] === 'field' && r[1] === 'Taken at')![2]).toBe('close of business');
    expect(records.filter((r) => r[0] === 'signature').map((r) => r[1])).toEqual([expect.stringMatching(/^Inventory taken by Tina Technician \(tina\)/)]);

    const pdf = await produceReport(ws, { kind: 'biennial', format: 'pdf', from: '2026-11-20', to: '2026-11-20', taken: 'close' }, admin);
    const text = pdfText(pdf.bytes);
    expect(text).toContain('DEA registration number: AB1234563');
    expect(text).toContain('Taken at: close of business');
    // The test catalog gives the package unit (TABLET) after the units per container.
    expect(text).toMatch(/CII 00002-1200-30 .*TABLET A123 .*30 TABLET 3 0 0 90 90 exact/);
    expect(text).toContain(`Computed from ledger head device ${ws.deviceId}, seq ${ws.ledger.head().seq}, hash ${ws.ledger.head().hash}`);
  });

  it('a schedule holding tablets and an oral solution is totalled per unit, never tablets plus mL', async () => {
    // The test catalog and one CII oral solution sold in 500 mL bottles.
    const catalog = JSON.parse(readFileSync(TEST_CATALOG, 'utf8')) as { results: unknown[] };
    catalog.results.push({
      product_ndc: '0054-3000', product_id: '0054-3000_rxledger-test', generic_name: 'oxycodone hydrochloride', brand_name: 'Oxycodone Oral Solution',
      labeler_name: 'RxLedger Test Fixtures (not a real product)', dosage_form: 'SOLUTION', route: ['ORAL'], active_ingredients: [{ name: 'OXYCODONE HYDROCHLORIDE', strength: '5 mg/5mL' }],
      marketing_start_date: '20200101', marketing_category: 'NDA', product_type: 'HUMAN PRESCRIPTION DRUG', finished: true, dea_schedule: 'CII',
      packaging: [{ package_ndc: '0054-3000-63', description: '500 mL in 1 BOTTLE (0054-3000-63)', marketing_start_date: '20200101', sample: false }],
    });
    const file = join(dir, 'catalog-with-solution.json');
    writeFileSync(file, JSON.stringify(catalog));
    new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() }).importFiles([file], { actor: 'test' });
    ws.ledger.append([receipt({ ndc: '00054-3000-63', lot: 'S1', quantity: 500, delta: 500, event_time: '2026-11-04T14:00:00.000Z' })]);
    const { records } = await csvOf({ kind: 'biennial', from: '2026-11-20', to: '2026-11-20', taken: 'close' });
    const totals = records.filter((r) => r[0] === 'total' && r[1] === 'CII').map((r) => [r[3], r[col(records, 'unit')], r[col(records, 'total_units')]]);
    expect(totals.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['Total Schedule II (mL)', 'mL', '500'],
      ['Total Schedule II (tablets)', 'tablet', '90'],
    ]);
  });

  it('a CII product without a count makes the inventory say it is incomplete; zero stock is recorded as zero', async () => {
    ws.ledger.append([receipt({ ndc: '00054-0001-01', lot: 'Z', quantity: 10, delta: 10, event_time: '2026-11-04T14:00:00.000Z' }), receipt({ type: 'DISPENSE', ndc: '00054-0001-01', lot: 'Z', quantity: 10, delta: -10, event_time: '2026-11-05T14:00:00.000Z' })]);
    ws.ledger.append([receipt({ ndc: '00054-0002-01', lot: 'Y', quantity: 7, delta: 7, event_time: '2026-11-04T14:00:00.000Z' })]);
    const { records, notices } = await csvOf({ kind: 'biennial', to: '2026-11-20' });
    const L = lines(records);
    const zero = L.find((r) => r[col(records, 'ndc')] === '00054-0001-01')!;
    expect(zero[col(records, 'total_units')]).toBe('0');
    expect(notices.join('\n')).toMatch(/INCOMPLETE: 1 Schedule II line\(s\) .*00054-0002-01 lot Y/);
    // Notices come before the table.
    expect(records.findIndex((r) => r[0] === 'notice')).toBeLessThan(records.findIndex((r) => r[0] === 'line'));
  });

  it('receiving record: supplier, DEA number and the 222 order per CII line; a receipt without them is blank and said so', async () => {
    const { records, notices } = await csvOf({ kind: 'receipts', from: '2026-11-01', to: '2026-11-30' });
    const L = lines(records);
    const get = (r: string[], k: string) => r[col(records, k)];
    expect(L).toHaveLength(2); // the unscheduled receipt is not a DEA record
    expect([get(L[0]!, 'date_received'), get(L[0]!, 'supplier_name'), get(L[0]!, 'supplier_dea_number'), get(L[0]!, 'order_form'), get(L[0]!, 'containers'), get(L[0]!, 'units')]).toEqual([
      '2026-11-01',
      'Acme Drug Wholesale',
      'RA1234563',
      'DEA Form 222 123456789',
      '1',
      '100',
    ]);
    expect(get(L[1]!, 'supplier_name')).toBe('');
    expect(notices.join('\n')).toMatch(/1 receipt line\(s\) carry no supplier name, address or DEA number/);
  });

  it('Form 106 draft from the signed theft-or-loss adjustment', async () => {
    const { records } = await csvOf({ kind: 'form106', from: '2026-11-01', to: '2026-11-30' });
    const L = lines(records);
    const get = (r: string[], k: string) => r[col(records, k)];
    expect(L.map((r) => [get(r, 'ndc'), get(r, 'lot'), get(r, 'quantity_lost')])).toEqual([[OXY, 'A123', '5']]);
    expect(get(L[0]!, 'signatures')).toMatch(/Signed by Pat Pharmacist \(pat\).*reason: Theft or loss/);
    // One signature row per signer: the pharmacist and the witness a CII loss needs.
    expect(records.filter((r) => r[0] === 'signature').map((r) => r[1])).toEqual([
      expect.stringMatching(/Signed by Pat Pharmacist \(pat\)/),
      expect.stringMatching(/Witnessed by Tina Technician \(tina\).*meaning: Witness/),
    ]);
    const empty = await csvOf({ kind: 'form106', from: '2026-10-01', to: '2026-10-31' });
    expect(lines(empty.records)).toHaveLength(0);
    expect(empty.notices.join('\n')).toMatch(/nothing to report on Form 106 for this period/);
  });

  it('every export is in the audit trail with its sha256 and who made it; the audit report shows signatures and exports', async () => {
    const first = await produceReport(ws, { kind: 'cii-log', format: 'pdf', from: '2026-11-01', to: '2026-11-30' }, admin);
    const row = ws.audit.list({ action: 'REPORT_EXPORTED' })[0]!;
    expect(row).toMatchObject({ actor: 'admin', target: 'cii-log', details: { sha256: createHash('sha256').update(first.bytes).digest('hex'), format: 'pdf', bytes: first.bytes.length } });
    const { records } = await csvOf({ kind: 'audit', from: '2026-11-01', to: '2026-11-30' });
    const L = lines(records);
    const get = (r: string[], k: string) => r[col(records, k)];
    const sig = L.find((r) => get(r, 'action') === 'SIGNATURE_APPLIED')!;
    expect(get(sig, 'category')).toBe('signature');
    expect(get(sig, 'details')).toMatch(/^Signed by Pat Pharmacist \(pat\) on .* meaning: Approval — reason: Theft or loss/);
    const exp = L.find((r) => get(r, 'action') === 'REPORT_EXPORTED')!;
    expect(get(exp, 'details')).toContain(row.details.sha256 as string);
    expect(records.find((r) => r[0] === 'footer' && /audit chain checked/.test(r[1]!))).toBeTruthy();
  });
});

describe('the same bytes for the same ledger', () => {
  /**
   * Device IDs, hashes and count/hold IDs are random per run: each distinct one is replaced by a
   * numbered placeholder in order of first appearance, so everything else is compared byte for byte.
   */
  const stable = (text: string) => {
    const seen = new Map<string, string>();
    return text.replace(/dev-[0-9a-f-]{36}|\b[0-9a-f]{64}\b|\b[A-Z]{1,3}-[0-9A-F]{12}\b/g, (m) => {
      if (!seen.has(m)) seen.set(m, `<${seen.size + 1}>`);
      return seen.get(m)!;
    });
  };

  it('renders every report kind as the CSV committed beside this test (made by the code before issue 12 split compute.ts)', async () => {
    // Adds to the fixture: an initial inventory signed by a pharmacist, a receipt recorded by
    // version 0.1 in containers, and an open count.
    recordInitialInventory(ws, { lines: [{ ndc: '59011-0440-10', lot: 'IX1', expiry: '2027-06-30', containers: { full_containers: 2, partial_units: [37] } }], taken: 'opening', signer: { userId: 'pat', password: 'pharmacist-pass-1' }, source: 'cli' });
    ws.ledger.append([receipt({ ndc: '00054-0001-01', lot: 'L01', quantity: 2, delta: 2, actor: 'tina', event_time: '2026-11-04T14:00:00.000Z', data: { quantity_basis: 'containers' } })]);
    createCount(ws, { scope: { kind: 'all_cii' }, blind: true, actor: 'tina' });
    const requests: [string, Omit<ReportRequest, 'format'>][] = [
      ['biennial-close', { kind: 'biennial', from: '2026-11-20', to: '2026-11-20', taken: 'close' }],
      ['biennial-opening', { kind: 'biennial', from: '2026-11-01', to: '2026-11-20', taken: 'opening' }],
      ['initial', { kind: 'initial' }],
      ['cii-log', { kind: 'cii-log', from: '2026-11-03', to: '2026-11-30' }],
      ['cii-log-ndcs', { kind: 'cii-log', from: '2026-11-01', to: '2026-11-30', ndcs: [OXY, ALP] }],
      ['receipts', { kind: 'receipts', from: '2026-11-01', to: '2026-11-30' }],
      ['form106', { kind: 'form106', from: '2026-11-01', to: '2026-11-30' }],
      ['audit', { kind: 'audit', from: '2026-11-01', to: '2026-11-30' }],
    ];
    for (const [name, req] of requests) {
      const csv = await produceReport(ws, { ...req, format: 'csv' } as ReportRequest, admin);
      await expect(stable(csv.bytes.toString('utf8')), name).toMatchFileSnapshot(`./reports.test.golden/${name}.csv`);
    }
  });
});

describe('bad input', () => {
  it('refuses DEA records while no DEA number is set, saying how to set it; the audit trail still exports', async () => {
    const { ws: bare, cleanup: done } = tempWorkstation();
    try {
      await expect(produceReport(bare, { kind: 'biennial', format: 'csv' }, admin)).rejects.toThrow(/DEA registration number .*not set.*rxledger facility set --data DIR --name NAME --address ADDRESS --dea-number/);
      await expect(produceReport(bare, { kind: 'biennial', format: 'csv' }, admin)).rejects.toBeInstanceOf(ReportRefusedError);
      expect(bare.audit.list({ action: 'REPORT_EXPORTED' })).toHaveLength(0);
      expect((await produceReport(bare, { kind: 'audit', format: 'csv' }, admin)).lines).toBeGreaterThanOrEqual(0);
    } finally {
      done();
    }
  });

  it('an empty period is refused; a period with nothing in it says so on the report', async () => {
    await expect(produceReport(ws, { kind: 'cii-log', format: 'csv', from: '2026-12-01', to: '2026-11-01' }, admin)).rejects.toThrow(/period is empty/);
    const { records, notices } = await csvOf({ kind: 'cii-log', from: '2026-10-01', to: '2026-10-31' });
    expect(lines(records)).toHaveLength(0);
    expect(notices.join('\n')).toMatch(/No Schedule II transaction between 2026-10-01 and 2026-10-31/);
    expect(records.filter((r) => r[0] === 'opening' || r[0] === 'closing').map((r) => r[col(records, 'balance')])).toEqual(['0', '0']);
  });

  it('a report asked for while a count is open says so on the report', async () => {
    const c = createCount(ws, { scope: { kind: 'all_cii' }, blind: true, actor: 'tina' });
    const { notices } = await csvOf({ kind: 'biennial', to: '2026-11-20' });
    expect(notices[0]).toMatch(new RegExp(`A count is open: ${c.count_id} \\(all CII\\), started by Tina Technician \\(tina\\)`));
    const pdf = await produceReport(ws, { kind: 'cii-log', format: 'pdf', from: '2026-11-01', to: '2026-11-30' }, admin);
    expect(pdfText(pdf.bytes).replace(/\n/g, ' ')).toContain(`A count is open: ${c.count_id}`);
  });

  it('an output path that cannot be written is refused before anything is computed or audited', async () => {
    const before = ws.audit.list({ action: 'REPORT_EXPORTED' }).length;
    await expect(exportReportToFile(ws, { kind: 'cii-log', format: 'csv' }, admin, join(dir, 'no', 'such', 'folder', 'r.csv'))).rejects.toThrow(/cannot write r\.csv: the folder .*no\/such\/folder does not exist/);
    mkdirSync(join(dir, 'out.csv'));
    await expect(exportReportToFile(ws, { kind: 'cii-log', format: 'csv' }, admin, join(dir, 'out.csv'))).rejects.toThrow(/is a folder/);
    expect(ws.audit.list({ action: 'REPORT_EXPORTED' })).toHaveLength(before);
    const ok = await exportReportToFile(ws, { kind: 'cii-log', format: 'csv' }, admin, join(dir, 'log.csv'));
    expect(readFileSync(join(dir, 'log.csv'))).toEqual(ok.bytes);
    writeFileSync(join(dir, 'log.csv'), 'old');
    await exportReportToFile(ws, { kind: 'cii-log', format: 'csv' }, admin, join(dir, 'log.csv'));
    expect(readFileSync(join(dir, 'log.csv'), 'utf8')).toMatch(/^record,/);
  });
});
