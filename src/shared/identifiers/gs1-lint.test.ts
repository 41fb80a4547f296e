import { describe, expect, it } from 'vitest';
import { parseGs1 } from './gs1-parse';

// The content rules of the GS1 Barcode Syntax Dictionary (gs1/gs1-syntax-dictionary, commit
// f7e477f) beyond length and character set. Each value below was written for this test from the
// Dictionary's entry for its AI; the association rules are left out (`associations: false`)
// so that each case shows one rule.
const now = new Date('2026-11-26T12:00:00Z');
const GTIN = '00300021200305';

function read(hri: string, associations = false) {
  return parseGs1(hri, { now, associations });
}
function accepted(hri: string): void {
  const r = read(hri);
  expect(r.ok ? '' : r.error, hri).toBe('');
}
function refusal(hri: string) {
  const r = read(hri);
  if (r.ok) throw new Error(`expected ${hri} to be refused`);
  return r;
}

describe('country, currency and code lists (ISO 3166, ISO 4217, UN/ECE Rec. 21)', () => {
  it('AI 422 takes an ISO 3166 numeric country code, with its leading zeros', () => {
    accepted(`(01)${GTIN}(422)840`);
    accepted(`(01)${GTIN}(422)004`);
    const r = refusal(`(01)${GTIN}(422)999`);
    expect(r.issue).toMatchObject({ code: 'bad-value', ai: '422', value: '999' });
    expect(r.error).toBe(
      'The country of origin (AI 422) 999 at character 19 is not an ISO 3166 numeric country code (GS1 Barcode Syntax Dictionary rule "iso3166"). The code is damaged or was printed wrong.',
    );
    expect(refusal(`(01)${GTIN}(426)000`).issue.ai).toBe('426');
  });

  it('AI 423 checks each of its up to five countries, and names the one at fault', () => {
    accepted(`(01)${GTIN}(423)276840250`);
    const r = refusal(`(01)${GTIN}(423)276841`);
    expect(r.error).toContain('countries of initial processing (AI 423) 276841 at character 19: its part "841" (characters 4–6 of the value)');
    expect(r.error).toContain('is not an ISO 3166 numeric country code');
  });

  it('AI 703n takes a country code or 999 (several countries)', () => {
    accepted(`(01)${GTIN}(7030)999APPROVAL1`);
    accepted(`(01)${GTIN}(7031)276DE-BY-123`);
    expect(refusal(`(01)${GTIN}(7030)998APPROVAL1`).error).toContain('is not an ISO 3166 numeric country code or 999');
  });

  it('AI 4307 takes an ISO 3166 two-letter code, in capitals, and no user-assigned code', () => {
    accepted('(4307)US');
    for (const code of ['us', 'XK', 'UK']) expect(refusal(`(4307)${code}`).error, code).toContain('is not an ISO 3166 two-letter country code');
  });

  it('AIs 391n and 393n start with an ISO 4217 numeric currency code', () => {
    accepted('(3912)97812550');
    accepted('(3932)8401999');
    const r = refusal('(3912)00012550');
    expect(r.error).toContain('amount payable with currency (AI 3912) 00012550 at character 1: its part "000" (characters 1–3 of the value)');
    expect(r.error).toContain('is not an ISO 4217 numeric currency code');
  });

  it('AI 7041 takes a UN/ECE Recommendation 21 package type; AI 7241 an AIDC media type', () => {
    accepted('(7041)BX');
    accepted('(7041)X11');
    expect(refusal('(7041)BOXX').error).toContain('is not a package type code (UN/ECE Recommendation 21)');
    expect(refusal('(7041)bx').issue.code).toBe('bad-value');
    accepted('(7241)01');
    accepted('(7241)99');
    expect(refusal('(7241)11').error).toContain('is not an AIDC media type (01–10 or 80–99)');
  });
});

