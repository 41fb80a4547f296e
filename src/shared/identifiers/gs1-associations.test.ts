import { describe, expect, it } from 'vitest';
import { associationRule, checkAssociations } from './gs1-associations';
import { parseGs1 } from './gs1-parse';
import { decodeScan } from './scan-decode';
import { expandUpcE } from './gtin';

const now = new Date('2026-06-01T00:00:00Z');
const GS = '\x1d';
// GTIN of the General Specifications' examples, and an SSCC with a valid check digit.
const GTIN = '09521234543213';
const SSCC = '106141411234567897';

const refusal = (s: string) => {
  const r = parseGs1(s, { now });
  if (r.ok) throw new Error(`${s} was accepted`);
  return r.issue;
};

describe('GS1 association rules (General Specifications §4.14)', () => {
  it('the rule table says what the General Specifications say for the AIs of a drug package', () => {
    expect(associationRule('21')).toEqual({ req: [['01', '03', '8006']], ex: ['235'] });
    expect(associationRule('10')).toEqual({ req: [['01', '02', '03', '8006', '8026']], ex: [] });
    expect(associationRule('17')).toEqual({ req: [['01', '02', '03', '255', '8006', '8026']], ex: [] });
    expect(associationRule('02')).toEqual({ req: [['37']], ex: ['01', '03'] });
    expect(associationRule('37')).toEqual({ req: [['00'], ['02', '8026']], ex: [] });
    expect(associationRule('3103')).toEqual({ req: [['01', '02']], ex: ['310n'] });
    expect(associationRule('400')).toBeNull();
  });

  it('well-formed combinations pass: a unit pack, a logistic unit with its content, a weighed item', () => {
    expect(parseGs1(`01${GTIN}17270331` + `10LOT1${GS}21SN1`, { now }).ok).toBe(true);
    expect(parseGs1(`00${SSCC}02${GTIN}37120${GS}10LOT1`, { now }).ok).toBe(true);
    expect(parseGs1(`01${GTIN}3103000123`, { now }).ok).toBe(true);
    expect(parseGs1(`(01)${GTIN}(21)A1(250)S2`, { now }).ok).toBe(true);
  });

  describe('mandatory associations: each refusal names the AI, what it needs and the rule', () => {
    it('a serial (21) without a GTIN (01)', () => {
      const issue = refusal(`21SERIAL1${GS}17270331`);
      expect(issue).toMatchObject({ code: 'missing-association', ai: '21', position: 0 });
      expect(issue.message).toBe(
        'The serial number (AI 21) at character 1 needs the GTIN (AI 01), the made-to-order GTIN (AI 03) or the piece of a trade item (ITIP) (AI 8006) in the same code, and there is none ' +
          '(GS1 General Specifications §4.14.2, mandatory associations: 21 requires 01, 03 or 8006). The code is incomplete or part of it is in another barcode; scan the product\'s 2D code.',
      );
    });

    it('a lot (10) and an expiry (17) alone', () => {
      expect(refusal('(17)270331(10)LOT1').message).toMatch(/^The expiry date \(AI 17\) at character 1 needs .*17 requires 01, 02, 03, 255, 8006 or 8026\)/);
    });

    it('contained GTIN (02) without its count (37)', () => {
      expect(refusal(`00${SSCC}02${GTIN}`).message).toMatch(/GTIN of contained items \(AI 02\) at character 21 needs the count of trade items \(AI 37\).*02 requires 37\)/);
    });

    it('a count (37) needs both an SSCC (00) and the contained GTIN (02): two rules on one AI', () => {
      expect(refusal(`02${GTIN}3712`).message).toMatch(/count of trade items \(AI 37\) at character 17 needs the shipping container code \(SSCC\) \(AI 00\).*37 requires 00\)/);
    });

    it('a secondary serial (250) needs a serial (21), active potency (7004) needs a lot (10)', () => {
      expect(refusal(`01${GTIN}250S2`).message).toMatch(/AI 250\) .* needs the serial number \(AI 21\).*250 requires 21\)/);
      expect(refusal(`01${GTIN}7004150`).message).toMatch(/active potency \(AI 7004\).* needs the lot number \(AI 10\).*7004 requires 10\)/);
    });

    it('a GLN extension (254) needs a GLN (414)', () => {
      expect(refusal('254EXT1').message).toMatch(/GLN extension \(AI 254\) .* needs the location GLN \(AI 414\).*254 requires 414\)/);
    });
  });

  describe('invalid pairs: each refusal names both AIs and the rule', () => {
    it('a GTIN (01) with the GTIN of contained items (02)', () => {
      const issue = refusal(`01${GTIN}02${GTIN}`);
      expect(issue.code).toBe('invalid-pair');
      expect(issue.message).toBe(
        'The code carries the GTIN of contained items (AI 02) together with the GTIN (AI 01), a pair GS1 does not allow (General Specifications §4.14.1, invalid pairs: 02 with 01). The label is wrong; set the package aside and check it.',
      );
    });

    it('a GTIN (01) with a count (37)', () => {
      expect(refusal(`00${SSCC}01${GTIN}3712`).message).toMatch(/GTIN \(AI 01\) together with the count of trade items \(AI 37\).*01 with 37\)/);
    });

    it('a serial (21) with a third-party serial extension (235)', () => {
      expect(refusal(`01${GTIN}21A${GS}235X`).message).toMatch(/serial number \(AI 21\) together with the third-party serial extension \(AI 235\).*21 with 235\)/);
    });

    it('one measure in two decimal positions (3102 with 3103)', () => {
      expect(refusal(`01${GTIN}31020012003103000123`).message).toMatch(/\(AI 3102\) together with .*\(AI 3103\).*3102 with 310n\)/);
    });

    it('ship-to postal code without and with country (420 with 421), provider and recipient GSRN (8017 with 8018)', () => {
      expect(refusal(`420A1${GS}421840B2`).message).toMatch(/AI 420\) together with .*\(AI 421\).*420 with 421\)/);
      expect(refusal('(8017)106141411234567897(8018)106141411234567897').message).toMatch(/8017 with 8018\)/);
    });
  });

  it('Digital Link and the human-readable form are held to the same rules', () => {
    expect(parseGs1('(21)SN1', { now })).toMatchObject({ ok: false, issue: { code: 'missing-association' } });
    expect(parseGs1(`https://id.gs1.org/00/${SSCC}?37=12`, { now })).toMatchObject({ ok: false, issue: { code: 'missing-association', ai: '37' } });
  });

  it('elements of several barcodes of one package are checked together when the caller joins them', () => {
    const lotLabel = parseGs1('(17)270331(10)LOT1', { now, associations: false });
    const gtinLabel = parseGs1(`(01)${GTIN}`, { now });
    expect(lotLabel.ok && gtinLabel.ok).toBe(true);
    if (!lotLabel.ok || !gtinLabel.ok) return;
    expect(checkAssociations(lotLabel.elements)?.code).toBe('missing-association');
    expect(checkAssociations([...gtinLabel.elements, ...lotLabel.elements])).toBeNull();
  });

  it('at the counter: decodeScan shows the rule, also for 8 digits that read as an expiry alone', () => {
    expect(decodeScan(`]d221SN1${GS}10LOT1`, { now }).error).toMatch(/needs the GTIN \(AI 01\).*21 requires 01, 03 or 8006\)/);
    expect(decodeScan('17270331', { now })).toMatchObject({ ok: false, issue: { code: 'missing-association', ai: '17' } });
  });
});

