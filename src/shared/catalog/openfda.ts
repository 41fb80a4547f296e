import { z } from 'zod';
import { readCsvRecords } from './delimited';
import { splitList, type DateOptions } from './fields';
import { ingredientsFromOpenFda, ingredientsFromText, type IngredientsReading } from './ingredients';
import { buildPackage, buildProduct, RowProblems } from './records';
import type { CatalogProblem, CatalogProduct, ParsedCatalogFile, SourcedPackage, SourcedProduct } from './types';

const str = z.string().optional();

const Packaging = z.looseObject({
  package_ndc: z.string(),
  description: str,
  marketing_start_date: str,
  marketing_end_date: str,
  sample: z.union([z.boolean(), z.string()]).optional(),
});

const Product = z.looseObject({
  product_ndc: z.string(),
  product_id: str,
  product_type: str,
  brand_name: str,
  brand_name_base: str,
  brand_name_suffix: str,
  generic_name: str,
  dosage_form: str,
  route: z.union([z.array(z.string()), z.string()]).optional(),
  active_ingredients: z.array(z.looseObject({ name: z.unknown().optional(), strength: z.unknown().optional() })).optional(),
  dea_schedule: str,
  marketing_start_date: str,
  marketing_end_date: str,
  marketing_category: str,
  application_number: str,
  labeler_name: str,
  finished: z.union([z.boolean(), z.string()]).optional(),
  packaging: z.array(z.unknown()).optional(),
});

/** openFDA's brand_name already carries the suffix ("Amyvid III"); brand_name_base is the name alone. */
function brand(p: { brand_name?: string | undefined; brand_name_base?: string | undefined; brand_name_suffix?: string | undefined }) {
  const suffix = p.brand_name_suffix?.trim() || undefined;
  let base = p.brand_name_base ?? p.brand_name;
  if (!p.brand_name_base && base && suffix && base.trim().endsWith(` ${suffix}`)) base = base.trim().slice(0, -suffix.length - 1);
  return { proprietaryName: base, proprietaryNameSuffix: suffix };
}

interface ProductFields {
  product_ndc: string;
  product_id?: string | undefined;
  product_type?: string | undefined;
  brand_name?: string | undefined;
  brand_name_base?: string | undefined;
  brand_name_suffix?: string | undefined;
  generic_name?: string | undefined;
  dosage_form?: string | undefined;
  route?: string[] | string | undefined;
  dea_schedule?: string | undefined;
  marketing_start_date?: string | undefined;
  marketing_end_date?: string | undefined;
  marketing_category?: string | undefined;
  application_number?: string | undefined;
  labeler_name?: string | undefined;
  finished?: boolean | string | undefined;
}

function product(f: ProductFields, ingredients: IngredientsReading, schedulePresent: boolean, p: RowProblems, opts: DateOptions): CatalogProduct | null {
  return buildProduct(
    {
      productNdc: f.product_ndc,
      productId: f.product_id,
      productType: f.product_type,
      ...brand(f),
      nonproprietaryName: f.generic_name,
      dosageForm: f.dosage_form,
      routes: Array.isArray(f.route) ? f.route.map((r) => r.trim()).filter(Boolean) : splitList(f.route),
      ingredients,
      // openFDA drops empty fields: no dea_schedule in a result means the source had it blank.
      schedule: schedulePresent ? (f.dea_schedule ?? '') : undefined,
      marketingStart: f.marketing_start_date,
      marketingEnd: f.marketing_end_date,
      marketingCategory: f.marketing_category,
      applicationNumber: f.application_number,
      labeler: f.labeler_name,
      finished: f.finished,
    },
    p,
    opts,
  );
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}

