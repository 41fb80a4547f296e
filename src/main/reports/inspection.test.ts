import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/reports/csv';
import { REPORT_TITLES, type ReportKind, type ReportRequest, type ReportSchedules } from '../../shared/reports/types';
import { tempWorkstation } from '../../testing/temp-workstation';
import { manualAdjustment, resolveHold } from '../holds/adjustments';
import { quickCount } from '../counts/submit';
import { recordInitialInventory } from '../inventory/initial';
import { createGate } from '../ingest/gate';
import { ingestNdjsonFile } from '../ingest/ndjson-file';
import type { Workstation } from '../workstation';
import { produceReport, setRegistrant } from './export';
import { pdfPages, pdfText } from '../../reports-pdf/pdf-text';

/**
 * Issue 14, as an inspector would try it: a small pharmacy built through the real paths — an
 * NDJSON delivery with supplier and order forms, NDJSON dispenses with and without their
 * prescription, signed destructions, returns, a transfer, a loss by hand and one from a count's
 * hold — then every report read back from its CSV and from its PDF's text.
 */
const OXY = '00002-1200-30'; // CII, 30 TABLET per bottle
const OXYCONTIN = '59011-0440-10'; // CII
const ALP = '00409-1234-01'; // CIV, 100 TABLET per bottle
const NOW = new Date('2026-11-20T20:00:00.000Z');
const PHARMACIST = { userId: 'rph01', password: 'rph01-password-1' };
const WITNESS = { userId: 'tech01', password: 'tech01-password-1' };
const admin = { user_id: 'admin', name: 'Administrator' };
const METHADONE = '00054-0001-01'; // CII, only in the initial inventory
const CII_NDCS = [OXY, OXYCONTIN, METHADONE];