describe('UPC-E expansion (General Specifications §5.2.2.4.2)', () => {
  // The six zero-suppression patterns, one example each: number system 0, six digits, check digit.
  it.each([
    ['01245608', '012000004568', 'last digit 0: manufacturer d1 d2 0 0 0, item 0 0 d3 d4 d5'],
    ['02758314', '027100005834', 'last digit 1: manufacturer d1 d2 1 0 0'],
    ['08765438', '087600000548', 'last digit 3: manufacturer d1 d2 d3 0 0, item 0 0 0 d4 d5'],
    ['07537743', '075370000073', 'last digit 4: manufacturer d1 d2 d3 d4 0, item 0 0 0 0 d5'],
    ['02137568', '021375000068', 'last digit 5–9: manufacturer d1..d5, item 0 0 0 0 d6'],
    ['01234558', '012345000058', 'last digit 5'],
  ])('%s → GTIN-12 %s (%s)', (upce, gtin12) => {
    expect(expandUpcE(upce)).toEqual({ ok: true, gtin14: `00${gtin12}`, kind: 'GTIN-12' });
    expect(decodeScan(upce)).toMatchObject({ ok: true, kind: 'gtin', symbology: 'UPC-E', gtin: `00${gtin12}` });
    expect(decodeScan(`]E0${upce}`)).toMatchObject({ ok: true, symbology: 'UPC-E', gtin: `00${gtin12}` });
  });

  it('the expanded code is the same product as its UPC-A', () => {
    expect(decodeScan('01234558').gtin).toBe(decodeScan('012345000058').gtin);
  });

  it('refusals name the rule broken', () => {
    expect(decodeScan('01234559').error).toBe(
      'UPC-E 01234559 (GTIN-12 012345000059) has a wrong check digit (last digit 9, expected 8): the barcode is damaged or the number was mistyped. Scan again or type it from the label.',
    );
    expect(expandUpcE('11234558')).toMatchObject({ ok: false, issue: { code: 'bad-upc-e' } });
    const e1 = expandUpcE('11234558');
    expect(!e1.ok && e1.error).toMatch(/starts with 1; GS1 defines UPC-E only for number system 0/);
    // 12 2 00 → last digit 3 needs a third digit 3–9: 0 12 2 00 3 is the UPC-E of 0 12 2 0000 0000 (type 2).
    expect(decodeScan('01220031').error).toMatch(/^01220031 is not a valid UPC-E: with last digit 3 the third digit must be 3–9 \(got 2\)/);
    expect(decodeScan('01230049').error).toMatch(/with last digit 4 the fourth digit must not be 0/);
    expect(decodeScan('01234080').error).toMatch(/with last digit 8 the fifth digit must not be 0/);
  });

  it('an EAN-8 scanned as such (]E4) is still an EAN-8, even with a leading 0', () => {
    expect(decodeScan(']E401234565')).toMatchObject({ symbology: 'EAN-8' });
  });
});