/** openFDA `/drug/ndc.json` responses and its bulk download: `{"meta":…, "results":[product…]}`, each with `packaging[]`. */
export function parseOpenFdaJson(textValue: string, opts: DateOptions = {}): ParsedCatalogFile {
  let json: unknown;
  try {
    json = JSON.parse(textValue);
  } catch (err) {
    return { ok: false, format: 'openfda-json', error: `not valid JSON: ${(err as Error).message}` };
  }
  const results = Array.isArray(json) ? json : (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    return { ok: false, format: 'openfda-json', error: 'this JSON has no "results" array: it is not an openFDA /drug/ndc.json response' };
  }
  if (results.length === 0) return { ok: false, format: 'openfda-json', error: 'the "results" array is empty' };
  const problems: CatalogProblem[] = [];
  const products: SourcedProduct[] = [];
  const packages: SourcedPackage[] = [];
  const seenProducts = new Set<string>();
  const seenPackages = new Map<string, string>();
  let skipped = 0;
  results.forEach((item, i) => {
    const where = `results[${i}]`;
    const p = new RowProblems(where, problems, (item as { product_ndc?: unknown } | null)?.product_ndc?.toString() ?? null);
    const parsed = Product.safeParse(item);
    if (!parsed.success) {
      p.skip(null, `not an openFDA NDC product: ${zodMessage(parsed.error)}`);
      skipped += Math.max(1, Array.isArray((item as { packaging?: unknown })?.packaging) ? (item as { packaging: unknown[] }).packaging.length : 1);
      return;
    }
    const f = parsed.data;
    const prod = product(f, ingredientsFromOpenFda(f.active_ingredients ?? []), true, p, opts);
    const pkgs = f.packaging ?? [];
    if (!prod) {
      skipped += Math.max(1, pkgs.length);
      return;
    }
    if (!seenProducts.has(prod.product_key)) {
      seenProducts.add(prod.product_key);
      products.push({ where, product: prod });
    }
    if (pkgs.length === 0) p.warn('packaging', 'the product lists no packages: nothing of it can be scanned or stocked');
    pkgs.forEach((raw, j) => {
      const pw = new RowProblems(`${where}.packaging[${j}]`, problems);
      const pk = Packaging.safeParse(raw);
      if (!pk.success) {
        pw.skip(null, `not an openFDA package: ${zodMessage(pk.error)}`);
        skipped++;
        return;
      }
      const pkg = buildPackage(
        {
          packageNdc: pk.data.package_ndc,
          productNdc: f.product_ndc,
          productId: prod.product_id ?? undefined,
          description: pk.data.description,
          marketingStart: pk.data.marketing_start_date,
          marketingEnd: pk.data.marketing_end_date,
          sample: pk.data.sample,
        },
        pw,
        opts,
      );
      if (!pkg) return void skipped++;
      const before = seenPackages.get(pkg.ndc11);
      if (before) {
        pw.skip('package_ndc', `package ${pkg.ndc11} is listed again (first at ${before})`);
        return void skipped++;
      }
      seenPackages.set(pkg.ndc11, pw.where);
      packages.push({ where: pw.where, pkg, product: prod });
    });
  });
  return { ok: true, format: 'openfda-json', products, packages, skipped, problems };
}

/** Columns of the openFDA CSV extract (a re-tabulation of /drug/ndc.json, one package a row). */
export const OPENFDA_CSV_REQUIRED = ['product_ndc', 'package_ndc', 'package_description', 'dea_schedule'] as const;

export function looksLikeOpenFdaCsv(header: readonly string[]): boolean {
  return header.includes('product_ndc') && header.includes('package_ndc');
}

/**
 * The openFDA CSV extract: one package per row with its product's fields repeated; product-level
 * columns named as in openFDA JSON, package-level ones prefixed `package_`. Active ingredients are
 * "NAME 5 mg/1; NAME 325 mg/1". Columns beyond the required ones are optional.
 */
