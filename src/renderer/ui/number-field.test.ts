import { describe, expect, it } from 'vitest';
import { asSentence, parseWholeNumberInRange } from './number-field';

const minutes = (t: string) => parseWholeNumberInRange(t, 'minutes', 1, 60);

describe('whole-number fields with a range', () => {
  it('take a whole number within the range', () => {
    expect(minutes(' 12 ')).toEqual({ ok: true, value: 12 });
    expect(minutes('60')).toEqual({ ok: true, value: 60 });
  });
  it('say what is wrong with what is not a whole number, never reading it as another figure', () => {
    expect(minutes('-5')).toEqual({ ok: false, problem: 'Minutes cannot be negative (got -5).' });
    expect(minutes('abc')).toEqual({ ok: false, problem: 'Numbers only: "abc" is not a number of minutes.' });
    expect(minutes('2.5')).toEqual({ ok: false, problem: 'Whole minutes only (got 2.5).' });
    expect(minutes('')).toEqual({ ok: false, problem: 'Enter the number of minutes.' });
  });
  it('name the range when out of it', () => {
    expect(minutes('0')).toEqual({ ok: false, problem: 'From 1 to 60 minutes only (got 0).' });
    expect(minutes('61')).toEqual({ ok: false, problem: 'From 1 to 60 minutes only (got 61).' });
  });
  it('read as a sentence under the field', () => {
    expect(asSentence('numbers only: "abc" is not a number of units')).toBe('Numbers only: "abc" is not a number of units.');
    expect(asSentence('Enter the password.')).toBe('Enter the password.');
  });
});
