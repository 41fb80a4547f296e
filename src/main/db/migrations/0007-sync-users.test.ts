import { describe, expect, it } from 'vitest';
import { migration } from './0007-sync-users';
import { applyMigration, insertRow } from './test-kit';

describe('migration 7: the central office user directory', () => {
  it('creates sync_users', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['sync_users'],
      columns: { sync_users: ['user_id', 'facility_id', 'name', 'role', 'signing_keys', 'withdrawn', 'version', 'updated_at'] },
      indexes: [],
      triggers: [],
    });
  });

  it('starts a user with no signing keys, not withdrawn; withdrawn is 0 or 1', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'sync_users', { user_id: 'pat', version: 1, updated_at: '2026-11-01' });
    expect(db.prepare('SELECT signing_keys, withdrawn FROM sync_users').get()).toEqual({ signing_keys: '[]', withdrawn: 0 });
    expect(() => insertRow(db, 'sync_users', { user_id: 'sam', version: 1, updated_at: '2026-11-01', withdrawn: 2 })).toThrow(/CHECK constraint failed/);
  });
});
