import { describe, expect, it } from 'vitest';
import { parseElementString, parseGs1, parseHri } from './gs1-parse';

const now = new Date('2026-11-26T12:00:00Z');
const GS = '\x1d';
// GTIN-14 of NDC 0002-1200-30 (indicator 0), valid check digit.
const GTIN = '00300021200305';

function ok(input: string, opts = {}) {
  const result = parseGs1(input, { now, ...opts });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.error}`);
  return result;
}
function bad(input: string, opts = {}) {
  const result = parseGs1(input, { now, ...opts });
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to fail, got ${result.hri}`);
  return result;
}

describe('raw element strings', () => {
  it('reads a DSCSA DataMatrix: GTIN, expiry, lot, serial', () => {
    const r = ok(`]d2${GS}01${GTIN}1727033110A1B2C3${GS}21SN0001`);
    expect(r).toMatchObject({ gtin: GTIN, expiry: '2027-03-31', lot: 'A1B2C3', serial: 'SN0001', source: 'element-string' });
    expect(r.symbology).toEqual({ id: ']d2', name: 'GS1 DataMatrix', content: 'gs1' });
    expect(r.hri).toBe(`(01)${GTIN}(17)270331(10)A1B2C3(21)SN0001`);
  });

  it('tolerates leading, doubled and trailing separators', () => {
    const r = ok(`${GS}01${GTIN}${GS}${GS}21SN${GS}${GS}10L1${GS}`);
    expect(r.elements.map((e) => e.ai)).toEqual(['01', '21', '10']);
    expect(r.serial).toBe('SN');
  });

  it('reads AI 7003 as expiry date and time, and uses its date when 17 is absent', () => {
    const r = ok(`01${GTIN}70032703311430${GS}10L1`);
    expect(r.expiryDateTime).toBe('2027-03-31T14:30');
    expect(r.expiry).toBe('2027-03-31');
  });

  it('reads an SSCC and checks its check digit', () => {
    expect(ok('00106141411234567897').sscc).toBe('106141411234567897');
    const r = bad('00106141411234567898');
    expect(r.issue).toMatchObject({ code: 'bad-check-digit', ai: '00', position: 0 });
  });

  it('reads national healthcare numbers (710–715)', () => {
    const r = ok(`01${GTIN}7150002120030${GS}10L1`);
    expect(r.elements.find((e) => e.ai === '715')?.value).toBe('0002120030');
  });

  it('reads a logistic unit: content GTIN and count', () => {
    const r = ok(`00106141411234567897${'02'}${GTIN}3712${GS}10L1`);
    expect(r).toMatchObject({ contentGtin: GTIN, count: 12, lot: 'L1' });
  });

  it('turns a lost separator into a warning when the lot ends in a date', () => {
    const r = ok(`01${GTIN}10ABC12317270331`);
    expect(r.lot).toBe('ABC12317270331');
    expect(r.expiry).toBeNull();
    expect(r.warnings[0]).toMatch(/lacks a separator/);
  });

  it('accepts a scanner-specific separator when configured', () => {
    expect(ok(`01${GTIN}10L1|17270331`, { separators: ['|'] }).expiry).toBe('2027-03-31');
  });
});

