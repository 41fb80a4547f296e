import { describe, expect, it } from 'vitest';
import { parseCatalogDate, parsePackageNdc, parseProductNdc, readSchedule } from './fields';
import { ingredientsFromFdaColumns, ingredientsFromText, shortStrength } from './ingredients';
import { displayName } from './display-name';

const NOW = new Date('2026-11-26T00:00:00Z');

describe('marketing dates', () => {
  it('reads yyyymmdd, DD-MON-YY and YYYY-MM-DD as YYYY-MM-DD; blank is null', () => {
    expect(parseCatalogDate('20190203')).toEqual({ ok: true, value: '2019-02-03' });
    expect(parseCatalogDate('30-JUL-15', { now: NOW })).toEqual({ ok: true, value: '2015-07-30' });
    expect(parseCatalogDate('17-jan-24', { now: NOW })).toEqual({ ok: true, value: '2024-01-17' });
    expect(parseCatalogDate('01-JAN-98', { now: NOW })).toEqual({ ok: true, value: '1998-01-01' });
    expect(parseCatalogDate('2012-06-01')).toEqual({ ok: true, value: '2012-06-01' });
    expect(parseCatalogDate('  ')).toEqual({ ok: true, value: null });
  });
  it('refuses impossible dates instead of rolling them over', () => {
    expect(parseCatalogDate('20190230')).toMatchObject({ ok: false, error: expect.stringMatching(/has no day 30/) });
    expect(parseCatalogDate('20191301')).toMatchObject({ ok: false, error: expect.stringMatching(/month 13/) });
    expect(parseCatalogDate('31-FOO-20')).toMatchObject({ ok: false });
    expect(parseCatalogDate('3/4/2020')).toMatchObject({ ok: false });
  });
});

describe('DEA schedule', () => {
  it('reads CII..CV and CIIIN; blank is "not controlled"', () => {
    expect(readSchedule('CII')).toMatchObject({ schedule: 'CII', status: 'controlled', problem: null });
    expect(readSchedule('CIIIN')).toMatchObject({ schedule: 'CIII', status: 'controlled' });
    expect(readSchedule('')).toMatchObject({ schedule: null, status: 'not-controlled', problem: null });
  });
  it('does not guess: "DEA" or CI is unknown with a problem, never "not controlled"', () => {
    expect(readSchedule('DEA')).toMatchObject({ schedule: null, status: 'unknown', raw: 'DEA', problem: expect.stringMatching(/not a DEA schedule/) });
    expect(readSchedule('CI')).toMatchObject({ status: 'unknown', problem: expect.stringMatching(/schedule I/) });
    expect(readSchedule('OTC')).toMatchObject({ status: 'unknown' });
    expect(readSchedule(undefined)).toMatchObject({ status: 'unknown', problem: null });
  });
});

describe('NDCs in catalog files', () => {
  it('pads product NDCs of every layout to 5-4', () => {
    expect(parseProductNdc('0002-0800')).toEqual({ ok: true, value: '00002-0800' });
    expect(parseProductNdc('65162-047')).toEqual({ ok: true, value: '65162-0047' });
    expect(parseProductNdc('50090-1778')).toEqual({ ok: true, value: '50090-1778' });
    expect(parseProductNdc('0002 0800').ok).toBe(false);
  });
  it('keys packages by the 11-digit form and keeps the printed one; never reads a hyphenless 10-digit code', () => {
    expect(parsePackageNdc('50090-1778-0')).toEqual({ ok: true, value: { ndc11: '50090-1778-00', printed: '50090-1778-0', productNdc: '50090-1778' } });
    expect(parsePackageNdc('0002-1200-30')).toMatchObject({ ok: true, value: { ndc11: '00002-1200-30' } });
    expect(parsePackageNdc('0002120030').ok).toBe(false);
  });
});

describe('ingredients', () => {
  it('pairs FDA parallel lists, and does not pair them when their lengths differ', () => {
    expect(ingredientsFromFdaColumns('WATER', '1', 'mL/mL')).toEqual({ ingredients: [{ name: 'WATER', strength: 1, unit: 'mL/mL' }], problem: null });
    const bad = ingredientsFromFdaColumns('A; B; C', '70; 5600', 'mg/1; [iU]/1');
    expect(bad.ingredients.map((i) => i.strength)).toEqual([null, null, null]);
    expect(bad.problem).toMatch(/3 substance\(s\) but 2 strength\(s\)/);
  });
  it('reads the CSV extract form "NAME 5 mg/1; NAME 325 mg/1"', () => {
    const r = ingredientsFromText('HYDROCODONE BITARTRATE 5 mg/1; ACETAMINOPHEN 325 mg/1');
    expect(r.ingredients).toEqual([
      { name: 'HYDROCODONE BITARTRATE', strength: 5, unit: 'mg/1' },
      { name: 'ACETAMINOPHEN', strength: 325, unit: 'mg/1' },
    ]);
    expect(shortStrength(r.ingredients)).toBe('5 mg/325 mg');
    expect(ingredientsFromText('SOMETHING').problem).toMatch(/no strength/);
  });
  it('builds a display name from proprietary + non-proprietary name, strength and form', () => {
    const base = { proprietary_name_suffix: null, ingredients: [{ name: 'OXYCODONE HYDROCHLORIDE', strength: 5, unit: 'mg/1' }] };
    expect(displayName({ ...base, proprietary_name: 'Oxycodone Hydrochloride', nonproprietary_name: 'Oxycodone', dosage_form: 'TABLET' })).toBe(
      'Oxycodone Hydrochloride 5 mg Tablet',
    );
    expect(displayName({ ...base, proprietary_name: 'Roxicodone', nonproprietary_name: 'oxycodone hydrochloride', dosage_form: 'TABLET, FILM COATED' })).toBe(
      'Roxicodone (oxycodone hydrochloride) 5 mg Tablet, Film Coated',
    );
    expect(displayName({ ...base, proprietary_name: null, nonproprietary_name: 'Alprazolam', dosage_form: null, ingredients: [{ name: 'ALPRAZOLAM', strength: 2, unit: 'mg/1' }] })).toBe('Alprazolam 2 mg');
  });
});
