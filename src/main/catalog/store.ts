import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import {
  detectCatalogFormat,
  displayName,
  parseCatalogFile,
  type CatalogFormat,
  type CatalogPackage,
  type CatalogProblem,
  type CatalogProduct,
  type Ingredient,
  type PackageLevel,
  type ScheduleStatus,
} from '../../shared/catalog';
import type { Schedule } from '../../shared/domain/schedule';
import { ndcFromGtin, ndcKey, parseNdc } from '../../shared/identifiers';
import type { AuditTrail } from '../audit/trail';
import type { Db } from '../db/open';
import { sha256Hex } from '../ledger/hash';

/** One package as the counter sees it: the package with its product's fields. */
export interface CatalogEntry {
  /** 11-digit 5-4-2 with hyphens: the key the ledger and stock use. */
  ndc11: string;
  /** As printed on the package and in the source file (10-digit with hyphens). */
  ndc10: string;
  /** "Oxycodone Hydrochloride 5 mg Tablet". */
  name: string;
  proprietary_name: string | null;
  proprietary_name_suffix: string | null;
  nonproprietary_name: string | null;
  /** "HYDROCODONE BITARTRATE 5 mg/1; ACETAMINOPHEN 325 mg/1". */
  strength: string | null;
  ingredients: Ingredient[];
  dosage_form: string | null;
  routes: string[];
  description: string | null;
  /** Units per package, multiplied through nested levels; null when the description did not say. */
  package_size: number | null;
  package_unit: string | null;
  levels: PackageLevel[];
  /** CII..CV, or null. Null means "not controlled" only when schedule_status is "not-controlled". */
  schedule: Schedule | null;
  schedule_status: ScheduleStatus;
  schedule_raw: string | null;
  /** The package's marketing dates (YYYY-MM-DD); not filled from the product's. */
  marketing_start: string | null;
  marketing_end: string | null;
  product_marketing_start: string | null;
  product_marketing_end: string | null;
  sample: boolean | null;
  labeler: string | null;
  product_ndc: string;
  product_id: string | null;
  product_type: string | null;
  marketing_category: string | null;
  application_number: string | null;
  finished: boolean | null;
  /** The catalog import that last changed this package. */
  import_id: number;
}

export interface ImportResult {
  file: string;
  format: CatalogFormat | null;
  /** Null when the file was refused as a whole (see `error`). */
  import_id: number | null;
  products: number;
  packages: number;
  skipped: number;
  /** Product and package records new to the catalog, changed, and already as in the file. */
  added: number;
  updated: number;
  unchanged: number;
  problems: CatalogProblem[];
  /** Why the whole file was refused; nothing of it was imported. */
  error: string | null;
  sha256: string;
}

export interface ImportRecord {
  id: number;
  file_name: string;
  format: string;
  sha256: string;
  bytes: number;
  products: number;
  packages: number;
  skipped: number;
  added: number;
  updated: number;
  unchanged: number;
  imported_at: string;
  imported_by: string;
}

export interface CatalogStoreOptions {
  audit?: AuditTrail;
  now?: () => Date;
}

type Change = 'added' | 'updated' | 'unchanged';

interface PackageRow {
  ndc11: string;
  ndc10: string;
  product_key: string;
  data: string;
  import_id: number;
}

const ORDER: Record<CatalogFormat, number> = { 'fda-product': 0, 'openfda-json': 0, 'openfda-csv': 0, 'fda-package': 1 };

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The drug catalog: FDA NDC Directory / openFDA packages keyed by 11-digit NDC. Imports run
 * one file per transaction; lookups never guess: an NDC that was not imported is null.
 * Structurally a `CatalogPort` for the ingestion gate (hasRows, isKnownNdc, scheduleOf).
 */
