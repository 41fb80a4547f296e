import { describe, expect, it } from 'vitest';
import { parseGs1 } from './gs1-parse';

const now = new Date('2026-11-26T12:00:00Z');
const GTIN = '00300021200305';

describe('GS1 Digital Link', () => {
  it('reads path and query AIs on any host', () => {
    const r = parseGs1(`https://id.gs1.org/01/${GTIN}/10/LOT1/21/SN1?17=270331`, { now });
    expect(r).toMatchObject({ ok: true, source: 'digital-link', gtin: GTIN, lot: 'LOT1', serial: 'SN1', expiry: '2027-03-31' });
    const own = parseGs1(`https://brand.example.com/some/prefix/01/${GTIN}/21/SN1`, { now });
    expect(own).toMatchObject({ ok: true, gtin: GTIN, serial: 'SN1' });
  });

  it('pads a GTIN-12 in the path to 14 digits', () => {
    expect(parseGs1('https://example.com/01/300021200305', { now })).toMatchObject({ ok: true, gtin: GTIN });
  });

  it('percent-decodes values', () => {
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/A%2FB%25C`, { now })).toMatchObject({ ok: true, lot: 'A/B%C' });
  });

  it('ignores non-AI query parameters and reads the short aliases', () => {
    const r = parseGs1(`https://id.gs1.org/gtin/${GTIN}/lot/L9?linkType=gs1:pip&exp=270200`, { now });
    expect(r).toMatchObject({ ok: true, gtin: GTIN, lot: 'L9', expiry: '2027-02-28' });
  });

  it('refuses a web address with no GS1 key in its path', () => {
    const r = parseGs1('https://example.com/products/123', { now });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.code).toBe('bad-uri');
  });

  it('refuses broken percent-encoding, naming the AI', () => {
    const r = parseGs1(`https://id.gs1.org/01/${GTIN}/10/A%E0%A4%A`, { now });
    expect(!r.ok && r.issue).toMatchObject({ code: 'bad-uri', ai: '10' });
  });

  it('validates values like any other element: check digit, date', () => {
    const badGtin = parseGs1('https://id.gs1.org/01/00300021200306', { now });
    expect(!badGtin.ok && badGtin.issue).toMatchObject({ code: 'bad-check-digit', ai: '01' });
    const badDate = parseGs1(`https://id.gs1.org/01/${GTIN}?17=251332`, { now });
    expect(!badDate.ok && badDate.issue).toMatchObject({ code: 'bad-date', ai: '17' });
  });
});
