import { parseCatalogDate, parseFlag, parsePackageNdc, parseProductNdc, readSchedule, text, type DateOptions } from './fields';
import { strengthLine, type IngredientsReading } from './ingredients';
import { parsePackageDescription } from './package-description';
import type { CatalogPackage, CatalogProblem, CatalogProduct } from './types';

/** Collects problems for one row; `skip` marks the row refused. */
export class RowProblems {
  skipped = false;
  constructor(
    readonly where: string,
    readonly out: CatalogProblem[],
    public ndc: string | null = null,
  ) {}
  warn(field: string | null, message: string): void {
    this.out.push({ where: this.where, ndc: this.ndc, field, message, imported: true });
  }
  skip(field: string | null, message: string): null {
    this.skipped = true;
    this.out.push({ where: this.where, ndc: this.ndc, field, message, imported: false });
    return null;
  }
}

export interface ProductInput {
  productNdc: string | undefined;
  productId: string | undefined;
  productType: string | undefined;
  proprietaryName: string | undefined;
  proprietaryNameSuffix: string | undefined;
  nonproprietaryName: string | undefined;
  dosageForm: string | undefined;
  routes: string[];
  ingredients: IngredientsReading;
  /** undefined: the source has no schedule field for this product (schedule unknown). */
  schedule: string | undefined;
  marketingStart: string | undefined;
  marketingEnd: string | undefined;
  marketingCategory: string | undefined;
  applicationNumber: string | undefined;
  labeler: string | undefined;
  finished: string | boolean | undefined;
}

function date(raw: string | undefined, field: string, p: RowProblems, opts: DateOptions): string | null {
  const d = parseCatalogDate(raw, opts);
  if (d.ok) return d.value;
  p.warn(field, `${d.error}; left empty`);
  return null;
}

/** A product from any source; null (with a problem) when its product NDC cannot be read. */
export function buildProduct(input: ProductInput, p: RowProblems, opts: DateOptions = {}): CatalogProduct | null {
  const ndc = parseProductNdc(input.productNdc);
  p.ndc = text(input.productNdc);
  if (!ndc.ok) return p.skip('product_ndc', ndc.error);
  const productId = text(input.productId);
  const schedule = readSchedule(input.schedule);
  if (schedule.problem) p.warn('dea_schedule', schedule.problem);
  if (input.ingredients.problem) p.warn('active_ingredients', input.ingredients.problem);
  const finished = parseFlag(input.finished);
  if (!finished.ok) p.warn('finished', `${finished.error}; left empty`);
  return {
    product_key: ndc.value,
    product_id: productId,
    product_ndc: ndc.value,
    product_ndc_printed: text(input.productNdc)!,
    product_type: text(input.productType),
    proprietary_name: text(input.proprietaryName),
    proprietary_name_suffix: text(input.proprietaryNameSuffix),
    nonproprietary_name: text(input.nonproprietaryName),
    dosage_form: text(input.dosageForm),
    routes: input.routes,
    ingredients: input.ingredients.ingredients,
    strength: strengthLine(input.ingredients.ingredients),
    schedule: schedule.schedule,
    schedule_status: schedule.status,
    schedule_raw: schedule.raw,
    marketing_start: date(input.marketingStart, 'marketing_start', p, opts),
    marketing_end: date(input.marketingEnd, 'marketing_end', p, opts),
    marketing_category: text(input.marketingCategory),
    application_number: text(input.applicationNumber),
    labeler: text(input.labeler),
    finished: finished.ok ? finished.value : null,
  };
}

export interface PackageInput {
  packageNdc: string | undefined;
  productNdc: string | undefined;
  productId: string | undefined;
  description: string | undefined;
  marketingStart: string | undefined;
  marketingEnd: string | undefined;
  sample: string | boolean | undefined;
}

/** A package; null (with a problem) when its NDC is unreadable or belongs to another product. */
export function buildPackage(input: PackageInput, p: RowProblems, opts: DateOptions = {}): CatalogPackage | null {
  p.ndc = text(input.packageNdc);
  const ndc = parsePackageNdc(input.packageNdc);
  if (!ndc.ok) return p.skip('package_ndc', ndc.error);
  const product = parseProductNdc(input.productNdc);
  if (!product.ok) return p.skip('product_ndc', product.error);
  if (product.value !== ndc.value.productNdc) {
    return p.skip('package_ndc', `package NDC ${ndc.value.printed} does not belong to product ${text(input.productNdc)}`);
  }
  const description = text(input.description);
  const size = parsePackageDescription(description);
  if (size.note) p.warn('package_description', size.size === null ? `${size.note}; package size left empty` : size.note);
  const printed = size.levels[0]?.ndc;
  if (printed && printed !== ndc.value.printed) {
    p.warn('package_description', `the description names NDC ${printed}, the row ${ndc.value.printed}; the row's NDC is used`);
  }
  const sample = parseFlag(input.sample);
  if (!sample.ok) p.warn('sample', `${sample.error}; left empty`);
  return {
    ndc11: ndc.value.ndc11,
    ndc10: ndc.value.printed,
    product_id: text(input.productId),
    product_ndc: product.value,
    description,
    package_size: size.size,
    package_unit: size.unit,
    levels: size.levels,
    marketing_start: date(input.marketingStart, 'marketing_start', p, opts),
    marketing_end: date(input.marketingEnd, 'marketing_end', p, opts),
    sample: sample.ok ? sample.value : null,
  };
}