export function parseOpenFdaCsv(textValue: string, opts: DateOptions = {}): ParsedCatalogFile {
  const problems: CatalogProblem[] = [];
  const products = new Map<string, SourcedProduct & { json: string }>();
  const packages: SourcedPackage[] = [];
  const seenPackages = new Map<string, string>();
  let skipped = 0;
  let header: string[] | null = null;
  let rowsSeen = 0;
  for (const rec of readCsvRecords(textValue)) {
    if (!header) {
      header = rec.fields.map((h) => h.trim().toLowerCase());
      const missing = OPENFDA_CSV_REQUIRED.filter((c) => !header!.includes(c));
      if (missing.length) return { ok: false, format: 'openfda-csv', error: `this is not the openFDA NDC CSV extract: its header lacks ${missing.join(', ')}` };
      if (rec.error) return { ok: false, format: 'openfda-csv', error: `the header row is malformed: ${rec.error}` };
      continue;
    }
    rowsSeen++;
    const cols = header;
    const get = (c: string) => {
      const i = cols.indexOf(c);
      return i === -1 ? undefined : rec.fields[i];
    };
    const p = new RowProblems(`line ${rec.line}`, problems, get('package_ndc')?.trim() || null);
    if (rec.error) {
      p.skip(null, `${rec.error}`);
      skipped++;
      continue;
    }
    if (rec.fields.length !== cols.length) {
      p.skip(null, `the row has ${rec.fields.length} fields, the header ${cols.length}: ${rec.fields.length < cols.length ? 'the row is cut short' : 'an unquoted comma in a field'}`);
      skipped++;
      continue;
    }
    const pp = new RowProblems(p.where, []);
    const prod = product(
      {
        product_ndc: get('product_ndc') ?? '',
        product_id: get('product_id'),
        product_type: get('product_type'),
        brand_name: get('brand_name'),
        brand_name_base: get('brand_name_base'),
        brand_name_suffix: get('brand_name_suffix'),
        generic_name: get('generic_name'),
        dosage_form: get('dosage_form'),
        route: get('route'),
        dea_schedule: get('dea_schedule'),
        marketing_start_date: get('marketing_start_date'),
        marketing_end_date: get('marketing_end_date'),
        marketing_category: get('marketing_category'),
        application_number: get('application_number'),
        labeler_name: get('labeler_name'),
        finished: get('finished'),
      },
      ingredientsFromText(get('active_ingredients')),
      true,
      pp,
      opts,
    );
    if (!prod) {
      problems.push(...pp.out);
      skipped++;
      continue;
    }
    const json = JSON.stringify(prod);
    const first = products.get(prod.product_key);
    if (!first) {
      products.set(prod.product_key, { where: p.where, product: prod, json });
      problems.push(...pp.out.map((x) => ({ ...x, ndc: x.ndc ?? prod.product_ndc_printed })));
    } else if (first.json !== json) {
      p.warn(null, `product ${prod.product_ndc_printed} is described differently than at ${first.where}; the first is kept`);
    }
    const pkg = buildPackage(
      {
        packageNdc: get('package_ndc'),
        productNdc: get('product_ndc'),
        productId: get('product_id'),
        description: get('package_description'),
        marketingStart: get('package_marketing_start_date'),
        marketingEnd: get('package_marketing_end_date'),
        sample: get('package_sample'),
      },
      p,
      opts,
    );
    if (!pkg) {
      skipped++;
      continue;
    }
    const before = seenPackages.get(pkg.ndc11);
    if (before) {
      p.skip('package_ndc', `package ${pkg.ndc11} is listed again (first at ${before})`);
      skipped++;
      continue;
    }
    seenPackages.set(pkg.ndc11, p.where);
    packages.push({ where: p.where, pkg, product: (products.get(prod.product_key) ?? { product: prod }).product });
  }
  if (!header) return { ok: false, format: 'openfda-csv', error: 'the file has no header row' };
  if (rowsSeen === 0) return { ok: false, format: 'openfda-csv', error: 'the file has a header but no rows' };
  return { ok: true, format: 'openfda-csv', products: [...products.values()].map(({ where, product }) => ({ where, product })), packages, skipped, problems };
}
