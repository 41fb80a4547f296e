import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corpusPath } from '../../testing/corpora';
import { parseAsn856 } from './asn';
import { parseEpc } from './epc';
import { parseEpcis } from './epcis';
import { detectShipmentKind, manualPoToShipment } from './manual';
import { addDays, matchUnit, type MatchLine } from './match';
import { deaNumberProblem } from './types';

describe('EPC URIs to GS1 keys', () => {
  it('SGTIN: indicator digit moves to the front, check digit added, serial unescaped', () => {
    expect(parseEpc('urn:epc:id:sgtin:030001.0012345.11')).toEqual({ kind: 'sgtin', gtin: '00300010123455', serial: '11' });
    expect(parseEpc('urn:epc:id:sgtin:030001.1012345.110')).toEqual({ kind: 'sgtin', gtin: '10300010123452', serial: '110' });
    expect(parseEpc('urn:epc:id:sgtin:0614141.107346.A%2FB')).toEqual({ kind: 'sgtin', gtin: '10614141073464', serial: 'A/B' });
  });
  it('SSCC, LGTIN class, SGTIN pattern, Digital Link', () => {
    expect(parseEpc('urn:epc:id:sscc:030001.41234567890')).toEqual({ kind: 'sscc', sscc: '403000112345678901' });
    expect(parseEpc('urn:epc:class:lgtin:4012345.012345.998877')).toMatchObject({ kind: 'lgtin', lot: '998877' });
    expect(parseEpc('urn:epc:idpat:sgtin:030001.0012345.*')).toEqual({ kind: 'gtin', gtin: '00300010123455' });
    expect(parseEpc('https://id.gs1.org/01/00300010123455/21/X9')).toEqual({ kind: 'sgtin', gtin: '00300010123455', serial: 'X9' });
  });
  it('a wrong number of digits is not turned into a key', () => {
    expect(parseEpc('urn:epc:id:sgtin:030001.00123.11').kind).toBe('other');
  });
  it('Tag Data Standard limits: a company prefix of 6-12 digits, a serial or lot of at most 20 characters of set 82', () => {
    expect(parseEpc('urn:epc:id:sgtin:03000.10012345.S1').kind).toBe('other'); // 5-digit prefix, 13 digits in all
    expect(parseEpc('urn:epc:id:sscc:0300.0100000000001').kind).toBe('other');
    expect(parseEpc(`urn:epc:id:sgtin:030001.0012345.${'A'.repeat(20)}`).kind).toBe('sgtin');
    expect(parseEpc(`urn:epc:id:sgtin:030001.0012345.${'A'.repeat(21)}`).kind).toBe('other');
    expect(parseEpc('urn:epc:id:sgtin:030001.0012345.A%20B').kind).toBe('other'); // a space is not in set 82
  });
  it('Digital Link: an SSCC of 18 digits is read as one, and a key with a wrong check digit is no key', () => {
    expect(parseEpc('https://id.gs1.org/00/003000100000000008')).toEqual({ kind: 'sscc', sscc: '003000100000000008' });
    expect(parseEpc('https://id.gs1.org/00/003000100000000001').kind).toBe('other');
    expect(parseEpc('https://id.gs1.org/01/00300010123456/21/S1').kind).toBe('other');
  });
});

describe.skipIf(!corporaPresent)('EPCIS documents from the shared corpora', () => {
  it('1.2 XML (GS1 US DSCSA example 2.2.1.1): 12 units of lot A123, 3 cases, a pallet, PO XYZPO189', () => {
    const r = parseEpcis(readFileSync(corpusPath('epcis', 'openepcis_GS1_US_Pharma_Example_2_2_1_1.xml'), 'utf8'), 'x.xml');
    if (!r.ok) throw new Error(r.error);
    const s = r.shipment;
    expect(s).toMatchObject({ kind: 'epcis', documentId: '1100220001', poNumber: 'XYZPO189', supplier: { name: 'GS1 Pharma', address: '1 Biopharm Ct, Suite A, Thousand Oaks, CA 91320, US', deaNumber: null } });
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatchObject({ ndc: '00001-0123-45', gtin: '00300010123455', lot: 'A123', expiry: '2025-03-27', quantity: 12, unitsPerContainer: 500 });
    expect(s.lines[0]!.serials).toHaveLength(12);
    const pallet = s.packs.find((p) => p.key === 's:403000112345678901')!;
    expect(pallet.children).toEqual(['u:10300010123452:110', 'u:10300010123452:111', 'u:10300010123452:121']);
    expect(s.packs.filter((p) => p.key.startsWith('u:10300010123452:')).map((p) => p.children.length)).toEqual([4, 4, 4]);
  });

  it('2.0 JSON-LD: the object event unit with its ILMD lot; a quantity in KGM is skipped with a warning', () => {
    const r = parseEpcis(readFileSync(corpusPath('epcis', 'openepcis_2.0_ObjectEvent_all_possible_fields.json'), 'utf8'), 'x.json');
    if (!r.ok) throw new Error(r.error);
    expect(r.shipment.lines).toEqual([expect.objectContaining({ gtin: '10614141073464', lot: 'ABC123', quantity: 1, serials: ['2018'] })]);
    expect(r.shipment.warnings.join(' ')).toMatch(/KGM/);
  });

  it('an 856 whose envelope is broken is refused with the reason', () => {
    const r = parseAsn856(readFileSync(corpusPath('edi', 'malformed', 'gozer_asn856_ISA13_ne_IEA02.txt'), 'utf8'));
    expect(r.ok).toBe(false);
  });
});

