import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndcToGtin14 } from '../../shared/identifiers';
import { manualPoToShipment } from '../../shared/receiving/manual';
import { parseCsv } from '../../shared/reports/csv';
import type { ReportRequest } from '../../shared/reports/types';
import { tempWorkstation } from '../../testing/temp-workstation';
import { startPosServer, type RunningPosServer } from '../pos/server';
import type { ReceivingService } from '../receiving/service';
import type { Workstation } from '../workstation';
import { produceReport, setRegistrant } from './export';
import { pdfText } from '../../reports-pdf/pdf-text';

/**
 * Issue 14 point 8, the sources the inspection test (NDJSON) does not cover: a receipt made on
 * the Receiving screen's path and a dispense made through the POS API, each read back from the
 * exported CSV and PDF with the fields 21 CFR 1304.22(c) asks of it.
 */
const GS = '\x1d';
const OXY = '00002-1200-30';
const OXY_GTIN = ndcToGtin14('0002-1200-30');
const dm = (serial: string) => `]d201${OXY_GTIN}17281231${'10'}A123${GS}21${serial}`;
const admin = { user_id: 'admin', name: 'Administrator' };

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
let svc: ReceivingService;
let pos: RunningPosServer;

beforeEach(async () => {
  t = tempWorkstation({ seed: true });
  ws = t.ws;
  ws.setSetting('time_zone', 'America/New_York');
  setRegistrant(ws, { name: 'Main Street Pharmacy', address: '1 Main Street, Springfield, IL 62701', deaNumber: 'AB1234563' }, 'admin');
  svc = await ws.scanIntake.start({ scanners: false, log: () => {} });
  pos = await startPosServer(ws, { warmUp: false });
});
afterEach(async () => {
  await pos.close();
  await svc.stop();
  t.cleanup();
});

function dispense(payload: unknown): Promise<number> {
  const data = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: pos.port, path: '/pos/v1/dispense', method: 'POST', headers: { host: `127.0.0.1:${pos.port}`, authorization: `Bearer ${pos.token}`, 'content-type': 'application/json', 'content-length': String(data.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const report = async (kind: ReportRequest['kind'], format: 'csv' | 'pdf') => {
  const today = new Date().toISOString().slice(0, 10);
  const r = await produceReport(ws, { kind, format, from: '2026-01-01', to: today > '2026-12-31' ? today : '2026-12-31' } as ReportRequest, admin);
  return r.bytes;
};

describe('DEA records from the Receiving screen and the POS API', () => {
  it('a CII receipt scanned against a typed PO and a POS dispense with its prescription: every required field in the CSV and the PDF', async () => {
    const po = { supplier: { name: 'Cardinal Health 110', address: '7000 Cardinal Pl, Dublin, OH 43017', deaNumber: 'RC0183272' }, poNumber: 'PO-7781', orderForm: { kind: '222' as const, number: '261234567' }, lines: [{ ndc: '0002-1200-30', quantity: 2, lot: 'A123' }] };
    const parsed = manualPoToShipment(po, { isKnownNdc: (n) => svc.catalog.isKnownNdc(n) });
    if (!parsed.ok) throw new Error(parsed.error);
    const id = svc.startSession(parsed.shipment, Buffer.from(JSON.stringify(po)), 'tech01');
    for (const s of ['S1', 'S2']) await svc.router.submit({ raw: dm(s), scannerId: 'zebra', source: 'test' });
    svc.commit(id, 'tech01');

    ws.setSetting('ingest.handler_ids', 'tech01');
    const status = await dispense({
      transaction_id: 'rx-2001',
      ndc: OXY,
      lot: 'A123',
      quantity: 10,
      handler_id: 'rph01',
      occurred_at: new Date(Date.now() - 60_000).toISOString(),
      patient: { id: 'P-1' },
      prescription: { number: 'RX-55501', prescriber_name: 'Dr. Ana Ruiz', prescriber_dea: 'BR1234563' },
    });
    expect(status).toBe(200);

    const receipts = parseCsv((await report('receipts', 'csv')).toString('utf8'));
    const rh = receipts[0]!;
    const line = receipts.find((r) => r[0] === 'line' && r[rh.indexOf('ndc')] === OXY)!;
    const rget = (k: string) => line[rh.indexOf(k)];
    expect([rget('supplier_name'), rget('supplier_address'), rget('supplier_dea_number')]).toEqual(['Cardinal Health 110', '7000 Cardinal Pl, Dublin, OH 43017', 'RC0183272']);
    expect(rget('order_form')).toMatch(/222.*261234567/);
    expect([rget('containers'), rget('units')]).toEqual(['2', String(2 * Number(rget('units_per_container')))]);
    expect(rget('dosage_form')).not.toBe('');
    const receiptsPdf = pdfText(await report('receipts', 'pdf'));
    for (const s of ['Cardinal Health 110', 'RC0183272', '261234567', 'AB1234563', 'Main Street Pharmacy']) expect(receiptsPdf).toContain(s);

    const disp = parseCsv((await report('dispensing', 'csv')).toString('utf8'));
    const dh = disp[0]!;
    const d = disp.find((r) => r[0] === 'line' && r[dh.indexOf('ndc')] === OXY)!;
    const dget = (k: string) => d[dh.indexOf(k)];
    expect([dget('prescription_number'), dget('prescriber_name'), dget('prescriber_dea'), dget('units')]).toEqual(['RX-55501', 'Dr. Ana Ruiz', 'BR1234563', '10']);
    expect(dget('patient_token')).toMatch(/\S/);
    expect(dget('patient_token')).not.toContain('P-1');
    const dispPdf = pdfText(await report('dispensing', 'pdf'));
    for (const s of ['RX-55501', 'Dr. Ana Ruiz', 'BR1234563']) expect(dispPdf.replace(/\n/g, ' ')).toContain(s);
  }, 60_000);
});
