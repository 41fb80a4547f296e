import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { isoDate } from './line-item';
import { mapTransaction } from './map';
import { parseX12 } from './reader';
import type { InventoryAdviceRecord, ProductActivityRecord, ShipNoticeItemRecord } from './records';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));
function records<T>(input: Uint8Array | string): T[] {
  const r = parseX12(input);
  return r.transactions.flatMap((t) => mapTransaction(t, r.report.delimiters?.component ?? null)) as T[];
}

describe('852 product activity', () => {
  const recs = records<ProductActivityRecord>(fixture('4010-852-product-activity.edi'));

  it('splits a ZA by SDQ location and keeps unsplit activities whole', () => {
    expect(recs.map((r) => [r.activity?.code, r.quantity, r.unit, r.location?.id ?? null])).toEqual([
      ['QA', '100', 'EA', 'STORE12'],
      ['QA', '140', 'EA', 'STORE14'],
      ['QS', '36', 'EA', null],
      ['QR', '48', 'EA', null],
      ['OH', '12', 'EA', null],
    ]);
    expect(recs[0]?.activity).toEqual({ code: 'QA', meaning: 'Current Inventory Quantity Available for Shipment or Sale', kind: 'on_hand' });
    expect(recs[2]?.activity?.kind).toBe('sold');
    expect(recs[3]?.activity?.kind).toBe('received');
  });

  it('keeps the product ids with their qualifier, hyphens stripped, and where each record came from', () => {
    expect(recs[0]?.productIds).toEqual([{ qualifier: 'N4', value: '59011044010' }]);
    expect(recs[4]?.productIds).toEqual([{ qualifier: 'UP', value: '300021200305' }]);
    expect(recs[0]).toMatchObject({ periodStart: '2024-06-01', periodEnd: '2024-06-07', reportId: 'RPT0001', line: '1', problems: [] });
    const sdqAt = fixture('4010-852-product-activity.edi').indexOf('SDQ*EA*92');
    expect(recs[0]?.source).toEqual({ transactionType: '852', control: '0001', groupControl: '101', interchangeControl: '000000101', position: 6, segmentIndex: 7, byteOffset: sdqAt });
  });

  it('flags SDQ splits that do not add up to the ZA total', () => {
    const text = fixture('4010-852-product-activity.edi').toString('latin1').replace('STORE14*140', 'STORE14*141');
    const bad = records<ProductActivityRecord>(text).filter((r) => r.activity?.code === 'QA');
    expect(bad.map((r) => r.problems)).toEqual([['SDQ_TOTAL_MISMATCH'], ['SDQ_TOTAL_MISMATCH']]);
  });

  it('a line with no NDC or GTIN is kept, marked NO_PRODUCT_ID', () => {
    const r = records<ProductActivityRecord>(fixture('bad-no-product-id.edi'));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ productIds: [{ qualifier: 'VP', value: 'ACME-778' }], quantity: '5', problems: ['NO_PRODUCT_ID'] });
  });

  it('a LIN with no ZA still yields a record, marked NO_QUANTITY', () => {
    const r = records<ProductActivityRecord>('ST*852*0001~XQ*H*20240601~LIN*1*ND*0002-1200-30~CTT*1~SE*5*0001~');
    expect(r).toMatchObject([{ activity: null, quantity: null, problems: ['NO_QUANTITY'] }]);
  });
});

describe.skipIf(!corporaPresent)('the pharmacy 852 from the X12 examples', () => {
  if (!corporaPresent) console.warn(corporaSkipReason);
  it('gives one record per NPI location: OH 115/120/265 and TS 1000/120/380', () => {
    const recs = records<ProductActivityRecord>(readFileSync(corpusPath('edi', '852', 'x12org_008010X369_pharmacy_852__via_intbricks.txt')));
    expect(recs.map((r) => [r.activity?.code, r.location?.id, r.quantityInteger])).toEqual([
      ['OH', 'NPI PHARMACY ID1', 115],
      ['OH', 'NPI PHARMACY ID2', 120],
      ['OH', 'NPI PHARMACY ID3', 265],
      ['TS', 'NPI PHARMACY ID1', 1000],
      ['TS', 'NPI PHARMACY ID2', 120],
      ['TS', 'NPI PHARMACY ID3', 380],
    ]);
    expect(recs.every((r) => r.problems.length === 0 && r.location?.qualifier === 'XX')).toBe(true);
    expect(recs[0]?.productIds).toEqual([{ qualifier: 'ND', value: '55111012405' }]);
    expect(recs[0]?.source).toMatchObject({ groupControl: null, interchangeControl: null, control: '0001' });
  });
});

