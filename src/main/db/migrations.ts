/**
 * Versioned schema. Each migration runs once, in order, inside a transaction; the version is
 * SQLite's user_version. Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const appendOnly = (table: string, what: string) => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${what}'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${what}'); END;
`;

export const MIGRATIONS: Migration[] = [
  {
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
  },
  {
    version: 2,
    name: 'drug catalog: imports, products, packages',
    sql: `
-- One row per catalog file imported: what it was (sha256), what it gave, when, by whom.
-- Rows are never deleted; the counts are filled in at the end of the import's transaction.
CREATE TABLE catalog_imports (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  format TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  products INTEGER NOT NULL DEFAULT 0,
  packages INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  problems TEXT NOT NULL DEFAULT '[]',
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE TRIGGER catalog_imports_no_delete BEFORE DELETE ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports records what was imported: rows are never deleted'); END;
CREATE TRIGGER catalog_imports_fixed BEFORE UPDATE OF id, file_name, format, sha256, bytes, imported_at, imported_by ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports: the file, its hash and who imported it are never changed'); END;

-- Products (FDA product.txt rows, openFDA results), one per product NDC: product_key is the
-- labeler-product code padded to 5-4 (e.g. 00002-0800). data is the product as JSON.
CREATE TABLE catalog_products (
  product_key TEXT PRIMARY KEY,
  product_id TEXT,
  data TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES catalog_imports (id)
);

-- Packages, keyed by the 11-digit NDC with hyphens (ndcKey). name: display name (stock lists).
-- schedule: CII..CV; NULL = not a controlled substance; 'UNKNOWN' = the source's value was not a
-- schedule (never read as "not controlled"). search_text: lower-case name, ingredients, form,
-- package description, labeler, NDCs. data: the package as JSON.
CREATE TABLE catalog_packages (
  ndc11 TEXT PRIMARY KEY,
  ndc10 TEXT NOT NULL,
  product_key TEXT NOT NULL REFERENCES catalog_products (product_key),
  name TEXT NOT NULL,
  schedule TEXT CHECK (schedule IN ('CII', 'CIII', 'CIV', 'CV', 'UNKNOWN')),
  data TEXT NOT NULL,
  search_text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES catalog_imports (id)
);
CREATE INDEX catalog_packages_by_product ON catalog_packages (product_key);
`,
  },
  {
    version: 3,
    name: 'sync: worker state and reference data pulled from the central server',
    sql: `
-- The sync worker's state (server URL, last success, the server's accepted head, cursors), so
-- it resumes after a restart and the status bar can show it from any process.
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Reference data owned by the central server (catalog rows, users with roles and public
-- signing keys, tolerance policies), as pulled; doc is NULL when the server withdrew it.
CREATE TABLE sync_reference (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  facility_id TEXT,
  version INTEGER NOT NULL,
  doc TEXT,
  PRIMARY KEY (kind, key)
);
`,
  },
  {
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
  },
  {
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
  },
  {
    version: 4,
    name: 'receiving: shipments, expected lines, sessions, scans, received units, DSCSA serials',
    sql: `
-- An expected shipment as imported (EDI 856, EPCIS, a typed PO): raw bytes kept whole.
CREATE TABLE receiving_shipments (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('edi856', 'epcis', 'manual')),
  file_name TEXT,
  document_id TEXT,
  sha256 TEXT NOT NULL,
  raw BLOB NOT NULL,
  parsed TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
${appendOnly('receiving_shipments', 'an imported document is kept as received')}

-- A receiving session: open while units are scanned, then committed (once) or cancelled.
CREATE TABLE receiving_sessions (
  id TEXT PRIMARY KEY,
  shipment_id INTEGER NOT NULL REFERENCES receiving_shipments (id),
  status TEXT NOT NULL CHECK (status IN ('open', 'committed', 'cancelled')),
  supplier_name TEXT,
  supplier_address TEXT,
  supplier_dea TEXT,
  po_number TEXT,
  order_form_kind TEXT CHECK (order_form_kind IN ('222', 'CSOS')),
  order_form_number TEXT,
  ship_date TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT,
  close_reason TEXT,
  commit_summary TEXT
);

-- Expected lines (and lines added for unexpected products scanned).
CREATE TABLE receiving_lines (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES receiving_sessions (id),
  line_no INTEGER NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('expected', 'unexpected')),
  ndc TEXT,
  gtin TEXT,
  name TEXT,
  schedule TEXT,
  schedule_known INTEGER NOT NULL DEFAULT 0,
  expected INTEGER NOT NULL,
  units_per_container INTEGER,
  lot TEXT,
  expiry TEXT,
  serials TEXT NOT NULL DEFAULT '[]',
  UNIQUE (session_id, line_no)
);
CREATE INDEX receiving_lines_by_gtin ON receiving_lines (session_id, gtin);

-- Cases and pallets of the shipment: scanning one receives its children.
CREATE TABLE receiving_packs (
  session_id TEXT NOT NULL REFERENCES receiving_sessions (id),
  key TEXT NOT NULL,
  children TEXT NOT NULL,
  items TEXT NOT NULL,
  received_scan_id INTEGER,
  PRIMARY KEY (session_id, key)
);

-- Every scan that reached receiving (or found no session open), raw kept, with what the
-- counter was told. The id is the cursor of the scan feed.
CREATE TABLE receiving_scans (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  scanner_id TEXT NOT NULL,
  source TEXT NOT NULL,
  raw TEXT NOT NULL,
  raw_bytes_hex TEXT,
  symbology_id TEXT,
  session_id TEXT,
  verdict TEXT NOT NULL,
  tone TEXT NOT NULL,
  message TEXT NOT NULL,
  line_id INTEGER,
  quarantine_id INTEGER,
  units INTEGER NOT NULL DEFAULT 0,
  decoded TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX receiving_scans_by_session ON receiving_scans (session_id, id);
${appendOnly('receiving_scans', 'scans are kept as read')}

-- Units of a session: accepted (to stock at commit), suspect (quarantined), rejected (set aside).
CREATE TABLE receiving_units (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES receiving_sessions (id),
  line_id INTEGER REFERENCES receiving_lines (id),
  scan_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'suspect', 'rejected')),
  verdict TEXT NOT NULL,
  gtin TEXT,
  ndc TEXT,
  lot TEXT,
  expiry TEXT,
  serial TEXT,
  containers INTEGER NOT NULL DEFAULT 1,
  flags TEXT NOT NULL DEFAULT '[]',
  pack_key TEXT,
  quarantine_id INTEGER
);
CREATE INDEX receiving_units_by_session ON receiving_units (session_id, line_id);
CREATE INDEX receiving_units_by_serial ON receiving_units (gtin, serial);

-- DSCSA: every serialized unit received into stock, with the ledger entry that received it.
CREATE TABLE dscsa_serials (
  gtin TEXT NOT NULL,
  serial TEXT NOT NULL,
  ndc TEXT NOT NULL,
  lot TEXT,
  expiry TEXT,
  session_id TEXT NOT NULL,
  entry_device_id TEXT NOT NULL,
  entry_seq INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (gtin, serial)
);
${appendOnly('dscsa_serials', 'a received serial stays on record')}
`,
  },
  {
    version: 7,
    name: 'sync: the central office user directory (roles and public signing keys)',
    sql: `
-- Users as the central office publishes them (reference kind 'user'): name, role and the
-- public signing keys they sign with. Not sign-in accounts (no password ever travels): sync
-- reads it to cross-check the signers of sibling entries. withdrawn = 1 when the office
-- withdrew the user.
CREATE TABLE sync_users (
  user_id TEXT PRIMARY KEY,
  facility_id TEXT,
  name TEXT,
  role TEXT,
  signing_keys TEXT NOT NULL DEFAULT '[]',
  withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'units: package sizes entered by a person; legacy container-basis receipts indexed',
    sql: `
-- The units one package of an NDC holds, entered by a person where the catalog's package
-- description gives none. The catalog wins where it states a size (src/main/catalog/package-units.ts).
CREATE TABLE package_sizes (
  ndc11 TEXT PRIMARY KEY,
  units_per_container INTEGER NOT NULL CHECK (units_per_container >= 1),
  unit TEXT NOT NULL,
  container TEXT,
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  note TEXT
);

-- Receipts committed by version 0.1 with quantity_basis "containers" recorded containers, not
-- units. Their bytes never change; readers convert them through the catalog
-- (src/main/ledger/legacy-basis.ts). This partial index finds the few of them at once.
CREATE INDEX ledger_entries_container_basis ON ledger_entries (ndc, event_time)
  WHERE json_extract(body, '$.data.quantity_basis') = 'containers';

-- A receiving line's dosage unit, and where its units per container came from: the catalog,
-- or a person ("entered by USER") where the catalog gives no package size.
ALTER TABLE receiving_lines ADD COLUMN unit TEXT;
ALTER TABLE receiving_lines ADD COLUMN units_source TEXT;
`,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