describe('dates and times inside an element', () => {
  it('AIs 4324 and 4325: a date (day 00 allowed) then a time HHMM', () => {
    accepted('(4324)2612001030');
    const hour = refusal('(4324)2612012400');
    expect(hour.issue.code).toBe('bad-date');
    expect(hour.error).toContain('(AI 4324) 2612012400 at character 1: its part "2400" (characters 7–10 of the value)');
    expect(hour.error).toContain('is not a time of day (HHMM, 0000–2359)');
    expect(refusal('(4325)2613011030').error).toContain('is not a real date (month 13 does not exist)');
  });

  it('AI 7007: one harvest date or a first and a last, each a real day', () => {
    accepted(`(01)${GTIN}(7007)261201`);
    accepted(`(01)${GTIN}(7007)261201261231`);
    expect(refusal(`(01)${GTIN}(7007)261201261232`).error).toContain('at character 19: its part "261232" (characters 7–12 of the value) is not a real date (2026-12 has no day 32)');
    expect(refusal(`(01)${GTIN}(7007)261200`).error).toContain('day 00 is not allowed');
  });

  it('AI 7011: a test-by date and an optional time', () => {
    accepted(`(01)${GTIN}(7011)261201`);
    accepted(`(01)${GTIN}(7011)2612012359`);
    expect(refusal(`(01)${GTIN}(7011)2612012360`).error).toContain('is not a time of day');
  });

  it('AI 8008: date, hour, and optional minutes and seconds', () => {
    accepted(`(01)${GTIN}(8008)26120114`);
    accepted(`(01)${GTIN}(8008)2612011430`);
    accepted(`(01)${GTIN}(8008)261201143059`);
    expect(refusal(`(01)${GTIN}(8008)26120124`).error).toContain('at character 19: its part "24" (characters 7–8 of the value) is not an hour (00–23)');
    expect(refusal(`(01)${GTIN}(8008)2612011460`).error).toContain('is not a minute (00–59)');
    expect(refusal(`(01)${GTIN}(8008)261201145960`).error).toContain('is not a second (00–59)');
    expect(refusal(`(01)${GTIN}(8008)26023014`).error).toContain('2026-02 has no day 30');
  });

  it('an optional part the data reaches must be whole: cut short, not a bad value', () => {
    const minutes = refusal(`(01)${GTIN}(8008)261201145`);
    expect(minutes.issue.code).toBe('truncated');
    expect(minutes.error).toBe(
      'The production date and time (AI 8008) 261201145 at character 19 is cut short: its last part "5" (character 9 of the value) has 1 of 2 characters. The code is damaged or incomplete; scan again.',
    );
    expect(refusal(`(01)${GTIN}(7011)26120112`).error).toContain('its last part "12" (characters 7–8 of the value) has 2 of 4 characters');
    expect(refusal(`(01)${GTIN}(423)27684`).issue.code).toBe('truncated');
  });
});

describe('flags, measures and positions', () => {
  it('AIs 4321–4323 are 0 or 1', () => {
    accepted('(4321)0');
    accepted('(4323)1');
    expect(refusal('(4322)2').error).toBe(
      'The authority to leave flag (AI 4322) 2 at character 1 is not 0 (no) or 1 (yes) (GS1 Barcode Syntax Dictionary rule "yesno"). The code is damaged or was printed wrong.',
    );
  });

  it('AI 4309: latitude and longitude, each ten digits within range', () => {
    accepted('(4309)18000000003600000000');
    accepted('(4309)00000000000000000000');
    expect(refusal('(4309)18000000013600000000').error).toContain('is not a latitude (0000000000–1800000000)');
    expect(refusal('(4309)09000000003600000001').error).toContain('its part "3600000001" (characters 11–20 of the value)');
  });

  it('AIs 4330–4333: a temperature, with only "-" after it for below zero', () => {
    accepted('(4330)001234');
    accepted('(4331)001234-');
    expect(refusal('(4331)001234+').error).toContain('is not "-" (a minus sign is the only character allowed there)');
  });

  it('AI 8001: roll width, length and core diameter above zero, winding 0, 1 or 9', () => {
    accepted(`(01)${GTIN}(8001)12345678901291`);
    accepted(`(01)${GTIN}(8001)00100000100101`);
    expect(refusal(`(01)${GTIN}(8001)00001234567891`).error).toContain('at character 19: its part "0000" (characters 1–4 of the value) is zero, where the value must be above zero');
    expect(refusal(`(01)${GTIN}(8001)12345678901221`).error).toContain('is not a winding direction (0 face out, 1 face in, 9 undefined)');
  });

  it('AI 7040: the importer index is one letter, digit, "-" or "_"', () => {
    accepted('(7040)1AB_');
    accepted('(7040)9XYz');
    expect(refusal('(7040)1AB%').error).toContain('is not an importer index');
  });
});

