import { describe, expect, it } from 'vitest';
import { asSentence, parseWholeNumber } from './number-field';

const idle = { what: 'idle logoff', unit: 'minutes', min: 1, max: 60 };

describe('whole-number fields', () => {
  it('take a plain whole number, and empty as nothing yet', () => {
    expect(parseWholeNumber(' 12 ', idle)).toEqual({ ok: true, value: 12 });
    expect(parseWholeNumber('', idle)).toEqual({ ok: true, value: null });
  });
  it('say what is wrong with what is not a whole number', () => {
    expect(parseWholeNumber('-5', idle)).toEqual({ ok: false, problem: 'idle logoff cannot be negative (got -5)' });
    expect(parseWholeNumber('abc', idle)).toEqual({ ok: false, problem: 'numbers only: "abc" is not a number of minutes' });
    expect(parseWholeNumber('2.5', idle)).toEqual({ ok: false, problem: 'idle logoff is whole minutes (got 2.5)' });
    expect(parseWholeNumber('1e3', idle)).toMatchObject({ ok: false, problem: expect.stringMatching(/numbers only/) });
  });
  it('hold to the range', () => {
    expect(parseWholeNumber('0', idle)).toEqual({ ok: false, problem: 'idle logoff is from 1 to 60 minutes (got 0)' });
    expect(parseWholeNumber('61', idle)).toMatchObject({ ok: false });
    expect(parseWholeNumber('60', idle)).toEqual({ ok: true, value: 60 });
    expect(parseWholeNumber('0', { what: 'a count', unit: 'units' })).toEqual({ ok: true, value: 0 });
  });
  it('reads as a sentence under the field', () => {
    expect(asSentence('numbers only: "abc" is not a number of minutes')).toBe('Numbers only: "abc" is not a number of minutes.');
    expect(asSentence('Enter the password.')).toBe('Enter the password.');
  });
});
