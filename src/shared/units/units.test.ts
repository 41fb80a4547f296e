import { describe, expect, it } from 'vitest';
import { parsePackageDescription } from '../catalog';
import { formatContainers, formatUnits, packageUnitsFromLevels, sameUnit, toDosageUnits, unitNoun, type PackageUnits } from '.';
import { namedUnit } from './unit-names';

const units = (description: string) => {
  const p = parsePackageDescription(description);
  return packageUnitsFromLevels(p.levels, p.kit);
};

describe('the dosage unit of a package, from the FDA package description', () => {
  it('reads the units in one package through nested levels', () => {
    expect(units('100 TABLET in 1 BOTTLE (59762-3721-1)')).toEqual({ ok: true, value: { units_per_container: 100, unit: 'TABLET', container: 'BOTTLE', note: null } });
    expect(units('1 BOTTLE in 1 CARTON (0000-0000-01)  > 60 TABLET, FILM COATED in 1 BOTTLE')).toMatchObject({ ok: true, value: { units_per_container: 60, unit: 'TABLET, FILM COATED', container: 'CARTON' } });
    expect(units('1 VIAL in 1 CARTON (0002-0800-01)  > 10 mL in 1 VIAL')).toMatchObject({ ok: true, value: { units_per_container: 10, unit: 'mL' } });
    expect(units('100 BLISTER PACK in 1 CARTON (0245-0410-01)  > 1 TABLET in 1 BLISTER PACK')).toMatchObject({ ok: true, value: { units_per_container: 100, unit: 'TABLET' } });
    expect(units('30 POUCH in 1 CARTON (12496-1202-3)  / 1 FILM, SOLUBLE in 1 POUCH')).toMatchObject({ ok: true, value: { units_per_container: 30, unit: 'FILM, SOLUBLE' } });
  });

  it('counts a package that holds part of a millilitre in the container that holds a whole number', () => {
    const r = units('1 SYRINGE in 1 CARTON (0000-0000-02)  > 0.5 mL in 1 SYRINGE');
    expect(r).toMatchObject({ ok: true, value: { units_per_container: 1, unit: 'SYRINGE' } });
    expect(r.ok && r.value.note).toMatch(/0\.5 mL/);
    expect(units('2.5 mL in 1 VIAL (0000-0000-03)')).toEqual({ ok: false, problem: expect.stringMatching(/no whole number/) as string });
  });

  it('knows nothing from an empty or unreadable description (never 1)', () => {
    expect(units('')).toMatchObject({ ok: false });
    expect(units('BOTTLE OF PILLS')).toMatchObject({ ok: false });
  });
});

describe('unit names', () => {
  it('compares a declared unit with the catalog’s, whatever its spelling', () => {
    expect(sameUnit('tablets', 'TABLET, FILM COATED')).toBe(true);
    expect(sameUnit('TAB', 'TABLET')).toBe(true);
    expect(sameUnit('ML', 'mL')).toBe(true);
    expect(sameUnit('units', 'PATCH')).toBe(true);
    expect(sameUnit('mL', 'TABLET')).toBe(false);
    expect(sameUnit('capsules', 'TABLET')).toBe(false);
  });

  it('takes the one unit a set of entries names, passing over "units"/"DU", and none when two differ', () => {
    expect(namedUnit(['DU', 'tablets', 'TABLET'])).toBe('tablets');
    expect(namedUnit(['units', ''])).toBeNull();
    expect(namedUnit([])).toBeNull();
    expect(namedUnit(['mL', 'tablets'])).toBeNull();
  });

  it('prints quantities with their unit, and containers plus units', () => {
    expect(unitNoun('PATCH', 2)).toBe('patches');
    expect(unitNoun('mL', 30)).toBe('mL');
    expect(formatUnits(1, 'TABLET')).toBe('1 tablet');
    expect(formatUnits(1500, 'CAPSULE, GELATIN COATED')).toBe('1,500 capsules');
    expect(formatContainers(327, 100, 'TABLET')).toBe('3 × 100 tablets + 27 tablets');
    expect(formatContainers(200, 100, 'TABLET')).toBe('2 × 100 tablets');
    expect(formatContainers(27, 100, 'TABLET')).toBe('27 tablets');
    expect(formatContainers(3, 1, 'VIAL')).toBe('3 vials');
    expect(formatContainers(5, null, null)).toBe('5 units');
  });
});

describe('a quantity to dosage units', () => {
  const alprazolam: PackageUnits = { units_per_container: 100, unit: 'TABLET', container: 'BOTTLE', source: 'catalog', note: null };

  it('turns whole containers into units through the catalog', () => {
    expect(toDosageUnits({ ndc: '59762-3721-01', containers: 1 }, alprazolam)).toEqual({ ok: true, quantity: 100, containers: 1, units_per_container: 100, unit: 'TABLET' });
    expect(toDosageUnits({ ndc: '59762-3721-01', containers: 2, quantity: 200 }, alprazolam)).toMatchObject({ ok: true, quantity: 200 });
    expect(toDosageUnits({ ndc: '59762-3721-01', quantity: 30, unit: 'tablets' }, alprazolam)).toMatchObject({ ok: true, quantity: 30, containers: null });
  });

  it('refuses what it cannot convert, saying what to do', () => {
    expect(toDosageUnits({ ndc: 'X', containers: 1 }, null)).toMatchObject({ ok: false, reason: 'UNKNOWN_PACKAGE_SIZE', issue: expect.stringMatching(/enter the units per container/) as string });
    expect(toDosageUnits({ ndc: 'X', containers: 1.5 }, alprazolam)).toMatchObject({ ok: false, reason: 'BAD_QUANTITY', issue: expect.stringMatching(/whole number of packages/) as string });
    expect(toDosageUnits({ ndc: '59762-3721-01', quantity: 30, unit: 'mL' }, alprazolam)).toMatchObject({ ok: false, reason: 'UNIT_MISMATCH', issue: expect.stringMatching(/counted in TABLET.*says 30 mL/) as string });
    expect(toDosageUnits({ ndc: '59762-3721-01', containers: 2, quantity: 150 }, alprazolam)).toMatchObject({ ok: false, reason: 'BAD_QUANTITY' });
    expect(toDosageUnits({ ndc: '59762-3721-01', containers: 1, units_per_container: 90 }, alprazolam)).toMatchObject({ ok: false, reason: 'UNIT_MISMATCH' });
    // A size a person entered, where the catalog has none.
    expect(toDosageUnits({ ndc: 'X', containers: 2, units_per_container: 28 }, null)).toMatchObject({ ok: true, quantity: 56 });
  });
});