describe('keys, addresses, bank accounts and coupons', () => {
  it('AIs 401, 7023, 8004 and 8010 start with a GS1 Company Prefix (at least four digits)', () => {
    accepted('(8004)9501234ASSET-42');
    accepted('(401)0614141CONSIGN1');
    const r = refusal('(8004)ABC123');
    expect(r.error).toBe(
      'The individual asset id (GIAI) (AI 8004) ABC123 at character 1 does not start with a GS1 Company Prefix (at least 4 digits) (GS1 Barcode Syntax Dictionary rule "key"). The code is damaged or was printed wrong.',
    );
    expect(refusal('(8010)95A-1').issue.ai).toBe('8010');
  });

  it('names and address lines take percent-encoding only as "%" and two hex digits', () => {
    accepted('(4300)ACME%20Pharma');
    accepted('(4312)1%2F3%20Main%20St');
    expect(refusal('(4301)Dr%2').error).toContain('has a "%" not followed by two hexadecimal digits');
    expect(refusal('(4320)50%OFF').error).toContain('(AI 4320)');
  });

  it('AI 8007 is an IBAN with its ISO 13616 check digits', () => {
    accepted('(8007)GB98MIDL07009312345678');
    accepted('(8007)BE71096123456769');
    expect(refusal('(8007)GB99MIDL07009312345678').error).toContain('is an IBAN with wrong check digits (ISO 13616, mod 97)');
    expect(refusal('(8007)ZZ98MIDL07009312345678').error).toContain('does not start with an ISO 3166 two-letter country code');
    expect(refusal('(8007)GB98MIDL').error).toContain('is too short for an IBAN');
  });

  it('AI 8110: the North American coupon code, field by field', () => {
    // Company prefix (length digit 0: six digits), offer code, save value, first purchase.
    accepted('(8110)012345612345611110123');
    // …then an expiry date (3) and a start date (4) before it.
    accepted('(8110)01234561234561111012332612314260101');
    const excess = refusal('(8110)0123456123456111101237');
    expect(excess.error).toContain('is a coupon code with data after its last field (indicator 7 repeated, out of order or unknown)');
    expect(refusal('(8110)01234561234561111012332612314270101').error).toContain('is a coupon code with a start date 270101 after its expiry date 261231');
    expect(refusal('(8110)01234561234560').error).toContain('is a coupon code with an invalid save value length 0');
    expect(refusal('(8110)0123456123456').error).toContain('is a coupon code with no save value length');
    expect(refusal('(8110)012345612345611110123326123142601').error).toContain('is a coupon code with a start date cut short');
    expect(refusal('(8110)0123456123456111101233261232').error).toContain('is a coupon code with an expiry date 261232 that is not a real date');
    expect(refusal('(8110)0123456123456111181').error).toContain('an invalid first purchase requirement code 8');
  });

  it('AI 8112: the paperless coupon positive offer file', () => {
    accepted('(8112)001234561234560123456');
    expect(refusal('(8112)0012345612345601234567').error).toContain('is a positive offer coupon code with data after its serial number');
    expect(refusal('(8112)201234561234560123456').error).toContain('an invalid format code 2');
    expect(refusal('(8112)00123456123456012345').error).toContain('a serial number cut short');
  });
});

describe('with the association rules', () => {
  it('a valid country needs its trade item all the same, and a bad one is refused before that', () => {
    expect(read('(422)840', true)).toMatchObject({ ok: false, issue: { code: 'missing-association' } });
    expect(read('(422)999', true)).toMatchObject({ ok: false, issue: { code: 'bad-value', ai: '422' } });
  });

  it('a drug package DataMatrix is not affected', () => {
    const r = read(`(01)${GTIN}(17)270331(10)A1B2C3(21)SN0001`, true);
    expect(r).toMatchObject({ ok: true, gtin: GTIN, expiry: '2027-03-31' });
  });
});

describe('AIs of the Dictionary RxLedger does not read', () => {
  it('in the bracketed form, one after a value ends the reading rather than joining the value', () => {
    const r = refusal(`(01)${GTIN}(21)ABC123(8013)XYZ`);
    expect(r.issue).toMatchObject({ code: 'unknown-ai', ai: '8013' });
    expect(r.error).toBe(
      '(8013) at character 29 is a GS1 application identifier RxLedger does not read, so the serial number before it cannot be told from it. Type the label\'s other values without it.',
    );
    // A "(NN)" that is no GS1 AI stays part of the lot: character set 82 allows parentheses.
    expect(read(`(01)${GTIN}(10)L1(89)X(17)270331`)).toMatchObject({ ok: true, lot: 'L1(89)X', expiry: '2027-03-31' });
  });

  it('in a Digital Link query, an all-digit name that is no AI makes the link invalid; a left-out AI is passed over with a note', () => {
    const bad = read(`https://id.example.com/01/${GTIN}?999=x`);
    expect(bad).toMatchObject({ ok: false, issue: { code: 'bad-uri' } });
    expect(bad.ok ? '' : bad.error).toContain("names (999), which is all digits but no GS1 application identifier");
    expect(read(`https://id.example.com/01/${GTIN}?89=x`).ok).toBe(false);
    const passed = read(`https://id.example.com/01/${GTIN}?8030=abc&99=INT`);
    expect(passed).toMatchObject({ ok: true, gtin: GTIN });
    expect(passed.ok && passed.warnings).toContain('The web address carries AI (8030), which RxLedger does not read; it was ignored.');
  });
});