let ws: Workstation;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ ws, dir, cleanup } = tempWorkstation({ clock: { now: () => NOW }, seed: true }));
  ws.setSetting('time_zone', 'America/New_York');
  setRegistrant(ws, { name: 'Main Street Pharmacy', address: '1 Main Street, Springfield, IL 62701', deaNumber: 'AB1234563' }, 'admin');
  const line = (o: Record<string, unknown>) => JSON.stringify({ facility_id: 'MAIN01', handler_id: 'tech01', ...o });
  const supplier = { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN 38101', dea_number: 'RA1234563' };
  const ndjson = [
    line({ transaction_type: 'RECEIPT', ndc: OXY, schedule: 'II', lot_number: 'A1', containers: 10, quantity: 300, timestamp_utc: '2026-11-02T14:00:00Z', supplier, order_form: { kind: '222', number: '261234567', line: 1 } }),
    line({ transaction_type: 'RECEIPT', ndc: OXYCONTIN, schedule: 'II', lot_number: 'X1', containers: 2, quantity: 200, timestamp_utc: '2026-11-02T14:01:00Z', supplier, order_form: { kind: 'CSOS', number: 'CSOS-99812', line: 2 } }),
    line({ transaction_type: 'RECEIPT', ndc: ALP, schedule: 'IV', lot_number: 'B1', containers: 5, quantity: 500, timestamp_utc: '2026-11-02T14:02:00Z', supplier }),
    line({ transaction_type: 'DISPENSE', ndc: OXY, schedule: 'II', lot_number: 'A1', quantity: 30, handler_id: 'rph01', timestamp_utc: '2026-11-03T15:00:00Z', prescription: { number: 'RX-1001', prescriber_name: 'Dr. Ada Lovelace', prescriber_dea: 'AL1234563' } }),
    line({ transaction_type: 'DISPENSE', ndc: ALP, schedule: 'IV', lot_number: 'B1', quantity: 60, handler_id: 'rph01', timestamp_utc: '2026-11-03T16:00:00Z', prescription: { number: 'RX-1002', prescriber_name: 'Dr. Grace Hopper', prescriber_dea: 'BH1234563' } }),
    // A dispense recorded without its prescription: blank cells and a notice.
    line({ transaction_type: 'DISPENSE', ndc: ALP, schedule: 'IV', lot_number: 'B1', quantity: 10, handler_id: 'rph01', timestamp_utc: '2026-11-03T17:00:00Z' }),
  ];
  mkdirSync(join(dir, 'in'), { recursive: true });
  writeFileSync(join(dir, 'in', 'day.ndjson'), ndjson.join('\n') + '\n');
  const res = await ingestNdjsonFile(join(dir, 'in', 'day.ndjson'), { gate: createGate(ws), submitter: 'tech01' });
  expect(res.problems).toEqual([]);
  expect(res.accepted).toBe(6);

  const sign = { signer: PHARMACIST, cosigner: WITNESS, meaning: 'approval' as const, source: 'cli' as const };
  manualAdjustment(ws, { ...sign, ndc: OXY, lot: 'A1', quantity: 10, kind: 'expired_destruction', reason: 'expired', details: { destruction: { method: 'Rx Destroyer denaturing kit', place: 'Pharmacy back room' } } });
  manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B1', quantity: 20, kind: 'destruction', reason: 'destroyed', details: { destruction: { method: 'Incineration by reverse distributor', place: 'Clean Harbors, Kimball NE' } } });
  manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B1', quantity: 50, kind: 'wholesaler_return', reason: 'returned_to_wholesaler', details: { counterparty: supplier } });
  manualAdjustment(ws, {
    ...sign,
    ndc: OXY,
    lot: 'A1',
    quantity: 20,
    kind: 'reverse_distributor_return',
    reason: 'returned_to_reverse_distributor',
    details: { counterparty: { name: 'Return Solutions Inc', address: '5 Dock Rd, Dallas, TX', dea_number: 'RR1234563' }, order_form: { kind: '222', number: '998877665', line: 3 } },
  });
  manualAdjustment(ws, {
    ...sign,
    ndc: OXYCONTIN,
    lot: 'X1',
    quantity: 10,
    kind: 'transfer_to_registrant',
    reason: 'transferred_to_registrant',
    details: { counterparty: { name: 'Elm Street Pharmacy', address: '2 Elm Street, Springfield, IL', dea_number: 'BE1234563' }, order_form: { kind: 'CSOS', number: 'CSOS-55', line: 1 } },
  });
  manualAdjustment(ws, { ...sign, ndc: ALP, lot: 'B1', quantity: 5, kind: 'theft_or_loss', reason: 'theft_or_loss', details: { loss: { type: 'burglary', police_report: 'SPD-77', value_cents: 1250, corrective_action: 'Alarm on the back door' } } });
  // A count finds 235 where 240 are on the books: a hold, resolved as a loss (CII: two signers).
  const count = quickCount(ws, { actor: 'tech01', ndc: OXY, lot: 'A1', counted: 235 });
  resolveHold(ws, {
    holdId: count.hold_id!,
    ...sign,
    reason: 'theft_or_loss',
    details: { loss: { type: 'employee_pilferage', police_report: 'SPD-2026-1182', value_cents: 4250, corrective_action: 'CII safe key held by the pharmacist on duty only' } },
  });
  quickCount(ws, { actor: 'tech01', ndc: OXYCONTIN, lot: 'X1', counted: 190 });
  recordInitialInventory(ws, {
    lines: [
      { ndc: METHADONE, lot: 'M1', expiry: '2027-06-30', containers: { full_containers: 1, partial_units: [40] } },
      { ndc: ALP, lot: 'B0', expiry: '2027-06-30', containers: { full_containers: 2, partial_units: [] } },
    ],
    taken: 'opening',
    signer: PHARMACIST,
    source: 'cli',
  });
});
afterAll(() => cleanup());

