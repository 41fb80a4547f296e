import { describe, expect, it } from 'vitest';
import { parsePackageDescription } from './package-description';

describe('package size from the description', () => {
  it('reads one level: "100 TABLET in 1 BOTTLE" is 100 TABLET', () => {
    const r = parsePackageDescription('100 TABLET in 1 BOTTLE (65162-047-10)');
    expect(r).toMatchObject({ size: 100, unit: 'TABLET', note: null, kit: false });
    expect(r.levels[0]).toEqual({ quantity: 100, unit: 'TABLET', containerQuantity: 1, container: 'BOTTLE', ndc: '65162-047-10' });
  });

  it('multiplies nested levels (FDA ">" and openFDA "/"), containers with commas included', () => {
    expect(parsePackageDescription('1 BOTTLE in 1 CARTON > 100 TABLET in 1 BOTTLE')).toMatchObject({ size: 100, unit: 'TABLET' });
    expect(parsePackageDescription('100 BLISTER PACK in 1 CARTON (0904-6966-61)  / 1 TABLET in 1 BLISTER PACK')).toMatchObject({ size: 100, unit: 'TABLET' });
    expect(parsePackageDescription('100 BLISTER PACK in 1 CARTON (72205-016-06)  / 10 CAPSULE in 1 BLISTER PACK (72205-016-11)')).toMatchObject({ size: 1000, unit: 'CAPSULE' });
    expect(parsePackageDescription('1 VIAL, MULTI-DOSE in 1 CAN (0002-1200-30)  > 30 mL in 1 VIAL, MULTI-DOSE')).toMatchObject({ size: 30, unit: 'mL' });
    expect(parsePackageDescription('30 POUCH in 1 CARTON (12496-1202-3)  / 1 FILM, SOLUBLE in 1 POUCH (12496-1202-1)')).toMatchObject({ size: 30, unit: 'FILM, SOLUBLE' });
  });

  it('handles decimals without a leading zero and three levels', () => {
    expect(parsePackageDescription('9 TRAY in 1 BOX (0002-1401-71)  > 160 SYRINGE in 1 TRAY > .5 mL in 1 SYRINGE')).toMatchObject({ size: 720, unit: 'mL' });
  });

  it('stops multiplying where the levels do not link up, and says so', () => {
    const r = parsePackageDescription('2 BOTTLE in 1 CARTON > 100 TABLET in 1 JAR');
    expect(r).toMatchObject({ size: 2, unit: 'BOTTLE' });
    expect(r.note).toMatch(/not inside a BOTTLE/);
  });

  it('counts a kit as kits, not as the sum of its parts', () => {
    const r = parsePackageDescription('1 KIT in 1 CARTON (0000-0000-00)  *  10 mL in 1 VIAL  *  1 SYRINGE in 1 POUCH');
    expect(r).toMatchObject({ size: 1, unit: 'KIT', kit: true, note: null });
  });

  it('gives no size for a description it cannot read, or none at all', () => {
    expect(parsePackageDescription('a bottle of pills')).toMatchObject({ size: null, unit: null });
    expect(parsePackageDescription('a bottle of pills').note).toMatch(/not of the form/);
    expect(parsePackageDescription('')).toMatchObject({ size: null, note: 'no package description' });
  });
});
