import { describe, expect, it } from 'vitest';
import { containersNote, describePackage, formatSignedUnits, parseUnitList, parseWholeNumber } from './units';

describe('quantities with their unit', () => {
  it('signs a change in units', () => {
    expect(formatSignedUnits(100, 'TABLET')).toBe('+100 tablets');
    expect(formatSignedUnits(-3, 'TABLET, FILM COATED')).toBe('\u22123 tablets');
    expect(formatSignedUnits(-1, 'TABLET')).toBe('\u22121 tablet');
    expect(formatSignedUnits(0, 'mL')).toBe('0 mL');
    expect(formatSignedUnits(5, null)).toBe('+5 units');
  });

  it('reads containers only where they say more than the units', () => {
    expect(containersNote(100, 100, 'TABLET')).toBe('1 × 100 tablets');
    expect(containersNote(327, 100, 'TABLET')).toBe('3 × 100 tablets + 27 tablets');
    expect(containersNote(27, 100, 'TABLET')).toBeNull();
    expect(containersNote(300, null, 'TABLET')).toBeNull();
    expect(containersNote(5, 1, 'VIAL')).toBeNull();
    expect(describePackage(100, 'TABLET')).toBe('100 tablets per container');
    expect(describePackage(null, 'TABLET')).toBe('package size not known');
  });
});

describe('numbers a person types', () => {
  it('takes whole numbers only, and says why not', () => {
    expect(parseWholeNumber('100')).toEqual({ ok: true, value: 100 });
    expect(parseWholeNumber(' 1,000 ')).toEqual({ ok: true, value: 1000 });
    expect(parseWholeNumber('abc')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Numbers only/) });
    expect(parseWholeNumber('-5')).toMatchObject({ ok: false, problem: expect.stringMatching(/cannot be negative/) });
    expect(parseWholeNumber('2.5')).toMatchObject({ ok: false, problem: expect.stringMatching(/Whole units only/) });
    expect(parseWholeNumber('1e3')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Numbers only/) });
    expect(parseWholeNumber('')).toMatchObject({ ok: false, problem: 'Enter the number of units.' });
    expect(parseWholeNumber('4000', 'days', 3650)).toMatchObject({ ok: false });
  });

  it('reads the units of opened containers as a list', () => {
    expect(parseUnitList('27, 13')).toEqual({ ok: true, values: [27, 13] });
    expect(parseUnitList('27 + 13;4')).toEqual({ ok: true, values: [27, 13, 4] });
    expect(parseUnitList('')).toEqual({ ok: true, values: [] });
    expect(parseUnitList('27, x')).toMatchObject({ ok: false, problem: expect.stringMatching(/Numbers only/) });
    expect(parseUnitList('27, -1')).toMatchObject({ ok: false });
  });
});
