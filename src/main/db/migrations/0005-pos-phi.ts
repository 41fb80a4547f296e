import { appendOnly, type Migration } from './migration';

export const migration: Migration = {
  version: 5,
  name: 'ingestion: POS requests, encrypted PHI store, POS metadata',
  sql: `
-- One row per POS transaction id: the first answer given, so a resend with the same content
-- gets the same answer and a resend with different content is refused.
CREATE TABLE pos_requests (
  transaction_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('dispense', 'return')),
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'refused')),
  reason TEXT,
  message TEXT,
  quarantine_id INTEGER REFERENCES quarantine (id),
  entry_device_id TEXT,
  entry_seq INTEGER,
  answered_at TEXT NOT NULL
);
${appendOnly('pos_requests', 'the first answer to a POS transaction is final')}

-- Protected health information, AES-256-GCM encrypted (key in the secret store). The ledger
-- carries only the keyed HMAC token; reading a row is a permission (phi.read) and audited.
CREATE TABLE phi_records (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  purpose TEXT NOT NULL,
  ref TEXT,
  created_at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  iv BLOB NOT NULL,
  tag BLOB NOT NULL,
  ciphertext BLOB NOT NULL
);
CREATE INDEX phi_by_token ON phi_records (token);
CREATE INDEX phi_by_ref ON phi_records (ref);
${appendOnly('phi_records', 'PHI records are kept as written')}

-- Non-controlled metadata a POS sent with a transaction, written after the acknowledgment.
CREATE TABLE pos_metadata (
  transaction_id TEXT PRIMARY KEY,
  written_at TEXT NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX quarantine_by_received ON quarantine (received_at);
CREATE INDEX quarantine_by_sha256 ON quarantine (sha256);
CREATE INDEX ledger_by_recorded ON ledger_entries (recorded_at);
`,
};
