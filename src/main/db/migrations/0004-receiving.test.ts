import { describe, expect, it } from 'vitest';
import { migration } from './0004-receiving';
import { applyMigration, expectAppendOnly, insertRow } from './test-kit';

const T = '2026-11-01T10:00:00.000Z';

describe('migration 4: receiving', () => {
  it('creates shipments, sessions, lines, packs, scans, units and DSCSA serials', () => {
    const { added } = applyMigration(migration);
    expect(added).toEqual({
      tables: ['receiving_shipments', 'receiving_sessions', 'receiving_lines', 'receiving_packs', 'receiving_scans', 'receiving_units', 'dscsa_serials'],
      columns: {
        receiving_shipments: ['id', 'kind', 'file_name', 'document_id', 'sha256', 'raw', 'parsed', 'imported_at', 'imported_by'],
        receiving_sessions: [
          'id',
          'shipment_id',
          'status',
          'supplier_name',
          'supplier_address',
          'supplier_dea',
          'po_number',
          'order_form_kind',
          'order_form_number',
          'ship_date',
          'created_at',
          'created_by',
          'closed_at',
          'closed_by',
          'close_reason',
          'commit_summary',
        ],
        receiving_lines: ['id', 'session_id', 'line_no', 'origin', 'ndc', 'gtin', 'name', 'schedule', 'schedule_known', 'expected', 'units_per_container', 'lot', 'expiry', 'serials'],
        receiving_packs: ['session_id', 'key', 'children', 'items', 'received_scan_id'],
        receiving_scans: ['id', 'received_at', 'scanner_id', 'source', 'raw', 'raw_bytes_hex', 'symbology_id', 'session_id', 'verdict', 'tone', 'message', 'line_id', 'quarantine_id', 'units', 'decoded'],
        receiving_units: ['id', 'session_id', 'line_id', 'scan_id', 'status', 'verdict', 'gtin', 'ndc', 'lot', 'expiry', 'serial', 'containers', 'flags', 'pack_key', 'quarantine_id'],
        dscsa_serials: ['gtin', 'serial', 'ndc', 'lot', 'expiry', 'session_id', 'entry_device_id', 'entry_seq', 'received_at'],
      },
      indexes: ['receiving_lines_by_gtin', 'receiving_scans_by_session', 'receiving_units_by_session', 'receiving_units_by_serial'],
      triggers: ['receiving_shipments_no_update', 'receiving_shipments_no_delete', 'receiving_scans_no_update', 'receiving_scans_no_delete', 'dscsa_serials_no_update', 'dscsa_serials_no_delete'],
    });
  });

  it('keeps imported documents, scans and received serials as written', () => {
    const { db } = applyMigration(migration);
    expectAppendOnly(db, 'receiving_shipments', { kind: 'manual', sha256: 'x', raw: Buffer.from('PO'), parsed: '{}', imported_at: T, imported_by: 'tina' }, 'an imported document is kept as received');
    expectAppendOnly(db, 'receiving_scans', { received_at: T, scanner_id: 's1', source: 'hid', raw: ']d2…', verdict: 'accepted', tone: 'ok', message: 'ok' }, 'scans are kept as read');
    expectAppendOnly(
      db,
      'dscsa_serials',
      { gtin: '00300020012003', serial: 'S1', ndc: '00002-1200-30', session_id: 'R-1', entry_device_id: 'dev-1', entry_seq: 1, received_at: T },
      'a received serial stays on record',
    );
  });

  it('takes only the known session statuses and order forms, and one line number per session', () => {
    const { db } = applyMigration(migration);
    insertRow(db, 'receiving_shipments', { id: 1, kind: 'manual', sha256: 'x', raw: Buffer.from('PO'), parsed: '{}', imported_at: T, imported_by: 'tina' });
    const session = (id: string, status: string, order_form_kind: string | null) => ({ id, shipment_id: 1, status, order_form_kind, created_at: T, created_by: 'tina' });
    insertRow(db, 'receiving_sessions', session('R-1', 'open', '222'));
    expect(() => insertRow(db, 'receiving_sessions', session('R-2', 'paused', null))).toThrow(/CHECK constraint failed/);
    expect(() => insertRow(db, 'receiving_sessions', session('R-3', 'open', 'fax'))).toThrow(/CHECK constraint failed/);
    insertRow(db, 'receiving_lines', { session_id: 'R-1', line_no: 1, origin: 'expected', expected: 2 });
    expect(() => insertRow(db, 'receiving_lines', { session_id: 'R-1', line_no: 1, origin: 'unexpected', expected: 0 })).toThrow(/UNIQUE constraint failed/);
  });
});
