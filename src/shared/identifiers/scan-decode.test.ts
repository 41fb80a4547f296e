import { describe, expect, it } from 'vitest';
import { ndcToGtin14 } from './gtin';
import { replaceGsStandIns } from './gs1-separator';
import { decodeScan } from './scan-decode';

const now = new Date('2026-11-26T12:00:00Z');
const GS = '\x1d';
const GTIN = ndcToGtin14('0002-1200-30'); // 00300021200305
const UPC = GTIN.slice(2);
const catalog = new Set(['00002-1200-30', '55111-0124-05']);
const isKnownNdc = (ndc11: string) => catalog.has(ndc11);

describe('decodeScan', () => {
  it('DSCSA DataMatrix with symbology id: everything receiving needs, NDC through the catalog', () => {
    const r = decodeScan(`]d2${GS}01${GTIN}21SN123${GS}1727030010LOT-7\r\n`, { now, isKnownNdc });
    expect(r).toMatchObject({
      ok: true,
      kind: 'gs1',
      symbology: 'GS1 DataMatrix',
      symbologyId: ']d2',
      gtin: GTIN,
      ndc: '00002-1200-30',
      ndc10Candidates: [],
      lot: 'LOT-7',
      expiry: '2027-03-31',
      serial: 'SN123',
      error: null,
    });
  });

  it('without a catalog never guesses the NDC of a GTIN, but lists the candidates', () => {
    const r = decodeScan(`01${GTIN}`, { now });
    expect(r).toMatchObject({ ok: true, gtin: GTIN, ndc: null, ndc10Candidates: ['00002-1200-30', '00021-0200-30', '00021-2003-00'] });
  });

  it('warns when the NDC inside a GTIN is not in the catalog', () => {
    const r = decodeScan(`01${ndcToGtin14('0009-0001-01')}`, { now, isKnownNdc });
    expect(r.ok).toBe(true);
    expect(r.ndc).toBeNull();
    expect(r.warnings[0]).toMatch(/not in the drug catalog/);
  });

  it('bare UPC-A carrying an NDC, with and without ]E0', () => {
    expect(decodeScan(UPC, { isKnownNdc })).toMatchObject({ ok: true, kind: 'gtin', gtin: GTIN, ndc: '00002-1200-30', symbology: null });
    expect(decodeScan(`]E00${UPC}`, { isKnownNdc })).toMatchObject({ ok: true, symbology: 'UPC-A', symbologyId: ']E0', gtin: GTIN });
  });

  it('bare EAN-13, ITF-14 and EAN-8', () => {
    expect(decodeScan('4006381333931')).toMatchObject({ ok: true, kind: 'gtin', gtin: '04006381333931', ndc: null, ndc10Candidates: [] });
    expect(decodeScan(`]I1${ndcToGtin14('0002-1200-30', { indicator: 3 })}`)).toMatchObject({ ok: true, symbology: 'ITF-14' });
    expect(decodeScan(']E496385074')).toMatchObject({ ok: true, symbology: 'EAN-8', gtin: '00000096385074' });
  });

  it('a damaged UPC (wrong check digit) is refused, with a hint for 12-digit NDCs', () => {
    const r = decodeScan(UPC.slice(0, -1) + '9');
    expect(r.ok).toBe(false);
    expect(r.issue?.code).toBe('bad-check-digit');
    expect(r.error).toMatch(/12-digit NDC, type it with hyphens/);
  });

  it('six or seven digits (a UPC-E with its number system or check digit left out by the scanner) get a UPC-E answer, not a GS1 one', () => {
    const seven = decodeScan('0123455', { now });
    expect(seven).toMatchObject({ ok: false, issue: { code: 'bad-upc-e', value: '0123455' } });
    expect(seven.error).toBe(
      '0123455 has 7 digits and is no product code (a GTIN has 8, 12, 13 or 14). If it is a UPC-E, the scanner left out its number system or check digit: set the scanner to send all 8 digits (or the expanded UPC-A), or type the 12-digit UPC-A printed under the barcode.',
    );
    expect(decodeScan('123455', { now }).error).toContain('left out its number system and check digit');
    // The same digits as a full UPC-E read as before.
    expect(decodeScan('01234565', { now }).ok).toBe(true);
  });

  it('EAN with a price add-on keeps the GTIN and says the add-on was dropped', () => {
    const r = decodeScan(`]E34006381333931` + '12');
    expect(r).toMatchObject({ ok: true, gtin: '04006381333931' });
    expect(r.warnings[0]).toMatch(/Add-on 12/);
  });

  it('GS1 Digital Link URI', () => {
    const r = decodeScan(`https://id.gs1.org/01/${GTIN}/10/L%2D1X/21/S1?17=270331`, { now, isKnownNdc });
    expect(r).toMatchObject({ ok: true, kind: 'digital-link', gtin: GTIN, ndc: '00002-1200-30', lot: 'L-1X', serial: 'S1', expiry: '2027-03-31' });
  });

  it('typed NDCs', () => {
    expect(decodeScan('0002-1200-30')).toMatchObject({ ok: true, kind: 'ndc', ndc: '00002-1200-30', gtin: null });
    expect(decodeScan('00002120030')).toMatchObject({ ok: true, kind: 'ndc', ndc: '00002-1200-30' });
    expect(decodeScan('NDC 55111-124-05')).toMatchObject({ ok: true, ndc: '55111-0124-05' });
    expect(decodeScan('123456-7890-12')).toMatchObject({ ok: true, ndc: '123456-7890-12', ndc12: '123456-7890-12' });
  });

  it('hyphenless 10-digit NDC: resolved with the catalog, refused (with candidates) without it', () => {
    expect(decodeScan('5511112405', { isKnownNdc })).toMatchObject({ ok: true, ndc: '55111-0124-05' });
    const r = decodeScan('5511112405');
    expect(r).toMatchObject({ ok: false, ndc: null, ndc10Candidates: ['05511-1124-05', '55111-0124-05', '55111-1240-05'] });
    expect(r.issue?.code).toBe('ndc-ambiguous');
    expect(decodeScan('9999999999', { isKnownNdc }).issue?.code).toBe('ndc-unknown');
  });

  it('keeps the raw input on failure', () => {
    const raw = `]d201${GTIN}17251332\r\n`;
    const r = decodeScan(raw, { now });
    expect(r).toMatchObject({ ok: false, raw, symbology: 'GS1 DataMatrix' });
    expect(r.issue).toMatchObject({ code: 'bad-date', ai: '17' });
    expect(r.elements.map((e) => e.ai)).toEqual(['01']);
  });

  it('bad input gets a clear message', () => {
    expect(decodeScan('').issue?.code).toBe('empty');
    expect(decodeScan('  \r\n').issue?.code).toBe('empty');
    expect(decodeScan('hello world')).toMatchObject({ ok: false, issue: { code: 'unrecognised' } });
    expect(decodeScan(`01${GTIN}10${'X'.repeat(21)}`, { now }).issue).toMatchObject({ code: 'too-long', ai: '10' });
    expect(decodeScan(`01${GTIN}9`, { now }).issue?.code).toBe('unknown-ai');
  });

  it('a GS1 code under a non-GS1 symbology is read, with a warning', () => {
    const r = decodeScan(`]d101${GTIN}17270331`, { now });
    expect(r).toMatchObject({ ok: true, symbology: 'Data Matrix', expiry: '2027-03-31' });
    expect(r.warnings.join(' ')).toMatch(/not a GS1 symbology/);
  });

  it('8 digits: a valid GTIN-8 is a GTIN, an expiry element is read as one (and refused alone: it needs a GTIN)', () => {
    expect(decodeScan('96385074')).toMatchObject({ ok: true, kind: 'gtin' });
    expect(decodeScan('17270331', { now })).toMatchObject({ ok: false, issue: { code: 'missing-association', ai: '17' } });
    expect(decodeScan('17270331', { now, associations: false })).toMatchObject({ ok: true, kind: 'gs1', expiry: '2027-03-31' });
  });

  it('textual GS stand-ins, once replaced, read like the byte', () => {
    const typed = `01${GTIN}10L1<GS>21S1^]17270331`;
    expect(decodeScan(replaceGsStandIns(typed), { now })).toMatchObject({ ok: true, lot: 'L1', serial: 'S1', expiry: '2027-03-31' });
    expect(replaceGsStandIns('a\\x1db{gs}c\\u001Dd')).toBe(`a${GS}b${GS}c${GS}d`);
  });
});
