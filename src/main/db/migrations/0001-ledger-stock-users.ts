import { appendOnly, type Migration } from './migration';

export const migration: Migration = {
  version: 1,
  name: 'ledger, stock, users, audit, quarantine, outbox',
  sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  is_local INTEGER NOT NULL CHECK (is_local IN (0, 1)),
  added_at TEXT NOT NULL
);

-- The ledger. body is the canonical JSON that was hashed; the other columns are copies of
-- body fields for querying, and verification checks that they agree with the body.
CREATE TABLE ledger_entries (
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq > 0),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  body TEXT NOT NULL,
  type TEXT NOT NULL,
  facility_id TEXT NOT NULL,
  ndc TEXT,
  lot TEXT,
  delta INTEGER NOT NULL,
  event_time TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (device_id, seq)
);
CREATE INDEX ledger_by_ndc ON ledger_entries (ndc, event_time);
CREATE INDEX ledger_by_stock_key ON ledger_entries (facility_id, ndc, lot);
${appendOnly('ledger_entries', 'write a correction entry instead')}

-- Stock on hand, a projection of the ledger kept in the same transaction as each entry.
CREATE TABLE stock (
  facility_id TEXT NOT NULL,
  ndc TEXT NOT NULL,
  lot TEXT NOT NULL DEFAULT '',
  schedule TEXT,
  on_hand INTEGER NOT NULL,
  last_event_time TEXT NOT NULL,
  PRIMARY KEY (facility_id, ndc, lot)
);

-- Inputs already committed, so a repeat is a duplicate and not a second entry.
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  fingerprint TEXT
);

-- Entries waiting for the central server; written with the entry, deleted once acknowledged.
CREATE TABLE outbox (
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
);

CREATE TABLE users (
  user_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('technician', 'pharmacist', 'manager', 'admin')),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

-- Who did what and when (Part 11 §11.10(e), HIPAA 164.312(b)). Hash-chained like the ledger so
-- a removed or edited row shows.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_action ON audit_log (action, at);
${appendOnly('audit_log', 'audit records are never changed')}

-- Input that did not make it into the ledger, kept whole for the compliance officer.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  raw BLOB,
  raw_ref TEXT,
  reasons TEXT NOT NULL,
  issues TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '{}',
  correlation_id TEXT NOT NULL
);
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine items are never deleted: reject them with a reason'); END;
CREATE TRIGGER quarantine_no_update BEFORE UPDATE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine items are kept as received: decisions are separate records'); END;

-- Decisions on quarantine items (replayed or rejected), append-only.
CREATE TABLE quarantine_decisions (
  id INTEGER PRIMARY KEY,
  quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),
  decision TEXT NOT NULL CHECK (decision IN ('replayed', 'rejected')),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  entry_ref TEXT
);
${appendOnly('quarantine_decisions', 'a decision is final')}

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
};
