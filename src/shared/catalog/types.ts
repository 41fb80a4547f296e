import type { Schedule } from '../domain/schedule';

/** The formats `parseCatalogFile` recognises, each by its header (or, for JSON, its shape). */
export type CatalogFormat = 'fda-product' | 'fda-package' | 'openfda-json' | 'openfda-csv';

/**
 * How the DEA schedule of a product was read:
 * - `controlled`: a schedule CII..CV was given;
 * - `not-controlled`: the field was present and empty (FDA leaves it blank for unscheduled drugs);
 * - `unknown`: the field held something that is not a schedule (e.g. `DEA`, or `CI`), or the file
 *   has no schedule column for it. Such a product is imported, but `schedule` is null and the
 *   caller must not treat it as uncontrolled.
 */
export type ScheduleStatus = 'controlled' | 'not-controlled' | 'unknown';

export interface Ingredient {
  /** Substance name as published, e.g. "OXYCODONE HYDROCHLORIDE". */
  name: string;
  /** Numerator strength, e.g. 5 for "5 mg/1"; null when the file gives none (or it could not be paired). */
  strength: number | null;
  /** Unit as published, e.g. "mg/1", "mg/5mL", "[iU]/1"; null when not given. */
  unit: string | null;
}

/** One level of a package description: "100 TABLET in 1 BOTTLE (65162-047-10)". */
export interface PackageLevel {
  quantity: number;
  unit: string;
  /** "in N CONTAINER": N (nearly always 1). */
  containerQuantity: number;
  container: string;
  /** An NDC printed for this level in parentheses, as printed. */
  ndc: string | null;
}

export interface PackageSize {
  /** Units per package, multiplied through the nested levels where they link up; null when unreadable. */
  size: number | null;
  /** The unit `size` counts, as published: "TABLET", "mL", "FILM, SOLUBLE"... */
  unit: string | null;
  levels: PackageLevel[];
  /** Why the size is partial or missing, when it is. */
  note: string | null;
  /** The description lists kit parts after "*"; the size counts kits. */
  kit: boolean;
}

export interface CatalogProduct {
  /** Key of the product in the store: its product NDC padded to 5-4 (one product per product NDC). */
  product_key: string;
  product_id: string | null;
  /** Labeler-product code padded to 5-4 (or 6-4), e.g. "00002-0800". */
  product_ndc: string;
  /** As printed, e.g. "0002-0800". */
  product_ndc_printed: string;
  product_type: string | null;
  proprietary_name: string | null;
  proprietary_name_suffix: string | null;
  nonproprietary_name: string | null;
  dosage_form: string | null;
  routes: string[];
  ingredients: Ingredient[];
  /** The active ingredients with their strengths as one line: "HYDROCODONE BITARTRATE 5 mg/1; ACETAMINOPHEN 325 mg/1". */
  strength: string | null;
  schedule: Schedule | null;
  schedule_status: ScheduleStatus;
  /** The schedule field as published ("" when blank, null when the file has no such field). */
  schedule_raw: string | null;
  /** YYYY-MM-DD. */
  marketing_start: string | null;
  marketing_end: string | null;
  marketing_category: string | null;
  application_number: string | null;
  labeler: string | null;
  /** false for FDA's unfinished (bulk, further processing) listings; null when not stated. */
  finished: boolean | null;
}

export interface CatalogPackage {
  /** Catalog key: 11-digit 5-4-2 with hyphens (`ndcKey`), or 6-4-2 where there is no 11-digit form. */
  ndc11: string;
  /** The package NDC as printed in the file (10-digit with hyphens for every current NDC). */
  ndc10: string;
  /** Links to the product: its product_key when the file names it, else resolved by product NDC. */
  product_id: string | null;
  product_ndc: string;
  description: string | null;
  package_size: number | null;
  package_unit: string | null;
  levels: PackageLevel[];
  marketing_start: string | null;
  marketing_end: string | null;
  sample: boolean | null;
}

export interface CatalogProblem {
  /** "line 3" for text files, "results[2].packaging[0]" for JSON, "file" for the whole file. */
  where: string;
  ndc: string | null;
  field: string | null;
  message: string;
  /** Whether the row was still imported (with the field left empty) or skipped. */
  imported: boolean;
}

/** One parsed package with where it came from, so the store can report against the right row. */
export interface SourcedPackage {
  where: string;
  pkg: CatalogPackage;
  /** The product, when the same file carries it (openFDA JSON/CSV); FDA package.txt does not. */
  product: CatalogProduct | null;
}

export interface SourcedProduct {
  where: string;
  product: CatalogProduct;
}

export type ParsedCatalogFile =
  | {
      ok: true;
      format: CatalogFormat;
      products: SourcedProduct[];
      packages: SourcedPackage[];
      /** Rows refused outright (bad NDC, wrong number of columns...). Each has a problem. */
      skipped: number;
      problems: CatalogProblem[];
    }
  | { ok: false; format: CatalogFormat | null; error: string };
