import { describe, expect, it } from 'vitest';
import { LEGACY_CONTAINERS_WHERE } from '../../ledger/legacy-basis';
import { migration } from './0008-units';
import { applyMigration, insertRow } from './test-kit';

describe('migration 8: package sizes, legacy container-basis receipts, units of a receiving line', () => {
  it('creates package_sizes, indexes the container-basis receipts and adds unit and units_source to receiving lines', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['package_sizes'],
      columns: { receiving_lines: ['unit', 'units_source'], package_sizes: ['ndc11', 'units_per_container', 'unit', 'container', 'entered_by', 'entered_at', 'note'] },
      indexes: ['ledger_entries_container_basis'],
      triggers: [],
    });
  });

  it('refuses a package of fewer than one unit', () => {
    const { db } = applyMigration(migration);
    const size = (ndc11: string, units_per_container: number) => ({ ndc11, units_per_container, unit: 'TABLET', entered_by: 'pat', entered_at: '2026-11-01' });
    insertRow(db, 'package_sizes', size('00002-1200-30', 1));
    expect(() => insertRow(db, 'package_sizes', size('00409-1234-01', 0))).toThrow(/CHECK constraint failed/);
  });

  it('finds the receipts recorded in containers through the partial index', () => {
    const { db } = applyMigration(migration);
    const plan = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT seq FROM ledger_entries WHERE ${LEGACY_CONTAINERS_WHERE} AND ndc = 'x'`).all();
    expect(plan.map((p) => p.detail).join('\n')).toContain('ledger_entries_container_basis');
  });
});
