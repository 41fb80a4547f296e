import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, parseCsv } from './csv';
import { localTimeText, resolvePeriod } from './period';
import { deaNumberProblem, registrantProblem, shortForPdf } from './types';

describe('RFC 4180 CSV', () => {
  it('quotes commas, quotes and line breaks, ends records with CRLF, and reads back the same', () => {
    const cells = ['plain', 'a,b', 'say "hi"', 'two\nlines', 42, -5, null, ''];
    const text = csvRecord(cells);
    expect(text).toBe('plain,"a,b","say ""hi""","two\nlines",42,-5,,\r\n');
    expect(parseCsv(text + csvRecord(['x']))).toEqual([['plain', 'a,b', 'say "hi"', 'two\nlines', '42', '-5', '', ''], ['x']]);
  });
  it('never lets a spreadsheet run a cell as a formula, but leaves negative numbers alone', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('-12')).toBe('-12');
    expect(csvField(-12)).toBe('-12');
  });
});

describe('report periods', () => {
  const now = new Date('2026-11-15T12:00:00Z');
  it('covers whole local days, both ends included', () => {
    const r = resolvePeriod({ from: '2026-11-01', to: '2026-11-30' }, 'America/New_York', now);
    expect(r).toEqual({ ok: true, period: { fromDate: '2026-11-01', toDate: '2026-11-30', fromUtc: '2026-11-01T04:00:00.000Z', toUtc: '2026-12-01T04:59:59.999Z' } });
  });
  it('refuses an empty period and a date that does not exist, saying what to type', () => {
    expect(resolvePeriod({ from: '2026-12-01', to: '2026-11-01' }, 'UTC', now)).toEqual({ ok: false, message: expect.stringMatching(/period is empty: --from 2026-12-01 is after --to 2026-11-01/) });
    expect(resolvePeriod({ from: '2026-02-30' }, 'UTC', now)).toEqual({ ok: false, message: expect.stringMatching(/"2026-02-30" is not a date/) });
  });
  it('prints local time with the offset of that moment, across a DST change', () => {
    expect(localTimeText('2026-07-01T16:05:09.000Z', 'America/New_York')).toBe('2026-07-01 12:05:09 UTC−04:00');
    expect(localTimeText('2026-11-05T14:03:12.000Z', 'America/New_York')).toBe('2026-11-05 09:03:12 UTC−05:00');
    expect(localTimeText('2026-11-05T14:03:12.000Z', 'Asia/Kolkata')).toBe('2026-11-05 19:33:12 UTC+05:30');
    expect(localTimeText('2026-11-05T14:03:12.000Z', 'UTC')).toBe('2026-11-05 14:03:12 UTC');
  });
});

describe('registrant', () => {
  it('checks the DEA number check digit: (d1+d3+d5) + 2×(d2+d4+d6), last digit = d7', () => {
    expect(deaNumberProblem('AB1234563')).toBeNull();
    expect(deaNumberProblem('AB1234564')).toMatch(/wrong check digit \(expected 3\)/);
    expect(deaNumberProblem('A1234563')).toMatch(/two letters and seven digits/);
  });
  it('names what is missing', () => {
    expect(registrantProblem({ name: 'Main St Pharmacy', address: null, dea_number: null })).toBe("The registrant's address, DEA registration number are not set");
    expect(registrantProblem({ name: 'X', address: 'Y', dea_number: 'AB1234563' })).toBeNull();
  });
  it('shortens hashes and entry references in the PDF only', () => {
    expect(shortForPdf('a'.repeat(64), 'hash')).toBe(`${'a'.repeat(12)}…`);
    expect(shortForPdf('dev-0123456789abcdef#42', 'entry', '3f9a1c2b'.padEnd(64, '0'))).toBe('#42\u00a03f9a1c2b');
    expect(shortForPdf('dev-0123456789abcdef#42', 'entry')).toBe('#42');
  });
});
