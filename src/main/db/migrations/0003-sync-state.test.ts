import { describe, expect, it } from 'vitest';
import { migration } from './0003-sync-state';
import { applyMigration, insertRow } from './test-kit';

describe('migration 3: sync state and reference data', () => {
  it("creates the sync worker's state and the reference data it pulls", () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['sync_state', 'sync_reference'],
      columns: { sync_state: ['key', 'value'], sync_reference: ['kind', 'key', 'facility_id', 'version', 'doc'] },
      indexes: [],
      triggers: [],
    });
  });

  it('keeps one reference row per kind and key; a withdrawn one has no document', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'sync_reference', { kind: 'user', key: 'pat', version: 1, doc: null });
    insertRow(db, 'sync_reference', { kind: 'catalog', key: 'pat', version: 1, doc: '{}' });
    expect(() => insertRow(db, 'sync_reference', { kind: 'user', key: 'pat', version: 2, doc: '{}' })).toThrow(/UNIQUE constraint failed/);
  });
});
