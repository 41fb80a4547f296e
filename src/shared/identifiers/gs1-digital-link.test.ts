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

  it('the key is the rightmost one: a brand\'s own path before it may look like AIs', () => {
    expect(parseGs1(`https://example.com/8004/abc/01/${GTIN}/10/L`, { now })).toMatchObject({ ok: true, gtin: GTIN, lot: 'L', elements: [{ ai: '01' }, { ai: '10' }] });
    expect(parseGs1(`https://example.com/01/shop/01/${GTIN}`, { now })).toMatchObject({ ok: true, gtin: GTIN });
  });

  it('after the key only its qualifiers, in the Syntax Dictionary\'s order (01: 22, 10, 21 or 235); data attributes go in the query', () => {
    const swapped = parseGs1(`https://id.gs1.org/01/${GTIN}/21/S1/10/L1`, { now });
    expect(!swapped.ok && swapped.issue).toMatchObject({ code: 'bad-uri', ai: '10' });
    expect(!swapped.ok && swapped.error).toBe(
      "This GS1 Digital Link's path is not valid: (10) is out of order, repeated or mixed with another sequence's qualifier after (01): the path takes 22, then 10, then 21; or 235, in that order.",
    );
    const expiryInPath = parseGs1(`https://id.gs1.org/01/${GTIN}/17/270331`, { now });
    expect(!expiryInPath.ok && expiryInPath.error).toBe(
      "This GS1 Digital Link's path is not valid: (17) is not a qualifier of (01) in a Digital Link path (the path may go on with 22, then 10, then 21; or 235, in that order); a data attribute such as (17) goes in the query (?17=…).",
    );
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/A/10/A`, { now }).ok).toBe(false);
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/22/V1/10/L1/21/S1`, { now })).toMatchObject({ ok: true, lot: 'L1', serial: 'S1' });
  });

  it('"22,10,21|235" are two sequences that are not mixed: a TPX (235) alone after the GTIN, never after a lot', () => {
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/235/TPX1`, { now })).toMatchObject({ ok: true, elements: [{ ai: '01' }, { ai: '235', value: 'TPX1' }] });
    const mixed = parseGs1(`https://id.gs1.org/01/${GTIN}/10/L1/235/TPX1`, { now });
    expect(!mixed.ok && mixed.issue).toMatchObject({ code: 'bad-uri', ai: '235' });
    expect(!mixed.ok && mixed.error).toMatch(/\(235\) is out of order, repeated or mixed with another sequence's qualifier after \(01\)/);
    // With 235 in the path a lot cannot go there, so it goes in the query (GS1's own parser takes it).
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/235/TPX1?10=L1`, { now })).toMatchObject({ ok: true, lot: 'L1' });
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}?10=L1`, { now }).ok).toBe(false);
  });

  it('the query takes only AIs the Syntax Dictionary flags as data attributes ("?")', () => {
    const url = parseGs1(`https://id.gs1.org/01/${GTIN}?8200=https%3A%2F%2Fexample.com`, { now });
    expect(!url.ok && url.issue).toMatchObject({ code: 'bad-uri', ai: '8200' });
    expect(!url.ok && url.error).toBe(
      "(8200) is given in the web address's query, but the GS1 Barcode Syntax Dictionary does not allow it as a Digital Link data attribute (it qualifies a key in the path, or belongs to one that is not here). It is not a valid GS1 Digital Link.",
    );
    // 235 cannot go in this path (it would mix the sequences), and it is no data attribute either.
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/L1?235=T`, { now })).toMatchObject({ ok: false, issue: { ai: '235' } });
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/235/T?21=S1`, { now })).toMatchObject({ ok: false, issue: { ai: '21' } });
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/L1?17=270331&7003=2703311200`, { now }).ok).toBe(true);
  });

  it('reads the keys and qualifiers the Dictionary gives beyond a drug package: 415 with 8020, 414 and 417 with 7040', () => {
    expect(parseGs1('https://id.gs1.org/415/5412345000013/8020/ABC123', { now })).toMatchObject({ ok: true, elements: [{ ai: '415' }, { ai: '8020', value: 'ABC123' }] });
    expect(parseGs1('https://id.gs1.org/417/5412345000013/7040/1ABC', { now })).toMatchObject({ ok: true, elements: [{ ai: '417' }, { ai: '7040', value: '1ABC' }] });
    expect(parseGs1('https://id.gs1.org/414/5412345000013/254/X1/7040/1ABC', { now }).ok).toBe(false);
  });

  it('the query: no key qualifier (it belongs in the path), no AI twice, "+" is a space, ";" separates too', () => {
    const lotInQuery = parseGs1(`https://id.gs1.org/01/${GTIN}?10=ABC`, { now });
    expect(!lotInQuery.ok && lotInQuery.error).toBe("(10) is given in the web address's query, but it is a qualifier of (01) and belongs in the path (/10/…). It is not a valid GS1 Digital Link.");
    const twice = parseGs1(`https://id.gs1.org/01/${GTIN}?17=270331&17=270331`, { now });
    expect(!twice.ok && twice.issue).toMatchObject({ code: 'conflicting-ai', ai: '17', message: '(17) appears twice in the web address; a GS1 Digital Link gives each AI once.' });
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}?17=270331;15=270301`, { now })).toMatchObject({ ok: true, expiry: '2027-03-31', bestBefore: '2027-03-01' });
    const plus = parseGs1(`https://id.gs1.org/01/${GTIN}?240=A+B`, { now });
    expect(!plus.ok && plus.issue).toMatchObject({ code: 'bad-characters', ai: '240' }); // a space, outside set 82
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/A+B`, { now })).toMatchObject({ ok: true, lot: 'A+B' }); // in the path "+" is itself
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}?12345=x`, { now }).ok).toBe(false);
  });

  it('refuses an empty path segment, a host with user information, and names a compressed link for what it is', () => {
    expect(parseGs1(`https://id.gs1.org/01/${GTIN}/10/L1/`, { now })).toMatchObject({ ok: false, error: 'This web address has an empty path segment ("//" or a "/" at the end). It is not a valid GS1 Digital Link.' });
    expect(parseGs1(`https://id.gs1.org@evil.example/01/${GTIN}`, { now }).ok).toBe(false);
    expect(parseGs1('https://id.gs1.org/ARHKVAdpQgTAsfE', { now })).toMatchObject({ ok: false, error: expect.stringContaining('looks like a compressed GS1 Digital Link, which RxLedger does not read') });
  });

  it('validates values like any other element: check digit, date', () => {
    const badGtin = parseGs1('https://id.gs1.org/01/00300021200306', { now });
    expect(!badGtin.ok && badGtin.issue).toMatchObject({ code: 'bad-check-digit', ai: '01' });
    const badDate = parseGs1(`https://id.gs1.org/01/${GTIN}?17=251332`, { now });
    expect(!badDate.ok && badDate.issue).toMatchObject({ code: 'bad-date', ai: '17' });
  });
});
