import type { Migration } from './migration';

export const migration: Migration = {
  version: 2,
  name: 'drug catalog: imports, products, packages',
  sql: `
-- One row per catalog file imported: what it was (sha256), what it gave, when, by whom.
-- Rows are never deleted; the counts are filled in at the end of the import's transaction.
CREATE TABLE catalog_imports (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  products INTEGER NOT NULL DEFAULT 0,
  packages INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  problems TEXT NOT NULL DEFAULT '[]',
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE TRIGGER catalog_imports_no_delete BEFORE DELETE ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports records what was imported: rows are never deleted'); END;
CREATE TRIGGER catalog_imports_fixed BEFORE UPDATE OF id, file_name, format, sha256, bytes, imported_at, imported_by ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports: the file, its hash and who imported it are never changed'); END;

-- Products (FDA product.txt rows, openFDA results), one per product NDC: product_key is the
-- labeler-product code padded to 5-4 (e.g. 00002-0800). data is the product as JSON.
CREATE TABLE catalog_products (
  product_key TEXT PRIMARY KEY,
  product_id TEXT,
  data TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES catalog_imports (id)
);

-- Packages, keyed by the 11-digit NDC with hyphens (ndcKey). name: display name (stock lists).
-- schedule: CII..CV; NULL = not a controlled substance; 'UNKNOWN' = the source's value was not a
-- schedule (never read as "not controlled"). search_text: lower-case name, ingredients, form,
-- package description, labeler, NDCs. data: the package as JSON.
CREATE TABLE catalog_packages (
  ndc11 TEXT PRIMARY KEY,
  ndc10 TEXT NOT NULL,
  product_key TEXT NOT NULL REFERENCES catalog_products (product_key),
  name TEXT NOT NULL,
  schedule TEXT CHECK (schedule IN ('CII', 'CIII', 'CIV', 'CV', 'UNKNOWN')),
  data TEXT NOT NULL,
  search_text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES catalog_imports (id)
);
CREATE INDEX catalog_packages_by_product ON catalog_packages (product_key);
`,
};
