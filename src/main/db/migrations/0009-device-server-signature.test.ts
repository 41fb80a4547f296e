import { describe, expect, it } from 'vitest';
import { migration } from './0009-device-server-signature';
import { applyMigration, insertRow } from './test-kit';

describe('migration 9: the server signature of a device record', () => {
  it('adds devices.server_signature and nothing else', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({ tables: [], columns: { devices: ['server_signature'] }, indexes: [], triggers: [] });
  });

  it('leaves a device enrolled before it without a signature (verify then refuses its entries until a sync brings one)', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'devices', { device_id: 'dev-b', facility_id: 'MAIN01', public_key: 'k', is_local: 0, added_at: '2026-11-01' });
    expect(db.prepare('SELECT server_signature FROM devices').get()).toEqual({ server_signature: null });
  });
});