const period = { from: '2026-11-01', to: '2026-11-20' };
const requestOf = (kind: ReportKind, format: 'csv' | 'pdf', schedules?: ReportSchedules): ReportRequest =>
  ({ kind, format, ...(kind === 'biennial' ? { to: '2026-11-20', taken: 'close' } : kind === 'initial' ? {} : period), ...(schedules ? { schedules } : {}) }) as ReportRequest;

async function csv(kind: ReportKind, schedules?: ReportSchedules) {
  const r = await produceReport(ws, requestOf(kind, 'csv', schedules), admin);
  const records = parseCsv(r.bytes.toString('utf8'));
  const header = records[0]!;
  const lines = records.filter((x) => x[0] === 'line').map((x) => Object.fromEntries(header.map((k, i) => [k, x[i] ?? ''])) as Record<string, string>);
  return { records, lines, notices: r.notices };
}

async function pdf(kind: ReportKind, schedules?: ReportSchedules) {
  const r = await produceReport(ws, requestOf(kind, 'pdf', schedules), admin);
  if (process.env.RXLEDGER_REPORT_PDF_DIR) writeFileSync(join(process.env.RXLEDGER_REPORT_PDF_DIR, `${kind}${schedules ? `-${schedules}` : ''}.pdf`), r.bytes);
  return { pages: pdfPages(r.bytes).map((p) => p.lines), text: pdfText(r.bytes) };
}

/** Words an inspector must find whole: drug names, entry types, column and kind labels. */
const KNOWN_WORDS = ['OXYCODONE', 'OXYMORPHONE', 'HYDROCHLORIDE', 'Oxymorphone', 'Hydrochloride', 'ALPRAZOLAM', 'Alprazolam', 'OxyContin', 'ADJUSTMENT', 'DISPENSE', 'RECEIPT', 'HOLD_RELEASED', 'HOLD_PLACED', 'Destruction', 'destruction', 'distributor', 'wholesaler', 'registrant', 'pilferage', 'Burglary', 'Pharmacist', 'TABLET', 'Prescriber', 'Lovelace', 'denaturing', 'Springfield'];

/** Tokens that are the head of a known word cut off at a line's end ("OXYCODON" of "OXYCODON E"). */
function splitWords(text: string): string[] {
  const tokens = new Set(text.split(/[\s,;:()|/]+/).filter(Boolean));
  const out: string[] = [];
  for (const t of tokens) {
    for (const w of KNOWN_WORDS) if (t.length >= 3 && t.length < w.length && w.startsWith(t) && !KNOWN_WORDS.includes(t)) out.push(`${t} (of ${w})`);
  }
  return out;
}

const DEA_KINDS: ReportKind[] = ['biennial', 'initial', 'cii-log', 'receipts', 'dispensing', 'form41', 'returns', 'form106'];

