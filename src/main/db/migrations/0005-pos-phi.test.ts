import { describe, expect, it } from 'vitest';
import { migration } from './0005-pos-phi';
import { applyMigration, expectAppendOnly } from './test-kit';

describe('migration 5: POS requests, encrypted PHI, POS metadata', () => {
  it('creates the tables, and indexes quarantine and the ledger by time received and recorded', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['pos_requests', 'phi_records', 'pos_metadata'],
      columns: {
        pos_requests: ['transaction_id', 'kind', 'fingerprint', 'status', 'reason', 'message', 'quarantine_id', 'entry_device_id', 'entry_seq', 'answered_at'],
        phi_records: ['id', 'token', 'purpose', 'ref', 'created_at', 'key_id', 'iv', 'tag', 'ciphertext'],
        pos_metadata: ['transaction_id', 'written_at', 'metadata'],
      },
      indexes: ['phi_by_token', 'phi_by_ref', 'quarantine_by_received', 'quarantine_by_sha256', 'ledger_by_recorded'],
      triggers: ['pos_requests_no_update', 'pos_requests_no_delete', 'phi_records_no_update', 'phi_records_no_delete'],
    });
  });

  it("keeps a POS transaction's first answer and every PHI record as written", () => {
    const { db } = applyMigration(migration);
    expectAppendOnly(db, 'pos_requests', { transaction_id: 'T-1', kind: 'dispense', fingerprint: 'f', status: 'accepted', answered_at: '2026-11-01' }, 'the first answer to a POS transaction is final');
    expectAppendOnly(
      db,
      'phi_records',
      { token: 'p1', purpose: 'dispense', created_at: '2026-11-01', key_id: 'k1', iv: Buffer.alloc(12), tag: Buffer.alloc(16), ciphertext: Buffer.from([1, 2, 3]) },
      'PHI records are kept as written',
    );
  });
});
