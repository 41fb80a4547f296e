import { describe, expect, it } from 'vitest';
import { migration } from './0002-drug-catalog';
import { applyMigration, insertRow, refusal } from './test-kit';

describe('migration 2: drug catalog', () => {
  it('creates the catalog imports, products and packages', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['catalog_imports', 'catalog_products', 'catalog_packages'],
      columns: {
        catalog_imports: ['id', 'file_name', 'format', 'sha256', 'bytes', 'products', 'packages', 'skipped', 'added', 'updated', 'unchanged', 'problems', 'imported_at', 'imported_by'],
        catalog_products: ['product_key', 'product_id', 'data', 'content_hash', 'import_id'],
        catalog_packages: ['ndc11', 'ndc10', 'product_key', 'name', 'schedule', 'data', 'search_text', 'content_hash', 'import_id'],
      },
      indexes: ['catalog_packages_by_product'],
      triggers: ['catalog_imports_no_delete', 'catalog_imports_fixed'],
    });
  });

  it('keeps each import on record: its counts are filled in, its file, hash and importer never change', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'catalog_imports', { id: 1, file_name: 'product.txt', format: 'fda', sha256: 'x', bytes: 10, imported_at: '2026-11-01', imported_by: 'admin' });
    expect(refusal(db, 'UPDATE catalog_imports SET products = 3, packages = 4')).toBeNull();
    expect(refusal(db, "UPDATE catalog_imports SET sha256 = 'y'")).toBe('catalog_imports: the file, its hash and who imported it are never changed');
    expect(refusal(db, 'DELETE FROM catalog_imports')).toBe('catalog_imports records what was imported: rows are never deleted');
  });

  it('takes a schedule CII to CV or UNKNOWN, or none', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'catalog_imports', { id: 1, file_name: 'f', format: 'fda', sha256: 'x', bytes: 1, imported_at: 't', imported_by: 'a' });
    insertRow(db, 'catalog_products', { product_key: '00002-0800', data: '{}', content_hash: 'h', import_id: 1 });
    const pkg = (ndc11: string, schedule: string | null) => ({ ndc11, ndc10: ndc11, product_key: '00002-0800', name: 'n', schedule, data: '{}', search_text: 'n', content_hash: 'h', import_id: 1 });
    for (const [i, s] of ['CII', 'CV', 'UNKNOWN', null].entries()) insertRow(db, 'catalog_packages', pkg(`00002-0800-0${i}`, s));
    expect(() => insertRow(db, 'catalog_packages', pkg('00002-0800-09', 'CVI'))).toThrow(/CHECK constraint failed/);
  });
});
