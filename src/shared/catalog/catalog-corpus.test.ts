import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { parseCatalogFile } from './detect';
import type { ParsedCatalogFile } from './types';

const NOW = new Date('2026-11-26T00:00:00Z');
const read = (...p: string[]) => parseCatalogFile(readFileSync(corpusPath('ndc', ...p)), { now: NOW });
function ok(r: ParsedCatalogFile) {
  if (!r.ok) throw new Error(`expected the file to be read: ${r.error}`);
  return r;
}

describe.skipIf(!corporaPresent)(`NDC corpus: FDA product.txt / package.txt (${corporaPresent ? 'present' : corporaSkipReason})`, () => {
  const products = () => ok(read('openfda_repo_fixtures', 'product_trimmed.txt'));
  const product = (ndc: string) => products().products.find((p) => p.product.product_ndc_printed === ndc)?.product;

  it('0002-0800 is Sterile Diluent, SUBCUTANEOUS, WATER 1 mL/mL, not controlled', () => {
    const r = products();
    expect(r.format).toBe('fda-product');
    expect(r.products).toHaveLength(3);
    expect(product('0002-0800')).toMatchObject({
      proprietary_name: 'Sterile Diluent',
      routes: ['SUBCUTANEOUS'],
      ingredients: [{ name: 'WATER', strength: 1, unit: 'mL/mL' }],
      schedule: null,
      schedule_status: 'not-controlled',
      dosage_form: 'INJECTION, SOLUTION',
      marketing_start: '1987-07-10',
      labeler: 'Eli Lilly and Company',
    });
  });

  it('0002-1200 Amyvid: suffix III, routes split on ";" despite irregular spaces, DEA reported, strengths not guessed', () => {
    const r = products();
    expect(product('0002-1200')).toMatchObject({
      proprietary_name: 'Amyvid',
      proprietary_name_suffix: 'III',
      routes: ['INTRALESIONAL', 'INTRAMUSCULAR', 'INTRASYNOVIAL', 'SOFT TISSUE'],
      schedule: null,
      schedule_status: 'unknown',
      schedule_raw: 'DEA',
      marketing_end: '2018-09-10',
    });
    // 4 substances, 3 strengths, 2 units: which goes with which is unknown.
    expect(product('0002-1200')?.ingredients.map((i) => [i.name, i.strength])).toEqual([
      ['ALENDRONATE SODIUM', null],
      ['CHOLECALCIFEROL', null],
      ['FLUORIDE', null],
      ['ZINC', null],
    ]);
    const forAmyvid = r.problems.filter((p) => p.ndc === '0002-1200');
    expect(forAmyvid.map((p) => [p.field, p.imported])).toEqual([
      ['dea_schedule', true],
      ['active_ingredients', true],
    ]);
    expect(forAmyvid[0]?.message).toMatch(/"DEA" is not a DEA schedule/);
    expect(r.problems.every((p) => p.ndc === '0002-1200')).toBe(true);
  });

  it('package 0002-1200-30 is a sample that ended 2019-02-03; nested sizes are multiplied', () => {
    const r = ok(read('openfda_repo_fixtures', 'package_trimmed.txt'));
    expect(r.format).toBe('fda-package');
    expect(r.problems).toEqual([]);
    const p30 = r.packages.find((p) => p.pkg.ndc11 === '00002-1200-30')?.pkg;
    expect(p30).toMatchObject({ ndc10: '0002-1200-30', sample: true, marketing_start: '2012-06-01', marketing_end: '2019-02-03', package_size: 30, package_unit: 'mL' });
    expect(r.packages.find((p) => p.pkg.ndc11 === '00002-1200-50')?.pkg).toMatchObject({ sample: false, marketing_end: null });
    expect(r.packages.find((p) => p.pkg.ndc11 === '00002-0800-01')?.pkg).toMatchObject({ package_size: 10, package_unit: 'mL' });
  });

  it('the unfinished 0002-0485 packages have no dates (not filled from the product), and its product is marked unfinished', () => {
    const pk = ok(read('openfda_repo_fixtures', 'unfinished_package_trimmed.txt'));
    const p0485 = pk.packages.filter((p) => p.pkg.product_ndc === '00002-0485').map((p) => p.pkg);
    expect(p0485.map((p) => p.ndc11)).toEqual(['00002-0485-04', '00002-0485-18']);
    for (const p of p0485) expect([p.marketing_start, p.marketing_end, p.sample]).toEqual([null, null, null]);
    expect(p0485[0]).toMatchObject({ package_size: 8000, package_unit: 'g' });
    const pr = ok(read('openfda_repo_fixtures', 'unfinished_product_trimmed.txt'));
    expect(pr.products.find((p) => p.product.product_ndc === '00002-0485')?.product).toMatchObject({
      finished: false,
      proprietary_name: null,
      nonproprietary_name: 'Insulin human',
      marketing_start: '2015-04-01',
      schedule_status: 'not-controlled',
    });
  });

  it('reads all 40 rows of the longer unfinished package file, including ".5 mL" three levels deep', () => {
    const r = ok(read('openfda_repo_fixtures', 'unfinished_package_head41.txt'));
    expect(r.packages).toHaveLength(40);
    expect(r.skipped).toBe(0);
    expect(r.packages.find((p) => p.pkg.ndc11 === '00002-1401-71')?.pkg).toMatchObject({ package_size: 720, package_unit: 'mL' });
  });
});

