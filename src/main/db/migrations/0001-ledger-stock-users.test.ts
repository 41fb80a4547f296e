import { describe, expect, it } from 'vitest';
import { migration } from './0001-ledger-stock-users';
import { applyMigration, expectAppendOnly, insertRow, refusal } from './test-kit';

const T = '2026-11-01T10:00:00.000Z';

describe('migration 1: ledger, stock, users, audit, quarantine, outbox', () => {
  it('creates the first tables, their indexes and the append-only triggers on an empty file', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['meta', 'devices', 'ledger_entries', 'stock', 'idempotency', 'outbox', 'users', 'audit_log', 'quarantine', 'quarantine_decisions', 'settings'],
      columns: {
        meta: ['key', 'value'],
        devices: ['device_id', 'facility_id', 'public_key', 'is_local', 'added_at'],
        ledger_entries: ['device_id', 'seq', 'prev_hash', 'hash', 'signature', 'body', 'type', 'facility_id', 'ndc', 'lot', 'delta', 'event_time', 'recorded_at'],
        stock: ['facility_id', 'ndc', 'lot', 'schedule', 'on_hand', 'last_event_time'],
        idempotency: ['key', 'device_id', 'seq', 'fingerprint'],
        outbox: ['device_id', 'seq', 'created_at'],
        users: ['user_id', 'name', 'role', 'password_hash', 'must_change_password', 'failed_attempts', 'locked_until', 'disabled', 'created_at'],
        audit_log: ['id', 'at', 'actor', 'action', 'target', 'details', 'prev_hash', 'hash'],
        quarantine: ['id', 'source', 'received_at', 'sha256', 'raw', 'raw_ref', 'reasons', 'issues', 'context', 'correlation_id'],
        quarantine_decisions: ['id', 'quarantine_id', 'decision', 'decided_by', 'decided_at', 'reason', 'entry_ref'],
        settings: ['key', 'value'],
      },
      indexes: ['ledger_by_ndc', 'ledger_by_stock_key', 'audit_by_action'],
      triggers: [
        'ledger_entries_no_update',
        'ledger_entries_no_delete',
        'audit_log_no_update',
        'audit_log_no_delete',
        'quarantine_no_delete',
        'quarantine_no_update',
        'quarantine_decisions_no_update',
        'quarantine_decisions_no_delete',
      ],
    });
  });

  it('keeps the ledger, the audit trail and quarantine decisions append-only, one entry per device and seq', () => {
    const { db } = applyMigration(migration);
    const entry = { device_id: 'dev-1', seq: 1, prev_hash: 'p', hash: 'h', signature: 's', body: '{}', type: 'RECEIPT', facility_id: 'MAIN01', delta: 5, event_time: T, recorded_at: T };
    expectAppendOnly(db, 'ledger_entries', entry, 'write a correction entry instead');
    expect(refusal(db, 'INSERT INTO ledger_entries SELECT * FROM ledger_entries WHERE seq = 1')).toMatch(/UNIQUE constraint failed: ledger_entries.device_id, ledger_entries.seq/);
    expectAppendOnly(db, 'audit_log', { id: 1, at: T, actor: 'admin', action: 'USER_CREATED', details: '{}', prev_hash: 'p', hash: 'h' }, 'audit records are never changed');
    insertRow(db, 'quarantine', { id: 1, source: 'ndjson', received_at: T, sha256: 'x', reasons: '[]', issues: '[]', correlation_id: 'c' });
    expectAppendOnly(db, 'quarantine_decisions', { quarantine_id: 1, decision: 'rejected', decided_by: 'admin', decided_at: T, reason: 'duplicate' }, 'a decision is final');
  });

  it('keeps quarantined input as received and never deletes it', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'quarantine', { source: 'ndjson', received_at: T, sha256: 'x', reasons: '[]', issues: '[]', correlation_id: 'c' });
    expect(refusal(db, "UPDATE quarantine SET reasons = '[]'")).toBe('quarantine items are kept as received: decisions are separate records');
    expect(refusal(db, 'DELETE FROM quarantine')).toBe('quarantine items are never deleted: reject them with a reason');
  });

  it('allows only the four roles', () => {
    const { db } = applyMigration(migration);
    const user = { name: 'N', password_hash: 'x', created_at: T };
    insertRow(db, 'users', { user_id: 'pat', role: 'pharmacist', ...user });
    expect(() => insertRow(db, 'users', { user_id: 'cle', role: 'clerk', ...user })).toThrow(/CHECK constraint failed/);
  });
});
