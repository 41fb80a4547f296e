import { describe, expect, it } from 'vitest';
import { migration } from './0006-counts-holds-signatures';
import { applyMigration, expectAppendOnly, insertRow, refusal } from './test-kit';

const T = '2026-11-01T10:00:00.000Z';
const key = (key_id: string, retired_at: string | null = null) => ({
  key_id,
  user_id: 'pat',
  public_key: 'pk',
  kdf: '{}',
  iv: Buffer.alloc(12),
  tag: Buffer.alloc(16),
  ciphertext: Buffer.from([1]),
  created_at: T,
  updated_at: T,
  retired_at,
});

describe('migration 6: counts, holds, tolerance policies, e-signatures', () => {
  it('creates the count, policy, location and signature tables and indexes the ledger by type', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['tolerance_policies', 'stock_locations', 'count_sessions', 'user_signing_keys', 'entry_signatures'],
      columns: {
        tolerance_policies: ['version', 'created_at', 'created_by', 'rules'],
        stock_locations: ['facility_id', 'ndc', 'location', 'updated_at', 'updated_by'],
        count_sessions: ['count_id', 'facility_id', 'scope', 'blind', 'items', 'created_by', 'created_at', 'status', 'submitted_by', 'submitted_at', 'tolerance_version'],
        user_signing_keys: ['key_id', 'user_id', 'public_key', 'kdf', 'iv', 'tag', 'ciphertext', 'created_at', 'updated_at', 'retired_at'],
        entry_signatures: ['id', 'device_id', 'seq', 'entry_hash', 'signer_id', 'printed_name', 'role', 'meaning', 'reason', 'signed_at', 'time_zone', 'public_key', 'key_id', 'signature'],
      },
      indexes: ['ledger_by_type', 'count_sessions_by_status', 'user_signing_keys_active', 'entry_signatures_by_hash'],
      triggers: ['tolerance_policies_no_update', 'tolerance_policies_no_delete', 'user_signing_keys_no_delete', 'entry_signatures_no_update', 'entry_signatures_no_delete'],
    });
  });

  it('keeps tolerance policies and signatures as written', () => {
    const { db } = applyMigration(migration);
    expectAppendOnly(db, 'tolerance_policies', { version: 1, created_at: T, created_by: 'admin', rules: '{}' }, 'a new policy is a new version');
    expectAppendOnly(
      db,
      'entry_signatures',
      { device_id: 'dev-1', seq: 1, entry_hash: 'h', signer_id: 'pat', printed_name: 'Pat', role: 'signer', meaning: 'approval', signed_at: T, time_zone: 'UTC', public_key: 'pk', signature: 's' },
      'a signature is never changed or removed',
    );
  });

  it('retires a signing key instead of deleting it, and allows one active key per user', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'user_signing_keys', key('k1'));
    expect(() => insertRow(db, 'user_signing_keys', key('k2'))).toThrow(/UNIQUE constraint failed/);
    expect(refusal(db, `UPDATE user_signing_keys SET retired_at = '${T}' WHERE key_id = 'k1'`)).toBeNull();
    insertRow(db, 'user_signing_keys', key('k2'));
    expect(refusal(db, "DELETE FROM user_signing_keys WHERE key_id = 'k1'")).toBe('signing keys are retired, never deleted: old signatures must stay verifiable');
  });
});