describe.skipIf(!corporaPresent)('NDC corpus: openFDA CSV extract', () => {
  const r = () => ok(read('openfda_api_ndc_extract.csv'));
  const pkg = (ndc11: string) => r().packages.find((p) => p.pkg.ndc11 === ndc11);

  it('reads all 52 packages of 32 products without problems', () => {
    expect(r().format).toBe('openfda-csv');
    expect(r().packages).toHaveLength(52);
    expect(r().products).toHaveLength(32);
    expect(r().problems).toEqual([]);
    expect(r().skipped).toBe(0);
  });

  it('has every schedule: CII oxycodone and hydrocodone/APAP, CIII buprenorphine/naloxone, CIV alprazolam, CV pregabalin, unscheduled lisinopril', () => {
    const schedules = new Map<string, Set<string>>();
    for (const { product } of r().products) {
      const key = product.schedule ?? 'none';
      schedules.set(key, (schedules.get(key) ?? new Set()).add(product.ingredients.map((i) => i.name.split(' ')[0]).join('+')));
    }
    expect([...(schedules.get('CII') ?? [])].sort()).toEqual(['HYDROCODONE+ACETAMINOPHEN', 'OXYCODONE']);
    expect([...(schedules.get('CIII') ?? [])]).toEqual(['BUPRENORPHINE+NALOXONE']);
    expect([...(schedules.get('CIV') ?? [])]).toEqual(['ALPRAZOLAM']);
    expect([...(schedules.get('CV') ?? [])]).toEqual(['PREGABALIN']);
    expect([...(schedules.get('none') ?? [])]).toEqual(['LISINOPRIL']);
    const lisinopril = r().products.find((p) => p.product.product_ndc_printed === '76282-733')?.product;
    expect(lisinopril).toMatchObject({ schedule: null, schedule_status: 'not-controlled' });
  });

  it('normalizes 4-4-2, 5-3-2 and 5-4-1 package NDCs to 5-4-2, keeping the printed form', () => {
    expect(pkg('00904-6966-61')?.pkg.ndc10).toBe('0904-6966-61');
    expect(pkg('65162-0047-03')?.pkg.ndc10).toBe('65162-047-03');
    expect(pkg('68071-2899-04')?.pkg.ndc10).toBe('68071-2899-4');
  });

  it('reads the strength, nested blister packs and the unfinished product with DD-MON-YY dates', () => {
    expect(pkg('53746-0109-01')?.product).toMatchObject({ strength: 'HYDROCODONE BITARTRATE 5 mg/1; ACETAMINOPHEN 325 mg/1', schedule: 'CII' });
    expect(pkg('00245-0410-01')?.pkg).toMatchObject({ package_size: 100, package_unit: 'TABLET' });
    expect(pkg('72205-0016-06')?.pkg).toMatchObject({ package_size: 1000, package_unit: 'CAPSULE' });
    expect(pkg('12496-1202-03')?.pkg).toMatchObject({ package_size: 30, package_unit: 'FILM, SOLUBLE' });
    expect(pkg('00228-2039-00')?.pkg).toMatchObject({ marketing_start: '2015-07-30', sample: null, package_size: 39000 });
    expect(pkg('00228-2039-77')?.pkg.marketing_start).toBe('2024-01-17');
    expect(pkg('00228-2039-00')?.product).toMatchObject({ finished: false, proprietary_name: null, schedule: 'CIV' });
  });
});