export class CatalogStore {
  private readonly now: () => Date;
  private readonly audit: AuditTrail | undefined;
  private readonly known;
  private readonly anyRow;
  private readonly getPackage;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    opts: CatalogStoreOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.audit = opts.audit;
    this.known = db.prepare<[string], { schedule: string | null }>('SELECT schedule FROM catalog_packages WHERE ndc11 = ?');
    this.anyRow = db.prepare('SELECT 1 FROM catalog_packages LIMIT 1').pluck();
    this.getPackage = db.prepare<[string], PackageRow & { product_data: string }>(
      `SELECT p.ndc11, p.ndc10, p.product_key, p.data, p.import_id, pr.data AS product_data
         FROM catalog_packages p JOIN catalog_products pr ON pr.product_key = p.product_key WHERE p.ndc11 = ?`,
    );
    this.stmts = {
      productHash: db.prepare<[string], { content_hash: string }>('SELECT content_hash FROM catalog_products WHERE product_key = ?'),
      productData: db.prepare<[string], { data: string }>('SELECT data FROM catalog_products WHERE product_key = ?'),
      upsertProduct: db.prepare(
        `INSERT INTO catalog_products (product_key, product_id, data, content_hash, import_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (product_key) DO UPDATE SET product_id = excluded.product_id, data = excluded.data,
           content_hash = excluded.content_hash, import_id = excluded.import_id`,
      ),
      packagesOf: db.prepare<[string], PackageRow>('SELECT ndc11, ndc10, product_key, data, import_id FROM catalog_packages WHERE product_key = ?'),
      refreshPackage: db.prepare('UPDATE catalog_packages SET name = ?, schedule = ?, search_text = ? WHERE ndc11 = ?'),
      packageHash: db.prepare<[string], { content_hash: string }>('SELECT content_hash FROM catalog_packages WHERE ndc11 = ?'),
      upsertPackage: db.prepare(
        `INSERT INTO catalog_packages (ndc11, ndc10, product_key, name, schedule, data, search_text, content_hash, import_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ndc11) DO UPDATE SET ndc10 = excluded.ndc10, product_key = excluded.product_key, name = excluded.name,
           schedule = excluded.schedule, data = excluded.data, search_text = excluded.search_text,
           content_hash = excluded.content_hash, import_id = excluded.import_id`,
      ),
    };
  }

  /** True once any package has been imported. */
  hasRows(): boolean {
    return this.anyRow.get() !== undefined;
  }

  /** Whether this 11-digit NDC (5-4-2 with hyphens) was imported. A bound function: pass it as a callback. */
  readonly isKnownNdc = (ndc11: string): boolean => {
    const key = /^\d{5}-\d{4}-\d{2}$/.test(ndc11) ? ndc11 : this.keyOf(ndc11);
    return key !== null && this.known.get(key) !== undefined;
  };

  /** CII..CV; null when not controlled; undefined when the NDC is not in the catalog or its schedule is unknown. */
  scheduleOf(ndc11: string): Schedule | null | undefined {
    const row = this.known.get(ndc11);
    if (!row) return undefined;
    if (row.schedule === null) return null;
    return row.schedule === 'UNKNOWN' ? undefined : (row.schedule as Schedule);
  }

  private keyOf(input: string): string | null {
    const r = parseNdc(input);
    return r.ok ? ndcKey(r) : null;
  }

  /**
   * The package for an NDC in any written form (with hyphens in any layout, 11 digits, 12
   * digits; a hyphenless 10-digit NDC when exactly one of its layouts is in the catalog).
   * Null when the NDC is not in the catalog or cannot be read.
   */
  lookup(ndc: string): CatalogEntry | null {
    const r = parseNdc(ndc, { isKnown: this.isKnownNdc });
    if (!r.ok) return null;
    const row = this.getPackage.get(ndcKey(r));
    return row ? this.entry(row) : null;
  }

  /** The package a GTIN (or UPC-A) carries, when its NDC resolves to exactly one catalog package. */
  byGtin(gtin: string): CatalogEntry | null {
    const r = ndcFromGtin(gtin, { isKnown: this.isKnownNdc });
    if (!r.ok || !r.ndc) return null;
    return this.lookup(ndcKey(r.ndc));
  }

  /**
   * Packages whose name, ingredients, labeler or NDC contain every word of `text`
   * (case-insensitive; an NDC with or without hyphens). Sorted by name, then NDC.
   */
  search(text: string, opts: { limit?: number } = {}): CatalogEntry[] {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const where = words.map(() => "p.search_text LIKE ? ESCAPE '\\'").join(' AND ');
    const rows = this.db
      .prepare<unknown[], PackageRow & { product_data: string }>(
        `SELECT p.ndc11, p.ndc10, p.product_key, p.data, p.import_id, pr.data AS product_data
           FROM catalog_packages p JOIN catalog_products pr ON pr.product_key = p.product_key
          WHERE ${where} ORDER BY p.name, p.ndc11 LIMIT ?`,
      )
      .all(...words.map((w) => `%${escapeLike(w)}%`), opts.limit ?? 50);
    return rows.map((r) => this.entry(r));
  }

  counts(): { products: number; packages: number; imports: number } {
    const n = (sql: string) => (this.db.prepare(sql).pluck().get() as number) ?? 0;
    return {
      products: n('SELECT COUNT(*) FROM catalog_products'),
      packages: n('SELECT COUNT(*) FROM catalog_packages'),
      imports: n('SELECT COUNT(*) FROM catalog_imports'),
    };
  }

  /** Import records, newest first. */
  imports(limit = 100): ImportRecord[] {
    return this.db
      .prepare<[number], ImportRecord>(
        `SELECT id, file_name, format, sha256, bytes, products, packages, skipped, added, updated, unchanged, imported_at, imported_by
           FROM catalog_imports ORDER BY id DESC LIMIT ?`,
      )
      .all(limit);
  }

  private entry(row: PackageRow & { product_data: string }): CatalogEntry {
    const pkg = JSON.parse(row.data) as CatalogPackage;
    const p = JSON.parse(row.product_data) as CatalogProduct;
    return {
      ndc11: row.ndc11,
      ndc10: row.ndc10,
      name: displayName(p),
      proprietary_name: p.proprietary_name,
      proprietary_name_suffix: p.proprietary_name_suffix,
      nonproprietary_name: p.nonproprietary_name,
      strength: p.strength,
      ingredients: p.ingredients,
      dosage_form: p.dosage_form,
      routes: p.routes,
      description: pkg.description,
      package_size: pkg.package_size,
      package_unit: pkg.package_unit,
      levels: pkg.levels,
      schedule: p.schedule,
      schedule_status: p.schedule_status,
      schedule_raw: p.schedule_raw,
      marketing_start: pkg.marketing_start,
      marketing_end: pkg.marketing_end,
      product_marketing_start: p.marketing_start,
      product_marketing_end: p.marketing_end,
      sample: pkg.sample,
      labeler: p.labeler,
      product_ndc: p.product_ndc_printed,
      product_id: p.product_id,
      product_type: p.product_type,
      marketing_category: p.marketing_category,
      application_number: p.application_number,
      finished: p.finished,
      import_id: row.import_id,
    };
  }

  /**
   * Imports several files. Files that carry products (product.txt, openFDA JSON and CSV) go
   * before package.txt files, so a package.txt finds its product.txt from the same call.
   * Results come back in the order given.
   */
  importFiles(paths: readonly string[], opts: { actor: string }): ImportResult[] {
    const order = paths.map((path, i) => ({ path, i, rank: ORDER[sniff(path) ?? 'fda-product'] }));
    order.sort((a, b) => a.rank - b.rank || a.i - b.i);
    const results: ImportResult[] = new Array<ImportResult>(paths.length);
    for (const { path, i } of order) results[i] = this.importBytes(path, readFileSync(path), opts);
    return results;
  }

  /** Imports one file's bytes in one transaction, with an import record and an audit entry. */
  importBytes(file: string, bytes: Uint8Array, opts: { actor: string }): ImportResult {
    const sha256 = sha256Hex(bytes);
    const at = this.now();
    const parsed = parseCatalogFile(bytes, { now: at });
    const result: ImportResult = {
      file,
      format: parsed.format,
      import_id: null,
      products: 0,
      packages: 0,
      skipped: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      problems: [],
      error: null,
      sha256,
    };
    if (!parsed.ok) {
      result.error = parsed.error;
      result.problems = [{ where: 'file', ndc: null, field: null, message: parsed.error, imported: false }];
      this.audit?.record({ actor: opts.actor, action: 'CATALOG_IMPORT_REFUSED', target: basename(file), details: { sha256, bytes: bytes.length, error: parsed.error } });
      return result;
    }
    const problems = [...parsed.problems];
    result.skipped = parsed.skipped;
    const count = (c: Change) => void result[c]++;

    this.db
      .transaction(() => {
        const id = Number(
          this.db
            .prepare('INSERT INTO catalog_imports (file_name, format, sha256, bytes, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?)')
            .run(basename(file), parsed.format, sha256, bytes.length, at.toISOString(), opts.actor).lastInsertRowid,
        );
        result.import_id = id;
        const productsHere = new Map<string, CatalogProduct>();
        for (const { product } of parsed.products) {
          count(this.upsertProduct(product, id));
          productsHere.set(product.product_key, product);
          result.products++;
        }
        for (const { where, pkg, product } of parsed.packages) {
          let prod = product ?? productsHere.get(pkg.product_ndc) ?? null;
          if (!prod) {
            const stored = this.stmts.productData.get(pkg.product_ndc);
            prod = stored ? (JSON.parse(stored.data) as CatalogProduct) : null;
            // A package.txt lists a product's packages together: keep it for the next rows.
            if (prod) productsHere.set(pkg.product_ndc, prod);
          }
          if (!prod) {
            problems.push({
              where,
              ndc: pkg.ndc10,
              field: 'product_ndc',
              message: `its product ${pkg.product_ndc} is not in the catalog: import the product.txt that lists it in the same call, or first`,
              imported: false,
            });
            result.skipped++;
            continue;
          }
          if (pkg.product_id && prod.product_id && pkg.product_id !== prod.product_id) {
            problems.push({
              where,
              ndc: pkg.ndc10,
              field: 'product_id',
              message: `PRODUCTID ${pkg.product_id} differs from the catalog's product ${prod.product_id} for ${pkg.product_ndc}; linked by product NDC`,
              imported: true,
            });
          }
          count(this.upsertPackage(pkg, prod, id));
          result.packages++;
        }
        result.problems = problems;
        this.db
          .prepare('UPDATE catalog_imports SET products = ?, packages = ?, skipped = ?, added = ?, updated = ?, unchanged = ?, problems = ? WHERE id = ?')
          .run(result.products, result.packages, result.skipped, result.added, result.updated, result.unchanged, JSON.stringify(problems), id);
        this.audit?.record({
          actor: opts.actor,
          action: 'CATALOG_IMPORTED',
          target: basename(file),
          details: {
            import_id: id,
            sha256,
            format: parsed.format,
            products: result.products,
            packages: result.packages,
            skipped: result.skipped,
            added: result.added,
            updated: result.updated,
            unchanged: result.unchanged,
            problems: problems.length,
          },
        });
      })
      .immediate();
    return result;
  }

  private upsertProduct(product: CatalogProduct, importId: number): Change {
    const data = JSON.stringify(product);
    const hash = sha256Hex(data);
    const existing = this.stmts.productHash.get(product.product_key);
    if (existing?.content_hash === hash) return 'unchanged';
    this.stmts.upsertProduct.run(product.product_key, product.product_id, data, hash, importId);
    if (existing) {
      // Names, schedules and search text of this product's packages follow the product.
      for (const r of this.stmts.packagesOf.all(product.product_key)) {
        const pkg = JSON.parse(r.data) as CatalogPackage;
        this.stmts.refreshPackage.run(displayName(product), scheduleColumn(product), searchText(pkg, product), r.ndc11);
      }
    }
    return existing ? 'updated' : 'added';
  }

  private upsertPackage(pkg: CatalogPackage, product: CatalogProduct, importId: number): Change {
    const data = JSON.stringify(pkg);
    const hash = sha256Hex(`${product.product_key}\n${data}`);
    const existing = this.stmts.packageHash.get(pkg.ndc11);
    if (existing?.content_hash === hash) return 'unchanged';
    this.stmts.upsertPackage.run(pkg.ndc11, pkg.ndc10, product.product_key, displayName(product), scheduleColumn(product), data, searchText(pkg, product), hash, importId);
    return existing ? 'updated' : 'added';
  }
}

/** The `schedule` column: CII..CV, NULL for not controlled, 'UNKNOWN' when the source did not say. */
function scheduleColumn(p: CatalogProduct): string | null {
  return p.schedule_status === 'unknown' ? 'UNKNOWN' : p.schedule;
}

function searchText(pkg: CatalogPackage, p: CatalogProduct): string {
  return [
    displayName(p),
    p.proprietary_name,
    p.nonproprietary_name,
    ...p.ingredients.map((i) => i.name),
    p.dosage_form,
    pkg.description,
    p.labeler,
    pkg.ndc11,
    pkg.ndc11.replace(/-/g, ''),
    pkg.ndc10,
    pkg.ndc10.replace(/-/g, ''),
    p.schedule,
  ]
    .filter(Boolean)
    .join(' | ')
    .toLowerCase();
}

/** A file's format from its first 64 KB, for ordering an import; null when not recognised. */
function sniff(path: string): CatalogFormat | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return detectCatalogFormat(buf.subarray(0, n).toString('latin1'));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
