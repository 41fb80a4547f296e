import { describe, expect, it } from 'vitest';
import { gs1CheckDigit } from './gs1-check-digit';
import { isValidGtin, ndc10DigitsFromGtin, ndcFromGtin, ndcToGtin14, ndcToUpcA, normalizeGtin, parseGtin } from './gtin';

describe('parseGtin', () => {
  it.each([
    ['96385074', 'GTIN-8', '00000096385074'],
    ['036000291452', 'GTIN-12', '00036000291452'],
    ['4006381333931', 'GTIN-13', '04006381333931'],
    ['10300021200302', 'GTIN-14', '10300021200302'],
  ])('accepts %s as %s and pads it to %s', (input, kind, gtin14) => {
    expect(parseGtin(input)).toEqual({ ok: true, kind, gtin14 });
  });

  it('refuses a wrong check digit and says which digit was expected', () => {
    const result = parseGtin('4006381333932');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('bad-check-digit');
    expect(result.error).toContain('expected 1');
  });

  it.each(['123', '1234567890', 'ABCDEFGHIJKL', ''])('refuses %j as not a GTIN', (input) => {
    expect(isValidGtin(input)).toBe(false);
  });

  it('normalizeGtin throws for a bad GTIN', () => {
    expect(normalizeGtin('036000291452')).toBe('00036000291452');
    expect(() => normalizeGtin('036000291453')).toThrow(/check digit/);
  });
});

describe('NDC in a GTIN', () => {
  it('builds the GTIN-14: indicator, 03, NDC10, check digit', () => {
    const gtin = ndcToGtin14('0002-1200-30');
    expect(gtin).toBe('00300021200305');
    expect(gtin.slice(-1)).toBe(String(gs1CheckDigit(gtin.slice(0, -1))));
    expect(ndcToGtin14('0002-1200-30', { indicator: 5 })).toMatch(/^503000212003\d\d$/);
    expect(isValidGtin(ndcToGtin14('0002-1200-30', { indicator: 5 }))).toBe(true);
  });

  it('builds the UPC-A printed on a unit: 3, NDC10, check digit', () => {
    expect(ndcToUpcA('0002-1200-30')).toBe('300021200305');
    expect(ndcToUpcA('55111-124-05')).toBe(`35511112405${gs1CheckDigit('35511112405')}`);
  });

  it('needs the layout for an 11-digit NDC that fits more than one', () => {
    expect(() => ndcToGtin14('00002-0120-30')).toThrow(/4-4-2 or 5-3-2/);
    expect(ndcToGtin14('00002-0120-30', { layout: '5-3-2' })).toBe('0030000212030' + String(gs1CheckDigit('0030000212030')));
  });

  it('refuses indicator 9 (variable measure)', () => {
    expect(() => ndcToGtin14('0002-1200-30', { indicator: 9 })).toThrow(/Indicator digit 9/);
  });

  it('reads the 10 NDC digits back from GTIN-14 and UPC-A alike, layout unknown', () => {
    expect(ndc10DigitsFromGtin('00300021200305')).toBe('0002120030');
    expect(ndc10DigitsFromGtin('300021200305')).toBe('0002120030');
    expect(ndc10DigitsFromGtin('4006381333931')).toBeNull();
    const result = ndcFromGtin('300021200305');
    expect(result).toMatchObject({ ok: true, ndc: null, resolution: 'no-resolver', candidates: ['00002-1200-30', '00021-0200-30', '00021-2003-00'] });
  });

  it('resolves the NDC of a GTIN through the catalog', () => {
    const resolved = ndcFromGtin('10300021200302', { isKnown: (n) => n === '00002-1200-30' });
    expect(resolved.ok && resolved.ndc?.ndc11).toBe('00002-1200-30');
    expect(resolved.ok && resolved.indicator).toBe(1);
    expect(ndcFromGtin('300021200305', { isKnown: () => false })).toMatchObject({ ndc: null, resolution: 'unknown' });
    expect(ndcFromGtin('300021200305', { isKnown: () => true })).toMatchObject({ ndc: null, resolution: 'ambiguous' });
  });

  it('says a non-NDC GTIN carries no NDC', () => {
    const result = ndcFromGtin('4006381333931');
    expect(!result.ok && result.issue.code).toBe('not-ndc-gtin');
  });
});
