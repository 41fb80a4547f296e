import { describe, expect, it } from 'vitest';
import { migration } from './0010-suspect-investigations';
import { applyMigration, insertRow, refusal } from './test-kit';

const step = (over: Record<string, unknown> = {}) => ({
  quarantine_id: 1,
  step: 'finding',
  note: 'called the wholesaler',
  signed_by: 'rph01',
  printed_name: 'Robin Pharmacist',
  signed_at: '2026-11-12T10:00:00.000Z',
  time_zone: 'UTC',
  public_key: 'k',
  signature: 's',
  ...over,
});

describe('migration 10: suspect-product investigations', () => {
  function withItem() {
    const r = applyMigration(migration);
    insertRow(r.db, 'quarantine', { id: 1, source: 'scan:receiving', received_at: '2026-11-12', sha256: 'x', reasons: '["DUPLICATE_SERIAL"]', issues: '[]', correlation_id: 'c' });
    return r;
  }

  it('adds the steps table, its indexes and append-only triggers', () => {
    const { added } = applyMigration(migration);
    expect(added.tables).toEqual(['suspect_investigation_steps']);
    expect(added.indexes).toEqual(['suspect_steps_by_item', 'suspect_one_outcome']);
    expect(added.triggers).toEqual(['suspect_investigation_steps_no_update', 'suspect_investigation_steps_no_delete']);
  });

  it('refuses an illegitimate outcome without both notice dates, a second outcome, and any change', () => {
    const { db } = withItem();
    insertRow(db, 'suspect_investigation_steps', step());
    expect(() => insertRow(db, 'suspect_investigation_steps', step({ step: 'illegitimate', fda_3911_date: '2026-11-12' }))).toThrow(/CHECK constraint/);
    insertRow(db, 'suspect_investigation_steps', step({ step: 'cleared' }));
    expect(() => insertRow(db, 'suspect_investigation_steps', step({ step: 'illegitimate', fda_3911_date: '2026-11-12', partner_notice_date: '2026-11-12' }))).toThrow(/UNIQUE/);
    expect(refusal(db, "UPDATE suspect_investigation_steps SET note = 'x'")).toMatch(/append-only/);
    expect(refusal(db, 'DELETE FROM suspect_investigation_steps')).toMatch(/append-only/);
  });
});
