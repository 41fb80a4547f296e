import { readTabRecords } from './delimited';
import { splitList, type DateOptions } from './fields';
import { ingredientsFromFdaColumns } from './ingredients';
import { buildPackage, buildProduct, RowProblems } from './records';
import type { CatalogProblem, ParsedCatalogFile, SourcedPackage, SourcedProduct } from './types';

/** Columns a file must have to be read as each kind; the rest are optional. */
export const FDA_PRODUCT_REQUIRED = ['PRODUCTNDC', 'NONPROPRIETARYNAME', 'DEASCHEDULE'] as const;
export const FDA_PACKAGE_REQUIRED = ['PRODUCTNDC', 'NDCPACKAGECODE', 'PACKAGEDESCRIPTION'] as const;

export function fdaHeader(firstLine: string): string[] {
  return firstLine.replace(/\r$/, '').split('\t').map((h) => h.trim().toUpperCase());
}

export function looksLikeFdaProduct(header: readonly string[]): boolean {
  return header.includes('PRODUCTNDC') && header.includes('PRODUCTTYPENAME') && !header.includes('NDCPACKAGECODE');
}
export function looksLikeFdaPackage(header: readonly string[]): boolean {
  return header.includes('PRODUCTNDC') && header.includes('NDCPACKAGECODE');
}

type Getter = (col: string) => string | undefined;

function rows(textValue: string, required: readonly string[], kind: string, each: (get: Getter, p: RowProblems, line: number) => void) {
  const problems: CatalogProblem[] = [];
  let skipped = 0;
  let header: string[] | null = null;
  let index = new Map<string, number>();
  let data = 0;
  for (const rec of readTabRecords(textValue)) {
    if (!header) {
      header = rec.fields.map((h) => h.trim().toUpperCase());
      const missing = required.filter((c) => !header!.includes(c));
      if (missing.length) return { error: `this is not an FDA ${kind}: its header lacks ${missing.join(', ')}` };
      index = new Map(header.map((h, i) => [h, i]));
      continue;
    }
    data++;
    const p = new RowProblems(`line ${rec.line}`, problems, rec.fields[index.get(kind === 'product.txt' ? 'PRODUCTNDC' : 'NDCPACKAGECODE')!]?.trim() || null);
    if (rec.fields.length !== header.length) {
      p.skip(
        null,
        `the row has ${rec.fields.length} tab-separated fields, the header ${header.length}: ${rec.fields.length < header.length ? 'the row is cut short' : 'a field holds a stray tab'}`,
      );
      skipped++;
      continue;
    }
    const fields = rec.fields;
    const get: Getter = (col) => {
      const i = index.get(col);
      return i === undefined ? undefined : fields[i];
    };
    each(get, p, rec.line);
    if (p.skipped) skipped++;
  }
  if (!header) return { error: 'the file has no header row' };
  if (data === 0) return { error: `the file has a ${kind} header but no rows` };
  return { problems, skipped };
}

/**
 * FDA NDC Directory product.txt (and unfinished_product.txt, whose header lacks the proprietary
 * name and route: its products are marked not finished). Tab-separated, header row first.
 */
export function parseFdaProductText(textValue: string, opts: DateOptions = {}): ParsedCatalogFile {
  const products: SourcedProduct[] = [];
  const seen = new Map<string, string>();
  let finished: boolean | undefined;
  const r = rows(textValue, FDA_PRODUCT_REQUIRED, 'product.txt', (get, p) => {
    finished ??= get('PROPRIETARYNAME') !== undefined;
    const product = buildProduct(
      {
        productNdc: get('PRODUCTNDC'),
        productId: get('PRODUCTID'),
        productType: get('PRODUCTTYPENAME'),
        proprietaryName: get('PROPRIETARYNAME'),
        proprietaryNameSuffix: get('PROPRIETARYNAMESUFFIX'),
        nonproprietaryName: get('NONPROPRIETARYNAME'),
        dosageForm: get('DOSAGEFORMNAME'),
        routes: splitList(get('ROUTENAME')),
        ingredients: ingredientsFromFdaColumns(get('SUBSTANCENAME'), get('ACTIVE_NUMERATOR_STRENGTH'), get('ACTIVE_INGRED_UNIT')),
        schedule: get('DEASCHEDULE'),
        marketingStart: get('STARTMARKETINGDATE'),
        marketingEnd: get('ENDMARKETINGDATE'),
        marketingCategory: get('MARKETINGCATEGORYNAME'),
        applicationNumber: get('APPLICATIONNUMBER'),
        labeler: get('LABELERNAME'),
        finished,
      },
      p,
      opts,
    );
    if (!product) return;
    const before = seen.get(product.product_key);
    if (before) return void p.skip('product_id', `product ${product.product_ndc_printed} is listed again (first at ${before})`);
    seen.set(product.product_key, p.where);
    products.push({ where: p.where, product });
  });
  if ('error' in r) return { ok: false, format: 'fda-product', error: r.error! };
  return { ok: true, format: 'fda-product', products, packages: [], skipped: r.skipped, problems: r.problems };
}

/**
 * FDA package.txt (and unfinished_package.txt, which has no dates or sample flag: those are left
 * empty, not filled from the product). Each package names its product by PRODUCTID/PRODUCTNDC;
 * the product must come from a product.txt in the same import or already in the catalog.
 */
export function parseFdaPackageText(textValue: string, opts: DateOptions = {}): ParsedCatalogFile {
  const packages: SourcedPackage[] = [];
  const seen = new Map<string, string>();
  const r = rows(textValue, FDA_PACKAGE_REQUIRED, 'package.txt', (get, p) => {
    const pkg = buildPackage(
      {
        packageNdc: get('NDCPACKAGECODE'),
        productNdc: get('PRODUCTNDC'),
        productId: get('PRODUCTID'),
        description: get('PACKAGEDESCRIPTION'),
        marketingStart: get('STARTMARKETINGDATE'),
        marketingEnd: get('ENDMARKETINGDATE'),
        sample: get('SAMPLE_PACKAGE'),
      },
      p,
      opts,
    );
    if (!pkg) return;
    const before = seen.get(pkg.ndc11);
    if (before) return void p.skip('package_ndc', `package ${pkg.ndc11} is listed again (first at ${before})`);
    seen.set(pkg.ndc11, p.where);
    packages.push({ where: p.where, pkg, product: null });
  });
  if ('error' in r) return { ok: false, format: 'fda-package', error: r.error! };
  return { ok: true, format: 'fda-package', products: [], packages, skipped: r.skipped, problems: r.problems };
}