describe('an 856 that is no readable X12', () => {
  // Written for this test: an ISA ended by NEL (U+0085), which no X12 character set holds.
  const isa = 'ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *261201*1200*U*00401*000000101*0*P*>';
  it('says why: the ISA’s terminator, or no X12 start at all', () => {
    expect(parseAsn856(`${isa}\u0085GS*SH*WHOLESALER*PHARMACY01*20261201*1200*1*X*004010\u0085`)).toEqual({
      ok: false,
      error: 'the file is not readable X12: invalid segment terminator that is not an ASCII character (an X12 delimiter is one ASCII character; is the file in another encoding?)',
    });
    expect(parseAsn856('BSN*00*SHIP1*20261201*1200~')).toEqual({ ok: false, error: 'the file is not readable X12: input does not start with ISA, GS or ST' });
  });
});

describe('shipment inputs', () => {
  it('not EPCIS, not X12', () => {
    expect(parseEpcis('{"type":"Something"}').ok).toBe(false);
    expect(parseEpcis('<a/>').ok).toBe(false);
    expect(detectShipmentKind('ISA*00*...')).toBe('edi856');
    expect(detectShipmentKind(' <?xml version="1.0"?>')).toBe('epcis');
    expect(detectShipmentKind('hello')).toBeNull();
  });

  it('a typed PO: NDCs read in any layout, a hyphenless 10-digit NDC refused without the catalog, DEA check digit', () => {
    const base = { supplier: { name: 'S', address: 'A', deaNumber: 'AB1234563' }, poNumber: 'P1', lines: [{ ndc: '0002-1200-30', quantity: 2 }] };
    const ok = manualPoToShipment(base);
    expect(ok.ok && ok.shipment.lines[0]).toMatchObject({ ndc: '00002-1200-30', gtin: '00300021200305', quantity: 2 });
    const amb = manualPoToShipment({ ...base, lines: [{ ndc: '0002120030', quantity: 1 }] });
    expect(amb.ok ? '' : amb.error).toMatch(/hyphens/);
    const dea = manualPoToShipment({ ...base, supplier: { ...base.supplier, deaNumber: 'AB1234567' } });
    expect(dea.ok ? '' : dea.error).toMatch(/check digit/);
    expect(deaNumberProblem('RC0183272')).toBeNull();
  });
});

describe('matching one unit', () => {
  const line = (over: Partial<MatchLine> = {}): MatchLine => ({ id: 1, ndc: '00002-1200-30', gtin: '00300021200305', expected: 2, lot: 'A1', expiry: null, serials: new Set(), received: 0, ...over });
  const ctx = (lines: MatchLine[], seen: string | null = null) => ({ lines, today: '2026-11-20', shortDatedDays: 90, serialSeen: () => seen });
  const unit = { gtin: '00300021200305', ndc: null, lot: 'A1', expiry: '2028-01-31', serial: 'S1' };

  it('received, over, wrong lot, unexpected, short-dated, expired, duplicate', () => {
    expect(matchUnit(unit, ctx([line()]))).toMatchObject({ accepted: true, verdict: 'received', lineId: 1 });
    expect(matchUnit(unit, ctx([line({ received: 2 })]))).toMatchObject({ accepted: true, verdict: 'over' });
    expect(matchUnit({ ...unit, lot: 'B2' }, ctx([line()]))).toMatchObject({ accepted: true, verdict: 'wrong-lot', lot: 'B2' });
    expect(matchUnit({ ...unit, gtin: '00300021200404' }, ctx([line()]))).toMatchObject({ accepted: true, verdict: 'unexpected-product', lineId: null });
    expect(matchUnit({ ...unit, expiry: addDays('2026-11-20', 30) }, ctx([line()]))).toMatchObject({ verdict: 'short-dated' });
    expect(matchUnit({ ...unit, expiry: '2026-11-19' }, ctx([line()]))).toMatchObject({ accepted: false, verdict: 'expired' });
    expect(matchUnit(unit, ctx([line()], 'ledger'))).toMatchObject({ accepted: false, verdict: 'duplicate-serial' });
    expect(matchUnit({ ...unit, serial: 'S9' }, ctx([line({ serials: new Set(['S1']) })]))).toMatchObject({ verdict: 'serial-not-listed' });
  });

  it('a linear barcode without a lot takes the one lot the shipment names, else is refused', () => {
    expect(matchUnit({ ...unit, lot: null, serial: null }, ctx([line()]))).toMatchObject({ accepted: true, lot: 'A1', flags: ['lot-from-document'] });
    expect(matchUnit({ ...unit, lot: null, serial: null }, ctx([line({ lot: null })]))).toMatchObject({ accepted: false, verdict: 'no-lot' });
  });
});
