import { describe, expect, it } from 'vitest';
import { parseCatalogFile } from './detect';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array) => parseCatalogFile(typeof s === 'string' ? enc(s) : s, { now: new Date('2026-11-26T00:00:00Z') });

const PKG_HEADER = 'PRODUCTID\tPRODUCTNDC\tNDCPACKAGECODE\tPACKAGEDESCRIPTION\tSTARTMARKETINGDATE\tENDMARKETINGDATE\tNDC_EXCLUDE_FLAG\tSAMPLE_PACKAGE';
const PROD_HEADER =
  'PRODUCTID\tPRODUCTNDC\tPRODUCTTYPENAME\tPROPRIETARYNAME\tPROPRIETARYNAMESUFFIX\tNONPROPRIETARYNAME\tDOSAGEFORMNAME\tROUTENAME\tSTARTMARKETINGDATE\tENDMARKETINGDATE\tMARKETINGCATEGORYNAME\tAPPLICATIONNUMBER\tLABELERNAME\tSUBSTANCENAME\tACTIVE_NUMERATOR_STRENGTH\tACTIVE_INGRED_UNIT\tPHARM_CLASSES\tDEASCHEDULE\tNDC_EXCLUDE_FLAG\tLISTING_RECORD_CERTIFIED_THROUGH';
const prodRow = (ndc: string, sched: string, start = '20200101') =>
  `${ndc}_x\t${ndc}\tHUMAN PRESCRIPTION DRUG\tTestdrug\t\ttestdrug\tTABLET\tORAL\t${start}\t\tANDA\tANDA000001\tTest Labs\tTESTDRUG\t5\tmg/1\t\t${sched}\tN\t20271231`;
const pkgRow = (ndc: string, pkg: string) => `${ndc}_x\t${ndc}\t${pkg}\t100 TABLET in 1 BOTTLE (${pkg})\t20200101\t\tN\tN`;

describe('files that are refused as a whole, with a reason a person can act on', () => {
  it('an empty file', () => {
    expect(parse('')).toEqual({ ok: false, format: null, error: 'the file is empty' });
    expect(parse('\n\n  \n')).toMatchObject({ ok: false, error: 'the file holds only blank lines' });
  });

  it('binary garbage, a ZIP (ndctext.zip itself) and an Excel workbook', () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expect(parse(garbage)).toMatchObject({ ok: false, error: expect.stringMatching(/binary data/) });
    expect(parse(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatchObject({ ok: false, error: expect.stringMatching(/ZIP archive. Unzip it first/) });
    expect(parse(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]))).toMatchObject({ ok: false, error: expect.stringMatching(/Excel/) });
  });

  it('an unknown header, tab- or comma-separated, names the formats that are accepted', () => {
    const tab = parse('NDC\tNAME\tSCHEDULE\n0002-0800-01\tX\tCII\n');
    expect(tab).toMatchObject({ ok: false, format: null });
    if (!tab.ok) expect(tab.error).toMatch(/"NDC\tNAME\tSCHEDULE"\) is not a header RxLedger knows.*product\.txt and package\.txt/);
    expect(parse('ndc,name\n1,2\n')).toMatchObject({ ok: false, error: expect.stringMatching(/not a header RxLedger knows/) });
  });

  it('a product.txt without the DEASCHEDULE column (schedules would all be unknown)', () => {
    const r = parse('PRODUCTID\tPRODUCTNDC\tPRODUCTTYPENAME\tNONPROPRIETARYNAME\nx\t0002-0800\tHUMAN OTC DRUG\tdiluent\n');
    expect(r).toMatchObject({ ok: false, format: 'fda-product', error: expect.stringMatching(/lacks DEASCHEDULE/) });
  });

  it('a header with no rows; JSON that is not an openFDA response', () => {
    expect(parse(`${PKG_HEADER}\n`)).toMatchObject({ ok: false, error: expect.stringMatching(/header but no rows/) });
    expect(parse('{"results": [')).toMatchObject({ ok: false, format: 'openfda-json', error: expect.stringMatching(/not valid JSON/) });
    expect(parse('{"error": {"code": "NOT_FOUND"}}')).toMatchObject({ ok: false, error: expect.stringMatching(/no "results" array/) });
    expect(parse('{"results": []}')).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
  });
});

