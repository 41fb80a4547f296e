import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndcToGtin14 } from '../../shared/identifiers';
import { corporaPresent, corporaSkipReason, corpusPath, repoRoot } from '../../testing/corpora';
import { cli } from '../../testing/run-cli';
import { seedDataDir } from '../../testing/seed';

let tmp: string;
let data: string;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-catalog-'));
  data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01', '--json'], 'admin-password-1\n')).code).toBe(0);
  // The records' handler (tech01) is a user; the catalog is the one each test imports.
  await seedDataDir(cli, data, { catalog: false });
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const fixture = (name: string) => corpusPath('ndc', 'openfda_repo_fixtures', name);
const CSV = () => corpusPath('ndc', 'openfda_api_ndc_extract.csv');
const SAMPLE = (name: string) => join(repoRoot, 'resources', 'catalog', name);
const json = (out: string) => JSON.parse(out.trim()) as unknown;

describe('rxledger catalog import', () => {
  it('imports the shipped sample; --json prints per file what was read', async () => {
    const r = await cli(['catalog', 'import', '--data', data, '--as', 'admin', '--json', SAMPLE('fda_product_sample.txt'), SAMPLE('fda_package_sample.txt'), SAMPLE('openfda_ndc_sample.csv')], 'admin-password-1\n');
    expect(r.code).toBe(0);
    const files = json(r.stdout) as Record<string, unknown>[];
    expect(files.map((f) => [f.format, f.products, f.packages, f.skipped, f.problems])).toEqual([
      ['fda-product', 2, 0, 0, []],
      ['fda-package', 0, 1, 0, []],
      ['openfda-csv', 7, 7, 0, []],
    ]);
    expect(Object.keys(files[0]!).slice(0, 5)).toEqual(['file', 'format', 'products', 'packages', 'skipped']);
    expect(r.stderr).toBe('');
  });

  it('refuses a file it does not recognise, an empty file and binary garbage, and says why; exit 1', async () => {
    const unknown = join(tmp, 'drugs.tsv');
    writeFileSync(unknown, 'NDC\tNAME\n0002-0800-01\tX\n');
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '');
    const binary = join(tmp, 'ndc.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 31) % 256)));
    const r = await cli(['catalog', 'import', '--data', data, '--as', 'admin', unknown, empty, binary], 'admin-password-1\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/drugs\.tsv: refused: the first line \("NDC\tNAME"\) is not a header RxLedger knows/);
    expect(r.stderr).toMatch(/empty\.txt: refused: the file is empty/);
    expect(r.stderr).toMatch(/ndc\.bin: refused: the file is binary data/);
    expect(r.stdout).toBe('');
    const imports = await cli(['catalog', 'imports', '--data', data, '--json']);
    expect(json(imports.stdout)).toEqual([]);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['catalog', 'import', '--data', data])).code).toBe(2);
    expect((await cli(['catalog', 'import', '--data', data, '--as', 'admin', join(tmp, 'missing.txt')], 'admin-password-1\n')).stderr).toMatch(/no such file/);
    expect((await cli(['catalog', 'frobnicate', '--data', data])).code).toBe(2);
  });
});