describe('846 inventory advice', () => {
  it('maps QTY with its qualifier and unit, split by SDQ', () => {
    const recs = records<InventoryAdviceRecord>(fixture('4010-846-inventory-advice.edi'));
    expect(recs.map((r) => [r.productIds[0]?.value, r.quantityQualifier, r.quantity, r.unit, r.location?.id ?? null])).toEqual([
      ['0002120030', '17', '60', 'EA', 'STORE12'],
      ['0002120030', '17', '40', 'EA', 'STORE14'],
      ['00300021200305', '33', '24', 'BX', null],
    ]);
    expect(recs[0]).toMatchObject({ reportType: 'DD', reportId: 'INV20240607', reportDate: '2024-06-07' });
  });
});

describe('856 ship notice', () => {
  const recs = records<ShipNoticeItemRecord>(fixture('5010-856-pharmacy-asn.edi'));

  it('gives each item its PO, pack and pallet SSCC, lot, expiry and serials', () => {
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({
      hl: { id: '5', parent: '4', level: 'I' },
      productIds: [{ qualifier: 'N4', value: '59011044010' }],
      purchaseOrder: 'PO445566',
      purchaseOrderDate: '2024-06-05',
      packSscc: '003123450000000028',
      tareSscc: '003123450000000011',
      lot: 'LOTA123',
      expiry: '2026-03-31',
      serials: ['SN0001', 'SN0002'],
      quantity: '2',
      quantityInteger: 2,
      unit: 'EA',
      problems: [],
    });
    expect(recs[1]).toMatchObject({ productIds: [{ qualifier: 'UK', value: '00300021200305' }], lot: 'LOTB77', expiry: '2025-12-31', quantity: '10' });
  });

  it('gives the shipment, ship date and supplier with address and DEA number', () => {
    expect(recs[0]?.shipment).toMatchObject({
      shipmentId: 'ASN778899',
      shipDate: '2024-06-10',
      structure: '0001',
      supplier: {
        role: 'SF',
        name: 'ACME DRUG DISTRIBUTION',
        deaNumber: 'PC1234563',
        address: { lines: ['100 MAIN ST', 'DOCK 4'], city: 'COLUMBUS', state: 'OH', postalCode: '43215', country: 'US' },
      },
    });
  });

  it('an item level without any LIN is kept, marked NO_PRODUCT_ID', () => {
    const text = fixture('5010-856-pharmacy-asn.edi').toString('latin1').replace('LIN*2*UK*00300021200305~\n', '').replace('SE*30*', 'SE*29*');
    const r = records<ShipNoticeItemRecord>(text);
    expect(r).toHaveLength(2);
    expect(r[1]).toMatchObject({ hl: { id: '6' }, productIds: [], quantity: '10', problems: ['NO_PRODUCT_ID'] });
  });

  it.skipIf(!corporaPresent)('the retail 856 of node-x12: UPC items with PO, no NDC needed', () => {
    const r = records<ShipNoticeItemRecord>(readFileSync(corpusPath('edi', '856', 'node-x12_test-data_856.edi')));
    expect(r.map((x) => [x.productIds.map((p) => `${p.qualifier}:${p.value}`).join(' '), x.quantity, x.purchaseOrder, x.problems.length])).toEqual([
      ['VP:87787D UP:999999310145', '24', '99999817', 0],
      ['VP:99887D UP:999999311746', '6', '99999817', 0],
    ]);
    expect(r[0]?.shipment.supplier).toMatchObject({ role: 'SF', name: '1 EDI SOURCE', deaNumber: null });
    expect(r[0]?.shipment.shipDate).toBe('2011-12-06');
  });
});

describe('dates of releases before 004010 (YYMMDD)', () => {
  it('take their century from a window around today, not always 20YY', () => {
    const now = new Date('2026-12-02T00:00:00Z');
    expect(isoDate('950613', now)).toBe('1995-06-13');
    expect(isoDate('271231', now)).toBe('2027-12-31');
    expect(isoDate('20240601', now)).toBe('2024-06-01');
    expect(isoDate('2406', now)).toBeNull();
  });
});