describe('an inspection: every report read back from CSV and PDF', () => {
  it('receiving record: supplier name, address, DEA number, 222/CSOS number and line, containers and dosage form on every line', async () => {
    const { lines } = await csv('receipts');
    expect(lines.map((l) => [l.schedule, l.ndc, l.order_form, l.order_line, l.containers, l.units])).toEqual([
      ['CII', OXY, 'DEA Form 222 261234567', '1', '10', '300'],
      ['CII', OXYCONTIN, 'CSOS CSOS-99812', '2', '2', '200'],
      ['CIV', ALP, '', '', '5', '500'],
    ]);
    for (const l of lines) {
      expect([l.supplier_name, l.supplier_address, l.supplier_dea_number, l.date_received]).toEqual(['Acme Drug Wholesale', '9 Depot Way, Memphis, TN 38101', 'RA1234563', '2026-11-02']);
      expect(l.dosage_form).toMatch(/TABLET/);
      expect(l.entry_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('dispensing record: CII log and CIII–V record apart; prescription number, prescriber and DEA number; blank with a notice when missing', async () => {
    const { records, lines, notices } = await csv('dispensing');
    expect(lines.map((l) => [l.schedule, l.ndc, l.prescription_number, l.prescriber_name, l.prescriber_dea, l.units, l.unit])).toEqual([
      ['CII', OXY, 'RX-1001', 'Dr. Ada Lovelace', 'AL1234563', '30', 'TABLET'],
      ['CIV', ALP, 'RX-1002', 'Dr. Grace Hopper', 'BH1234563', '60', 'TABLET'],
      ['CIV', ALP, '', '', '', '10', 'TABLET'],
    ]);
    // The proven submitter of the import, and the pharmacist the file names beside it as a claim.
    for (const l of lines) expect([l.dosage_form, l.dispensed_by, l.name]).toEqual(['TABLET', 'Terry Tech (tech01); handler named by the source: Robin Pharmacist (rph01)', expect.stringMatching(/\w/)]);
    expect(notices.join('\n')).toMatch(/1 dispense\(s\) carry no prescription number/);
    // The CII section's records come before the CIII–V section, each under its own section record.
    const kinds = records.filter((r) => r[0] === 'section' || r[0] === 'line').map((r) => (r[0] === 'section' ? r[1] : r[5]));
    expect(kinds).toEqual(['Schedule II', 'CII', 'Schedules III, IV and V', 'CIV', 'CIV']);
  });

  it('Form 41 draft: each destruction with method, place, units, dosage form and both signers', async () => {
    const { lines, records } = await csv('form41');
    expect(lines.map((l) => [l.kind, l.ndc, l.units, l.unit, l.method, l.place])).toEqual([
      ['Expired, destroyed', OXY, '10', 'TABLET', 'Rx Destroyer denaturing kit', 'Pharmacy back room'],
      ['Destroyed (not expired)', ALP, '20', 'TABLET', 'Incineration by reverse distributor', 'Clean Harbors, Kimball NE'],
    ]);
    for (const l of lines) {
      expect(l.signers).toBe('Robin Pharmacist (rph01), signer; Terry Tech (tech01), witness');
      expect(l.signatures).toMatch(/^Signed by Robin Pharmacist \(rph01\) .* \| Witnessed by Terry Tech \(tech01\) .*meaning: Witness$/);
      expect(l.dosage_form).toBe('TABLET');
    }
    expect(records.filter((r) => r[0] === 'signature')).toHaveLength(4);
  });

  it('returns and transfers: labelled by their kind, naming the counterparty and, for CII, the 222/CSOS number and line', async () => {
    const { lines } = await csv('returns');
    expect(lines.map((l) => [l.kind, l.ndc, l.units, l.counterparty_name, l.counterparty_dea_number, l.order_form, l.order_line])).toEqual([
      ['Return to a reverse distributor', OXY, '20', 'Return Solutions Inc', 'RR1234563', 'DEA Form 222 998877665', '3'],
      ['Transfer to another registrant', OXYCONTIN, '10', 'Elm Street Pharmacy', 'BE1234563', 'CSOS CSOS-55', '1'],
      ['Return to the wholesaler', ALP, '50', 'Acme Drug Wholesale', 'RA1234563', '', ''],
    ]);
    for (const l of lines) expect(l.counterparty_address).not.toBe('');
    const { text } = await pdf('returns');
    expect(text).not.toMatch(/Transfer error/);
  });

  it('Form 106 draft: every loss with type, police report, value, dosage form and corrective action', async () => {
    const { lines } = await csv('form106');
    expect(lines.map((l) => [l.schedule, l.ndc, l.quantity_lost, l.loss_type, l.police_report, l.value_usd, l.corrective_action, l.dosage_form])).toEqual([
      ['CII', OXY, '5', 'Employee pilferage', 'SPD-2026-1182', '42.50', 'CII safe key held by the pharmacist on duty only', 'TABLET'],
      ['CIV', ALP, '5', 'Night break-in (burglary)', 'SPD-77', '12.50', 'Alarm on the back door', 'TABLET'],
    ]);
  });

  it('CII log: NDC and dosage form on every row, kinds named, no CIII–V product', async () => {
    const { records, lines } = await csv('cii-log');
    const rows = records.filter((r) => ['line', 'opening', 'closing'].includes(r[0]!));
    const ndc = records[0]!.indexOf('ndc');
    const form = records[0]!.indexOf('dosage_form');
    for (const r of rows) {
      expect(CII_NDCS).toContain(r[ndc]);
      expect(r[form]).not.toBe('');
    }
    expect(lines.find((l) => l.type === 'DISPENSE')!.details).toContain('Rx RX-1001');
    // Per NDC (OxyContin sorts before Oxymorphone), each adjustment named by its kind.
    expect(lines.filter((l) => l.type === 'ADJUSTMENT').map((l) => [l.ndc, (l.details ?? '').split(';')[0]])).toEqual([
      [OXYCONTIN, 'transfer to registrant'],
      [OXY, 'expired destruction'],
      [OXY, 'reverse distributor return'],
      [OXY, 'count variance'],
    ]);
  });

  it('--schedules cii and ciii-v: each CSV holds only its schedules; every line has its NDC and dosage form', async () => {
    for (const kind of DEA_KINDS) {
      const cii = await csv(kind, 'cii');
      const other = await csv(kind, 'ciii-v');
      for (const l of cii.lines) expect(CII_NDCS, `${kind} cii`).toContain(l.ndc);
      for (const l of other.lines) expect(CII_NDCS, `${kind} ciii-v`).not.toContain(l.ndc);
      for (const l of [...cii.lines, ...other.lines]) {
        expect(l.ndc, kind).toMatch(/^\d{5}-\d{4}-\d{2}$/);
        expect(l.dosage_form, `${kind} ${l.ndc}`).not.toBe('');
      }
      expect(cii.records.some((r) => r[0] === 'ledger_head'), kind).toBe(true);
    }
  });

  it('every PDF: header on every page with registrant, DEA number, report, period and page x of y; no word split; CII never on a page with CIII–V; signatures after the table', async () => {
    for (const kind of [...DEA_KINDS, 'audit' as const]) {
      const { pages, text } = await pdf(kind);
      expect(pages.length, kind).toBeGreaterThan(0);
      pages.forEach((lines, i) => {
        const page = lines.join('\n');
        expect(lines[0], `${kind} page ${i + 1}`).toBe(`Main Street Pharmacy — DEA AB1234563 page ${i + 1} of ${pages.length}`);
        expect(lines[1], `${kind} page ${i + 1}`).toContain(REPORT_TITLES[kind]);
        expect(lines[1], `${kind} page ${i + 1}`).toMatch(/period /);
        expect(page, `${kind} page ${i + 1}`).toMatch(/Computed from ledger head device dev-[0-9a-f-]+, seq \d+, hash [0-9a-f]{64}/);
        const cii = CII_NDCS.some((n) => page.includes(n));
        const other = page.includes(ALP);
        expect(cii && other, `${kind} page ${i + 1} mixes CII and CIII–V`).toBe(false);
      });
      expect(splitWords(text), kind).toEqual([]);
      // Entry references: #seq and the first 8 digits of the hash.
      if (kind !== 'audit' && kind !== 'biennial') expect(text, kind).toMatch(/#\d+\u00a0[0-9a-f]{8}\b/);
    }
    // Form 106: the signature heading comes after the last row of its section's table.
    const { pages } = await pdf('form106');
    for (const lines of pages) {
      const sig = lines.findIndex((l) => l.startsWith('Signatures'));
      const lastRow = lines.map((l, i) => (/^C(II|IV) \d{5}-/.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
      if (sig >= 0 && lastRow >= 0) expect(sig).toBeGreaterThan(lastRow);
    }
    const all = pages.map((p) => p.join(' ')).join(' ');
    for (const field of ['Type', 'Police', 'Value', 'Corrective', 'Employee', 'pilferage', 'SPD-2026-1182', '42.50', 'Night break-in', 'SPD-77', '12.50']) expect(all).toContain(field);
  });
});