describe('rows that are skipped or flagged while the rest of the file is read', () => {
  it('a truncated last row (file cut off mid-row) and a row with a stray tab are skipped by line', () => {
    const text = [PKG_HEADER, pkgRow('0002-0800', '0002-0800-01'), pkgRow('0002-0800', '0002-0800-02').split('\t').slice(0, 4).join('\t')].join('\n');
    const r = parse(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.packages.map((p) => p.pkg.ndc11)).toEqual(['00002-0800-01']);
    expect(r.skipped).toBe(1);
    expect(r.problems).toEqual([
      { where: 'line 3', ndc: '0002-0800-02', field: null, message: expect.stringMatching(/4 tab-separated fields, the header 8: the row is cut short/), imported: false },
    ]);
    const extra = parse([PKG_HEADER, pkgRow('0002-0800', '0002-0800-01') + '\textra'].join('\n'));
    expect(extra).toMatchObject({ ok: true, skipped: 1, problems: [{ message: expect.stringMatching(/9 tab-separated fields.*stray tab/) }] });
  });

  it('a package whose NDC is not readable, or belongs to another product, is skipped; an impossible date is left empty', () => {
    const r = parse(
      [
        PKG_HEADER,
        pkgRow('0002-0800', '0002-08X0-01'),
        pkgRow('0002-0800', '0002-0801-01'),
        `x\t0002-0800\t0002-0800-03\t10 mL in 1 VIAL\t20190230\t\tN\tMAYBE`,
      ].join('\n'),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.skipped).toBe(2);
    expect(r.problems.map((p) => [p.where, p.field, p.imported])).toEqual([
      ['line 2', 'package_ndc', false],
      ['line 3', 'package_ndc', false],
      ['line 4', 'sample', true],
      ['line 4', 'marketing_start', true],
    ]);
    expect(r.problems[1]?.message).toMatch(/does not belong to product 0002-0800/);
    expect(r.packages[0]?.pkg).toMatchObject({ ndc11: '00002-0800-03', marketing_start: null, sample: null, package_size: 10 });
  });

  it('a product listed twice keeps the first row', () => {
    const r = parse([PROD_HEADER, prodRow('0002-0800', 'CII'), prodRow('0002-0800', 'CIV')].join('\n'));
    if (!r.ok) throw new Error(r.error);
    expect(r.products.map((p) => p.product.schedule)).toEqual(['CII']);
    expect(r.problems).toMatchObject([{ where: 'line 3', imported: false, message: expect.stringMatching(/listed again \(first at line 2\)/) }]);
  });

  it('bytes that are not UTF-8 are read as Windows-1252 instead of being dropped', () => {
    const row = prodRow('0002-0800', '').replace('Testdrug', 'Testdrug\u00ae');
    const bytes = Uint8Array.from([...enc(PROD_HEADER + '\n'), ...Array.from(row, (c) => (c === '\u00ae' ? 0xae : c.charCodeAt(0)))]);
    const r = parse(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(r.products[0]?.product.proprietary_name).toBe('Testdrug\u00ae');
  });

  it('a CSV row with a quote left open or a missing column is skipped with its line', () => {
    const header = 'product_ndc,package_ndc,package_description,package_marketing_start_date,package_sample,generic_name,brand_name,labeler_name,dea_schedule,active_ingredients';
    const good = '65162-047,65162-047-10,100 TABLET in 1 BOTTLE (65162-047-10),20121030,false,Oxycodone,Oxycodone Hydrochloride,Amneal,CII,OXYCODONE HYDROCHLORIDE 5 mg/1';
    const r = parse([header, good, '65162-047,65162-047-03,30 TABLET,20121030,false,Oxycodone', `65162-047,65162-047-05,"50 TABLET in 1 BOTTLE,20121030`].join('\n'));
    if (!r.ok) throw new Error(r.error);
    expect(r.packages.map((p) => p.pkg.ndc11)).toEqual(['65162-0047-10']);
    expect(r.problems.map((p) => [p.where, p.imported])).toEqual([
      ['line 3', false],
      ['line 4', false],
    ]);
    expect(r.problems[0]?.message).toMatch(/6 fields, the header 10/);
    expect(r.problems[1]?.message).toMatch(/never closed/);
  });
});

describe('openFDA JSON', () => {
  const result = (over: Record<string, unknown> = {}) => ({
    product_ndc: '12496-1202',
    product_id: '12496-1202_abc',
    generic_name: 'buprenorphine hydrochloride, naloxone hydrochloride',
    brand_name: 'Suboxone',
    labeler_name: 'INDIVIOR INC.',
    dosage_form: 'FILM, SOLUBLE',
    route: ['BUCCAL', 'SUBLINGUAL'],
    active_ingredients: [
      { name: 'BUPRENORPHINE HYDROCHLORIDE', strength: '2 mg/1' },
      { name: 'NALOXONE HYDROCHLORIDE', strength: '.5 mg/1' },
    ],
    dea_schedule: 'CIII',
    marketing_start_date: '20100913',
    finished: true,
    packaging: [
      { package_ndc: '12496-1202-3', description: '30 POUCH in 1 CARTON (12496-1202-3)  / 1 FILM, SOLUBLE in 1 POUCH (12496-1202-1)', marketing_start_date: '20100913', sample: false },
    ],
    ...over,
  });

  it('reads products with their packaging; a missing dea_schedule means not controlled (openFDA drops empty fields)', () => {
    const r = parse(JSON.stringify({ meta: {}, results: [result(), result({ product_ndc: '0000-0001', product_id: 'z', dea_schedule: undefined, packaging: [{ package_ndc: '0000-0001-01', description: '10 TABLET in 1 BOTTLE' }] })] }));
    if (!r.ok) throw new Error(r.error);
    expect(r.format).toBe('openfda-json');
    expect(r.problems).toEqual([]);
    const sub = r.packages[0];
    expect(sub?.pkg).toMatchObject({ ndc11: '12496-1202-03', ndc10: '12496-1202-3', package_size: 30, package_unit: 'FILM, SOLUBLE', sample: false, marketing_start: '2010-09-13' });
    expect(sub?.product).toMatchObject({ schedule: 'CIII', routes: ['BUCCAL', 'SUBLINGUAL'], strength: 'BUPRENORPHINE HYDROCHLORIDE 2 mg/1; NALOXONE HYDROCHLORIDE 0.5 mg/1' });
    expect(r.packages[1]?.product).toMatchObject({ schedule: null, schedule_status: 'not-controlled' });
  });

  it('strips the suffix openFDA appends to brand_name', () => {
    const r = parse(JSON.stringify({ results: [result({ brand_name: 'Amyvid III', brand_name_suffix: 'III' })] }));
    if (!r.ok) throw new Error(r.error);
    expect(r.products[0]?.product).toMatchObject({ proprietary_name: 'Amyvid', proprietary_name_suffix: 'III' });
  });

  it('skips a result that is not a product, and a package with a bad NDC, reading the rest', () => {
    const r = parse(JSON.stringify({ results: [{ hello: 1 }, result({ packaging: [{ package_ndc: '12496120203' }, { package_ndc: '12496-1202-3', description: '30 FILM in 1 CARTON' }] })] }));
    if (!r.ok) throw new Error(r.error);
    expect(r.skipped).toBe(2);
    expect(r.problems.map((p) => [p.where, p.imported])).toEqual([
      ['results[0]', false],
      ['results[1].packaging[0]', false],
    ]);
    expect(r.packages).toHaveLength(1);
  });
});