describe('AIs of the GS1 Barcode Syntax Dictionary beyond a drug package’s', () => {
  const values = (s: string) => {
    const r = parseGs1(s, { now });
    if (!r.ok) throw new Error(`${s}: ${r.error}`);
    return Object.fromEntries(r.elements.map((e) => [e.ai, e.value]));
  };

  it('reads a medical device’s software version (8012), after a GS or at the end', () => {
    expect(values(`01${GTIN}17270331` + `10L1${GS}8012V2.1`)).toMatchObject({ '01': GTIN, '10': 'L1', '8012': 'V2.1' });
    expect(values(`01${GTIN}8012V2.1${GS}10L1`)).toMatchObject({ '8012': 'V2.1', '10': 'L1' });
    expect(refusal('8012V2.1').message).toMatch(/software version \(AI 8012\).*8012 requires 01 or 8006\)/);
  });

  it('reads dates of one part or two: a harvest date (7007) or range, a test-by date (7011) with or without a time', () => {
    expect(values(`01${GTIN}7007260501${GS}10L1`)).toMatchObject({ '7007': '260501' });
    expect(values(`01${GTIN}7007260501260515${GS}10L1`)).toMatchObject({ '7007': '260501260515' });
    expect(values(`01${GTIN}70112605011230`)).toMatchObject({ '7011': '2605011230' });
  });

  it('reads one to five countries of initial processing (423), and no sixth', () => {
    expect(values(`01${GTIN}423276528${GS}10L1`)).toMatchObject({ '423': '276528' });
    expect(parseGs1(`01${GTIN}423276528840250380056`, { now }).ok).toBe(false);
  });

  it('ITIP content (8026) needs its count (37), and a GTIN of contained items (02) may not come with it', () => {
    expect(values(`00${SSCC}8026${GTIN}0102${GS}3712`)).toMatchObject({ '8026': `${GTIN}0102`, '37': '12' });
    expect(refusal(`00${SSCC}8026${GTIN}0102`).message).toMatch(/8026 requires 37\)/);
    expect(refusal(`00${SSCC}8026${GTIN}0102${GS}02${GTIN}3712`).code).toBe('invalid-pair');
  });

  it('reads the measures in inches, feet and yards and the logistic ones (321n–369n)', () => {
    expect(values(`01${GTIN}3212000150`)).toMatchObject({ '3212': '000150' });
    expect(values(`00${SSCC}3621000020`)).toMatchObject({ '3621': '000020' });
  });

  it('the rule table has their rows as the Dictionary gives them', () => {
    expect(associationRule('8012')).toEqual({ req: [['01', '8006']], ex: [] });
    expect(associationRule('7020')).toEqual({ req: [['01', '8006'], ['416']], ex: [] });
    expect(associationRule('7022')).toEqual({ req: [['7021']], ex: [] });
    expect(associationRule('4330')).toEqual({ req: [['00']], ex: ['4331'] });
    expect(associationRule('3950')).toEqual({ req: [['30', '31nn', '32nn', '35nn', '36nn']], ex: ['392n', '393n', '395n', '8005'] });
    expect(associationRule('3945')).toBeNull();
  });
});
