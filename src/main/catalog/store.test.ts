import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndcToGtin14 } from '../../shared/identifiers';
import { corporaPresent, corpusPath, repoRoot } from '../../testing/corpora';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { listStock } from '../ledger/stock-query';
import type { Workstation } from '../workstation';
import { CatalogStore } from './store';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
let store: CatalogStore;
beforeEach(() => {
  t = tempWorkstation();
  ws = t.ws;
  store = new CatalogStore(ws.db, { audit: ws.audit, now: () => new Date('2026-11-26T10:00:00Z') });
});
afterEach(() => t.cleanup());

const fixture = (name: string) => corpusPath('ndc', 'openfda_repo_fixtures', name);
const CSV = () => corpusPath('ndc', 'openfda_api_ndc_extract.csv');
const SAMPLE = join(repoRoot, 'resources', 'catalog');
const who = { actor: 'test:tech01' };

function snapshot() {
  return {
    products: ws.db.prepare('SELECT * FROM catalog_products ORDER BY product_key').all(),
    packages: ws.db.prepare('SELECT * FROM catalog_packages ORDER BY ndc11').all(),
  };
}

describe('the sample in resources/catalog', () => {
  it('imports without a problem and covers CII, CIII, CIV, CV and an unscheduled drug', () => {
    const results = store.importFiles([join(SAMPLE, 'fda_package_sample.txt'), join(SAMPLE, 'fda_product_sample.txt'), join(SAMPLE, 'openfda_ndc_sample.csv')], who);
    expect(results.map((r) => [r.format, r.problems, r.skipped, r.error])).toEqual([
      ['fda-package', [], 0, null],
      ['fda-product', [], 0, null],
      ['openfda-csv', [], 0, null],
    ]);
    const schedules = store.search('a', { limit: 100 }).map((e) => e.schedule);
    expect(new Set(schedules)).toEqual(new Set(['CII', 'CIII', 'CIV', 'CV', null]));
    expect(store.lookup('0002-0800-01')?.name).toBe('Sterile Diluent 1 mL/mL Injection, Solution');
  });
});

describe.skipIf(!corporaPresent)('importing the corpus', () => {
  it('a package.txt before its product.txt in the same call is linked; fields reach lookup()', () => {
    const [pkg, prod] = store.importFiles([fixture('package_trimmed.txt'), fixture('product_trimmed.txt')], who);
    expect(prod).toMatchObject({ format: 'fda-product', products: 3, packages: 0, skipped: 0, added: 3 });
    expect(pkg).toMatchObject({ format: 'fda-package', products: 0, packages: 3, skipped: 0, added: 3, problems: [] });
    expect(prod!.problems.map((p) => p.field)).toEqual(['dea_schedule', 'active_ingredients']);

    expect(store.lookup('0002-1200-30')).toMatchObject({
      ndc11: '00002-1200-30',
      ndc10: '0002-1200-30',
      name: 'Amyvid III (Florbetapir F 18) Injection, Solution',
      sample: true,
      marketing_start: '2012-06-01',
      marketing_end: '2019-02-03',
      product_marketing_end: '2018-09-10',
      schedule: null,
      schedule_status: 'unknown',
      schedule_raw: 'DEA',
      package_size: 30,
      package_unit: 'mL',
      routes: ['INTRALESIONAL', 'INTRAMUSCULAR', 'INTRASYNOVIAL', 'SOFT TISSUE'],
    });
    expect(store.lookup('00002080001')).toMatchObject({ name: 'Sterile Diluent 1 mL/mL Injection, Solution', strength: 'WATER 1 mL/mL', schedule_status: 'not-controlled', routes: ['SUBCUTANEOUS'] });
  });

  it('a package.txt whose products were never imported is refused row by row, and imports once they are', () => {
    const [alone] = store.importFiles([fixture('unfinished_package_trimmed.txt')], who);
    expect(alone).toMatchObject({ packages: 0, skipped: 3 });
    expect(alone!.problems[0]?.message).toMatch(/its product 00002-0485 is not in the catalog: import the product.txt/);
    expect(store.hasRows()).toBe(false);

    store.importFiles([fixture('unfinished_product_trimmed.txt')], who);
    const [again] = store.importFiles([fixture('unfinished_package_trimmed.txt')], who);
    expect(again).toMatchObject({ packages: 3, skipped: 0, added: 3 });
    expect(store.lookup('0002-0485-04')).toMatchObject({ marketing_start: null, marketing_end: null, sample: null, finished: false, product_marketing_start: '2015-04-01' });
  });

  it('importing the same files twice changes nothing the second time', () => {
    const files = [fixture('product_trimmed.txt'), fixture('package_trimmed.txt'), CSV()];
    const first = store.importFiles(files, who);
    const before = snapshot();
    const second = store.importFiles(files, who);
    expect(second.map((r) => [r.added, r.updated])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(second.map((r) => r.unchanged)).toEqual(first.map((r) => r.added));
    expect(snapshot()).toEqual(before);
    // Both imports are on record, with the file's hash, and audited.
    expect(store.imports().map((i) => i.sha256).sort()).toEqual([...first, ...second].map((r) => r.sha256).sort());
    expect(ws.audit.list({ action: 'CATALOG_IMPORTED' })).toHaveLength(6);
    expect(ws.audit.list({ action: 'CATALOG_IMPORTED' })[0]).toMatchObject({ actor: 'test:tech01', target: 'package_trimmed.txt' }) // package files go last;
  });

  it('a changed product.txt updates the names of packages imported earlier, and stock lists show it', () => {
    store.importFiles([fixture('product_trimmed.txt'), fixture('package_trimmed.txt')], who);
    ws.ledger.appendOne(receipt({ ndc: '00002-0800-01', schedule: null }));
    expect(listStock(ws.db, {}).rows[0]?.name).toBe('Sterile Diluent 1 mL/mL Injection, Solution');

    const changed = join(t.dir, 'product.txt');
    writeFileSync(changed, readFileSync(fixture('product_trimmed.txt'), 'utf8').replace('\tSterile Diluent\t', '\tAqua Sterile\t'));
    const [r] = store.importFiles([changed], who);
    expect(r).toMatchObject({ updated: 1, unchanged: 2, added: 0 });
    expect(store.lookup('00002-0800-01')?.name).toBe('Aqua Sterile (diluent) 1 mL/mL Injection, Solution');
    expect(listStock(ws.db, {}).rows[0]?.name).toBe('Aqua Sterile (diluent) 1 mL/mL Injection, Solution');
  });

  it('a refused file leaves no import record but is audited', () => {
    const bad = join(t.dir, 'garbage.txt');
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 255, 0, 7]));
    const [r] = store.importFiles([bad], who);
    expect(r).toMatchObject({ error: expect.stringMatching(/binary data/), import_id: null });
    expect(store.imports()).toEqual([]);
    expect(ws.audit.list({ action: 'CATALOG_IMPORT_REFUSED' })).toHaveLength(1);
  });
});