describe.skipIf(!corporaPresent)(`rxledger catalog with the corpus (${corporaPresent ? 'present' : corporaSkipReason})`, () => {
  it('reports the corpus problems per row, keeps the product, and a second import changes nothing', async () => {
    const files = [fixture('package_trimmed.txt'), fixture('product_trimmed.txt'), CSV()];
    const first = await cli(['catalog', 'import', '--data', data, '--as', 'admin', '--json', ...files], 'admin-password-1\n');
    expect(first.code).toBe(0);
    const [pkg, prod, csv] = json(first.stdout) as { products: number; packages: number; added: number; updated: number; unchanged: number; problems: { where: string; ndc: string; message: string; imported: boolean }[] }[];
    expect([pkg!.packages, prod!.products, csv!.products, csv!.packages]).toEqual([3, 3, 32, 52]);
    expect(prod!.problems).toContainEqual(expect.objectContaining({ where: 'line 3', ndc: '0002-1200', imported: true, message: expect.stringMatching(/"DEA" is not a DEA schedule/) }));

    const second = await cli(['catalog', 'import', '--data', data, '--as', 'admin', '--json', ...files], 'admin-password-1\n');
    const again = json(second.stdout) as { added: number; updated: number; unchanged: number }[];
    expect(again.map((f) => [f.added, f.updated])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(again.map((f) => f.unchanged)).toEqual([3, 3, 84]);

    const text = await cli(['catalog', 'import', '--data', data, '--as', 'admin', fixture('product_trimmed.txt')], 'admin-password-1\n');
    expect(text.stdout).toMatch(/product_trimmed\.txt \(FDA product\.txt\): 3 products, 0 packages, 0 skipped; 0 added, 0 updated, 3 unchanged \(import #7\)/);
    expect(text.stderr).toMatch(/product_trimmed\.txt:line 3: 0002-1200: "DEA" is not a DEA schedule/);
  });

  it('a package.txt alone (its product.txt never imported) skips every row; exit 1', async () => {
    const r = await cli(['catalog', 'import', '--data', data, '--as', 'admin', fixture('package_trimmed.txt')], 'admin-password-1\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/0 products, 0 packages, 3 skipped/);
    expect(r.stderr).toMatch(/line 2: 0002-0800-01: its product 00002-0800 is not in the catalog.*\(row skipped\)/);
  });

  describe('show, search, barcode --data, ingest', () => {
    beforeEach(async () => {
      expect((await cli(['catalog', 'import', '--data', data, '--as', 'admin', fixture('product_trimmed.txt'), fixture('package_trimmed.txt'), CSV()], 'admin-password-1\n')).code).toBe(0);
    });

    it('show --json gives the package with its product; an NDC not in the catalog is null, exit 1', async () => {
      const r = await cli(['catalog', 'show', '--data', data, '0002-0800-01', '--json']);
      expect(r.code).toBe(0);
      expect(json(r.stdout)).toMatchObject({
        ndc11: '00002-0800-01',
        ndc10: '0002-0800-01',
        name: 'Sterile Diluent 1 mL/mL Injection, Solution',
        routes: ['SUBCUTANEOUS'],
        strength: 'WATER 1 mL/mL',
        schedule: null,
        schedule_status: 'not-controlled',
        package_size: 10,
        package_unit: 'mL',
        marketing_start: '1987-07-10',
      });
      const missing = await cli(['catalog', 'show', '--data', data, '0002-0800-99', '--json']);
      expect(missing.code).toBe(1);
      expect(json(missing.stdout)).toBeNull();
      expect(missing.stderr).toMatch(/NDC 00002-0800-99 is not in the drug catalog/);
      expect((await cli(['catalog', 'show', '--data', data, 'hello'])).code).toBe(2);
    });

    it('show in text names the unknown schedule instead of calling it uncontrolled', async () => {
      const r = await cli(['catalog', 'show', '--data', data, '0002-1200-30']);
      expect(r.stdout).toMatch(/^Amyvid III \(Florbetapir F 18\) Injection, Solution\n/);
      expect(r.stdout).toMatch(/Schedule UNKNOWN \(the source says "DEA"\)/);
      expect(r.stdout).toMatch(/Marketed 2012-06-01 to 2019-02-03/);
      expect(r.stdout).toMatch(/Sample {3}yes/);
    });

    it('search --json finds by words and NDC; nothing found exits 1', async () => {
      const r = await cli(['catalog', 'search', '--data', data, '--json', 'buprenorphine', 'film']);
      expect(r.code).toBe(0);
      const found = json(r.stdout) as { ndc11: string; schedule: string }[];
      // The films, not the 0121-1018 tablets; the CSV has no dosage form, the package description says FILM.
      expect(found.map((e) => e.ndc11).sort()).toEqual(['12496-1202-03', '47781-0356-03', '67296-2063-03', '67296-2063-06']);
      expect(found.every((e) => e.schedule === 'CIII')).toBe(true);
      const none = await cli(['catalog', 'search', '--data', data, 'unobtainium']);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/nothing in the catalog matches "unobtainium"/);
    });

    it('barcode --data resolves the NDC inside a GTIN against the catalog; without --data it does not', async () => {
      const gtin = ndcToGtin14('59762-3721-1');
      const withCatalog = await cli(['barcode', '--json', '--data', data, gtin]);
      expect(json(withCatalog.stdout)).toMatchObject({ ok: true, gtin, ndc: '59762-3721-01' });
      const text = await cli(['barcode', '--data', data, gtin]);
      expect(text.stdout).toMatch(/\n {2}Product Alprazolam 1 mg\n/);
      const without = await cli(['barcode', '--json', gtin]);
      expect(json(without.stdout)).toMatchObject({ ok: true, gtin, ndc: null });
      const notInCatalog = await cli(['barcode', '--json', '--data', data, ndcToGtin14('0002-0800-99')]);
      expect(json(notInCatalog.stdout)).toMatchObject({ ndc: null });
    });

    it('ingest: a hyphenless 10-digit NDC resolves when exactly one layout is in the catalog', async () => {
      const rec = (ndc: string, lot: string) =>
        JSON.stringify({ ndc, schedule: 'II', lot_number: lot, quantity: 30, facility_id: 'MAIN01', handler_id: 'tech01', transaction_type: 'RECEIPT', timestamp_utc: '2026-11-01T10:00:00Z' });
      const f = join(tmp, 'in.ndjson');
      // 6516204703 can only be 65162-0047-03 in this catalog; 0002080099 is in it in no layout.
      writeFileSync(f, [rec('6516204703', 'A1'), rec('0002080099', 'A2')].join('\n') + '\n');
      const r = await cli(['ingest', '--data', data, '--as', 'admin', f, '--json'], 'admin-password-1\n');
      expect(json(r.stdout)).toMatchObject([{ accepted: 1, rejected: 1 }]);
      expect(r.stderr).toMatch(/in\.ndjson:2: .*not in the drug catalog in any layout/);
      const stock = await cli(['stock', '--data', data, '--json']);
      expect(stock.stdout).toMatch(/"ndc":"65162-0047-03"/);
      expect(stock.stdout).toMatch(/"name":"Oxycodone Hydrochloride 5 mg"/);
    });
  });
});