describe('bad element strings name the element, the position and the reason', () => {
  it('wrong GTIN check digit', () => {
    const r = bad(`]d201${GTIN.slice(0, -1)}9`);
    expect(r.issue).toMatchObject({ code: 'bad-check-digit', ai: '01', position: 3 });
    expect(r.error).toMatch(/character 4.*expected 5/);
  });

  it('impossible date 251332', () => {
    const r = bad(`01${GTIN}17251332`);
    expect(r.issue).toMatchObject({ code: 'bad-date', ai: '17', position: 16 });
    expect(r.error).toMatch(/expiry date \(AI 17\) 251332.*month 13/);
    expect(r.elements.map((e) => e.ai)).toEqual(['01']);
  });

  it('lot longer than 20 characters', () => {
    const r = bad(`01${GTIN}10ABCDEFGHIJKLMNOPQRSTU${GS}21X`);
    expect(r.issue).toMatchObject({ code: 'too-long', ai: '10' });
    expect(r.error).toMatch(/21 characters long; GS1 allows at most 20/);
  });

  it('serial swallowing expiry and lot when the separator is missing', () => {
    const r = bad(`01${GTIN}21SERIAL0001234561727033110LOT`);
    expect(r.issue).toMatchObject({ code: 'too-long', ai: '21' });
    expect(r.error).toMatch(/separator \(GS\)/);
  });

  it('unknown AI', () => {
    const r = bad(`01${GTIN}1412345`);
    expect(r.issue).toMatchObject({ code: 'unknown-ai', ai: '1412', position: 16 });
  });

  it('damaged code: truncated fixed-length element', () => {
    const r = bad(`01${GTIN.slice(0, 9)}`);
    expect(r.issue).toMatchObject({ code: 'truncated', ai: '01' });
  });

  it('damaged code: a separator inside a fixed-length element', () => {
    const r = bad(`01003000${GS}21200305`);
    expect(r.issue.code).toBe('truncated');
  });

  it('characters outside set 82 in a lot', () => {
    const r = bad(`01${GTIN}10AB C`);
    expect(r.issue).toMatchObject({ code: 'bad-characters', ai: '10' });
    expect(r.error).toContain('a space');
  });

  it('letters in a numeric element', () => {
    expect(bad(`01${GTIN}17A70331`).issue.code).toBe('bad-characters');
  });

  it('one AI twice with different values', () => {
    const r = bad(`01${GTIN}21A${GS}21B`);
    expect(r.issue).toMatchObject({ code: 'conflicting-ai', ai: '21' });
  });

  it('only separators', () => {
    expect(parseElementString(`${GS}${GS}`, { now }).ok).toBe(false);
  });

  it('a fixed-length AI outside the predefined-length table needs its separator unless last (§7.8.5.2)', () => {
    const origin = bad(`]d201${GTIN}42284010ABC`);
    expect(origin.issue).toMatchObject({ code: 'missing-separator', ai: '422', position: 19 });
    expect(origin.error).toBe(
      'The country of origin (AI 422) at character 20 is followed straight by more data at character 26: GS1 requires a separator (FNC1/GS) after AI 422, which is not one of the predefined-length AIs. The barcode was printed wrong; type the label\'s values by hand.',
    );
    expect(bad(`01${GTIN}7003270331143010L1`).issue).toMatchObject({ code: 'missing-separator', ai: '7003' });
    // With the separator, or last in the data, it reads; a predefined-length AI (17) never needs one.
    expect(ok(`]d201${GTIN}422840${GS}10ABC`).hri).toBe(`(01)${GTIN}(422)840(10)ABC`);
    expect(ok(`01${GTIN}10ABC${GS}422840`).hri).toBe(`(01)${GTIN}(10)ABC(422)840`);
    expect(ok(`01${GTIN}1727033110L1`).expiry).toBe('2027-03-31');
  });

  it('measures carry 0–5 decimals: AI 3106 is no AI (Syntax Dictionary 3100-3105)', () => {
    expect(ok(`01${GTIN}3103001234`).hri).toBe(`(01)${GTIN}(3103)001234`);
    expect(bad(`01${GTIN}3106001234`).issue).toMatchObject({ code: 'unknown-ai', ai: '3106', position: 16 });
  });

  it('AI 8006: piece and total count from 1 and the piece is not beyond the total', () => {
    expect(ok(`]d28006${GTIN}0102`).hri).toBe(`(8006)${GTIN}0102`);
    const beyond = bad(`]d28006${GTIN}0302`);
    expect(beyond.issue).toMatchObject({ code: 'bad-value', ai: '8006' });
    expect(beyond.error).toBe(
      `The piece of a trade item (ITIP) (AI 8006) ${GTIN}0302 at character 4 names piece 3 of 2: the piece number is larger than the total. The code is damaged or was printed wrong.`,
    );
    expect(bad(`]d28006${GTIN}0002`).error).toContain('names piece 0 of 2: piece and total count from 1');
  });

  it('AI 8003 (GRAI): a 0, then a 13-digit key with its check digit', () => {
    expect(ok('8003038705850005529870').hri).toBe('(8003)038705850005529870');
    expect(bad('800313870585000559ABC').issue).toMatchObject({ code: 'bad-value', ai: '8003' });
    expect(bad('800313870585000559ABC').error).toContain('must start with 0');
    expect(bad('8003038705850005539870').issue).toMatchObject({ code: 'bad-check-digit', ai: '8003' });
  });

  it('AI 8011 (component/part serial) has no leading 0', () => {
    expect(ok(`801095012345ABC${GS}801112`).hri).toBe('(8010)95012345ABC(8011)12');
    expect(bad(`801095012345ABC${GS}8011012`).error).toBe('The component/part serial (AI 8011) 012 at character 17 must not start with 0. The code is damaged or was printed wrong.');
  });
});

describe('human-readable form', () => {
  it('reads parentheses, with or without spaces', () => {
    const r = ok(`(01)${GTIN} (17)270200 (10)A1 (21)S1`);
    expect(r).toMatchObject({ source: 'hri', gtin: GTIN, expiry: '2027-02-28', lot: 'A1', serial: 'S1' });
  });

  it('keeps parentheses that are part of a lot', () => {
    expect(ok(`(01)${GTIN}(10)A(B)1(17)270331`).lot).toBe('A(B)1');
  });

  it('gives the same elements as the raw form', () => {
    const hri = ok(`(01)${GTIN}(17)270331(10)L1(21)S1`);
    const raw = ok(`01${GTIN}1727033110L1${GS}21S1`);
    expect(hri.hri).toBe(raw.hri);
  });

  it('names an unknown AI in parentheses', () => {
    const r = parseHri(`(01)${GTIN}(99999)X`, { now });
    expect(r.ok).toBe(false);
  });

  it('refuses an impossible date in the human-readable form', () => {
    expect(bad(`(01)${GTIN}(17)270000`).issue).toMatchObject({ code: 'bad-date', ai: '17' });
  });
});

describe('symbology identifiers', () => {
  it.each([
    [']C1', 'GS1-128'],
    [']d2', 'GS1 DataMatrix'],
    [']Q3', 'GS1 QR Code'],
    [']e0', 'GS1 DataBar'],
  ])('%s is %s', (id, name) => {
    expect(ok(`${id}01${GTIN}`).symbology?.name).toBe(name);
  });
});
