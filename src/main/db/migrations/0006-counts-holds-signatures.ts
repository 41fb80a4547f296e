import { appendOnly, type Migration } from './migration';

export const migration: Migration = {
  version: 6,
  name: 'cycle counts, compliance holds, tolerance policies, pharmacist e-signatures',
  sql: `
-- Holds and counts are read from the ledger itself (HOLD_PLACED / HOLD_RELEASED / COUNT
-- entries of every chain, the siblings' too), so they need no projection to keep in step.
CREATE INDEX ledger_by_type ON ledger_entries (type, facility_id, ndc);

-- Versioned tolerance policy: each change is a new row; counts name the version they used.
CREATE TABLE tolerance_policies (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  rules TEXT NOT NULL
);
${appendOnly('tolerance_policies', 'a new policy is a new version')}

-- Where an NDC is kept (shelf, safe, bin), for counts by location.
CREATE TABLE stock_locations (
  facility_id TEXT NOT NULL,
  ndc TEXT NOT NULL,
  location TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (facility_id, ndc)
);

-- A count in progress or done: what it covers and the lines to count. The observations
-- themselves are COUNT entries in the ledger (data.count_id).
CREATE TABLE count_sessions (
  count_id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  blind INTEGER NOT NULL CHECK (blind IN (0, 1)),
  items TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'cancelled')),
  submitted_by TEXT,
  submitted_at TEXT,
  tolerance_version INTEGER
);
CREATE INDEX count_sessions_by_status ON count_sessions (status, created_at);

-- Each user's Ed25519 signing key (Part 11 §11.70). The private key is encrypted with a key
-- derived from the user's password (scrypt -> AES-256-GCM) and never stored in clear; it is
-- re-encrypted when the password changes. A replaced key is retired, never deleted.
CREATE TABLE user_signing_keys (
  key_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  kdf TEXT NOT NULL,
  iv BLOB NOT NULL,
  tag BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  retired_at TEXT
);
CREATE UNIQUE INDEX user_signing_keys_active ON user_signing_keys (user_id) WHERE retired_at IS NULL;
CREATE TRIGGER user_signing_keys_no_delete BEFORE DELETE ON user_signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are retired, never deleted: old signatures must stay verifiable'); END;

-- A pharmacist's signature over a ledger entry's hash. It cannot live in the entry body (the
-- body is what is hashed), so it is written beside it, in the same transaction.
CREATE TABLE entry_signatures (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry_hash TEXT NOT NULL,
  signer_id TEXT NOT NULL,
  printed_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('signer', 'cosigner', 'witness')),
  meaning TEXT NOT NULL,
  reason TEXT,
  signed_at TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  public_key TEXT NOT NULL,
  key_id TEXT,
  signature TEXT NOT NULL,
  UNIQUE (device_id, seq, signer_id)
);
CREATE INDEX entry_signatures_by_hash ON entry_signatures (entry_hash);
${appendOnly('entry_signatures', 'a signature is never changed or removed')}
`,
};