describe.skipIf(!corporaPresent)('lookups never guess', () => {
  beforeEach(() => {
    store.importFiles([fixture('product_trimmed.txt'), fixture('package_trimmed.txt'), CSV()], who);
  });

  it('an NDC that was not imported is null and not known', () => {
    expect(store.lookup('99999-9999-99')).toBeNull();
    expect(store.lookup('0002-0800-99')).toBeNull();
    expect(store.lookup('not an ndc')).toBeNull();
    expect(store.isKnownNdc('99999-9999-99')).toBe(false);
    expect(store.isKnownNdc('00002-0800-01')).toBe(true);
    expect(store.isKnownNdc('0002-0800-01')).toBe(true);
  });

  it('reads every layout of an imported NDC, and a hyphenless 10-digit one only when a single layout is in the catalog', () => {
    for (const form of ['65162-047-03', '65162-0047-03', '65162004703', '6516204703']) expect(store.lookup(form)?.ndc11).toBe('65162-0047-03');
    expect(store.lookup('0904-6966-61')?.package_size).toBe(100);
    expect(store.lookup('68071-2899-4')?.ndc11).toBe('68071-2899-04');
  });

  it('byGtin resolves a GTIN-14 or UPC carrying an imported NDC, and nothing else', () => {
    expect(store.byGtin(ndcToGtin14('0904-6966-61'))?.ndc11).toBe('00904-6966-61');
    expect(store.byGtin(ndcToGtin14('59762-3721-1', { indicator: 5 }))).toMatchObject({ ndc11: '59762-3721-01', schedule: 'CIV' });
    expect(store.byGtin(ndcToGtin14('0002-0800-99'))).toBeNull();
    expect(store.byGtin('00300021200309')).toBeNull(); // wrong check digit
  });

  it('scheduleOf says CII..CV, null for not controlled, undefined when unknown or not in the catalog', () => {
    expect(store.scheduleOf('65162-0047-10')).toBe('CII');
    expect(store.scheduleOf('12496-1202-03')).toBe('CIII');
    expect(store.scheduleOf('72205-0016-06')).toBe('CV');
    expect(store.scheduleOf('76282-0733-01')).toBeNull();
    expect(store.scheduleOf('00002-1200-30')).toBeUndefined();
    expect(store.scheduleOf('99999-9999-99')).toBeUndefined();
  });

  it('search matches every word in name, ingredient, labeler or NDC', () => {
    expect(new Set(store.search('alprazolam').map((e) => e.schedule))).toEqual(new Set(['CIV']));
    expect(store.search('hydrocodone amneal').map((e) => e.ndc11)).toEqual(['53746-0109-01', '53746-0109-05', '65162-0115-03', '65162-0115-10']);
    expect(store.search('0904-6966').map((e) => e.ndc11)).toEqual(['00904-6966-61']);
    expect(store.search('pregabalin', { limit: 2 })).toHaveLength(2);
    expect(store.search('%')).toEqual([]);
    expect(store.search('   ')).toEqual([]);
  });
});
