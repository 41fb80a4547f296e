-- user_version 8

-- table meta on meta
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- index sqlite_autoindex_meta_1 on meta
(automatic);

-- table devices on devices
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  is_local INTEGER NOT NULL CHECK (is_local IN (0, 1)),
  added_at TEXT NOT NULL
);

-- index sqlite_autoindex_devices_1 on devices
(automatic);

-- table ledger_entries on ledger_entries
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

-- index sqlite_autoindex_ledger_entries_1 on ledger_entries
(automatic);

-- index ledger_by_ndc on ledger_entries
CREATE INDEX ledger_by_ndc ON ledger_entries (ndc, event_time);

-- index ledger_by_stock_key on ledger_entries
CREATE INDEX ledger_by_stock_key ON ledger_entries (facility_id, ndc, lot);

-- trigger ledger_entries_no_update on ledger_entries
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: write a correction entry instead'); END;

-- trigger ledger_entries_no_delete on ledger_entries
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only: write a correction entry instead'); END;

-- table stock on stock
CREATE TABLE stock (
  facility_id TEXT NOT NULL,
  ndc TEXT NOT NULL,
  lot TEXT NOT NULL DEFAULT '',
  schedule TEXT,
  on_hand INTEGER NOT NULL,
  last_event_time TEXT NOT NULL,
  PRIMARY KEY (facility_id, ndc, lot)
);

-- index sqlite_autoindex_stock_1 on stock
(automatic);

-- table idempotency on idempotency
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  fingerprint TEXT
);

-- index sqlite_autoindex_idempotency_1 on idempotency
(automatic);

-- table outbox on outbox
CREATE TABLE outbox (
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
);

-- index sqlite_autoindex_outbox_1 on outbox
(automatic);

-- table users on users
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

-- index sqlite_autoindex_users_1 on users
(automatic);

-- table audit_log on audit_log
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

-- index audit_by_action on audit_log
CREATE INDEX audit_by_action ON audit_log (action, at);

-- trigger audit_log_no_update on audit_log
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: audit records are never changed'); END;

-- trigger audit_log_no_delete on audit_log
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: audit records are never changed'); END;

-- table quarantine on quarantine
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

-- trigger quarantine_no_delete on quarantine
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine items are never deleted: reject them with a reason'); END;

-- trigger quarantine_no_update on quarantine
CREATE TRIGGER quarantine_no_update BEFORE UPDATE ON quarantine
BEGIN SELECT RAISE(ABORT, 'quarantine items are kept as received: decisions are separate records'); END;

-- table quarantine_decisions on quarantine_decisions
CREATE TABLE quarantine_decisions (
  id INTEGER PRIMARY KEY,
  quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),
  decision TEXT NOT NULL CHECK (decision IN ('replayed', 'rejected')),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  entry_ref TEXT
);

-- trigger quarantine_decisions_no_update on quarantine_decisions
CREATE TRIGGER quarantine_decisions_no_update BEFORE UPDATE ON quarantine_decisions
BEGIN SELECT RAISE(ABORT, 'quarantine_decisions is append-only: a decision is final'); END;

-- trigger quarantine_decisions_no_delete on quarantine_decisions
CREATE TRIGGER quarantine_decisions_no_delete BEFORE DELETE ON quarantine_decisions
BEGIN SELECT RAISE(ABORT, 'quarantine_decisions is append-only: a decision is final'); END;

-- table settings on settings
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- index sqlite_autoindex_settings_1 on settings
(automatic);

-- table catalog_imports on catalog_imports
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

-- trigger catalog_imports_no_delete on catalog_imports
CREATE TRIGGER catalog_imports_no_delete BEFORE DELETE ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports records what was imported: rows are never deleted'); END;

-- trigger catalog_imports_fixed on catalog_imports
CREATE TRIGGER catalog_imports_fixed BEFORE UPDATE OF id, file_name, format, sha256, bytes, imported_at, imported_by ON catalog_imports
BEGIN SELECT RAISE(ABORT, 'catalog_imports: the file, its hash and who imported it are never changed'); END;

-- table catalog_products on catalog_products
CREATE TABLE catalog_products (
  product_key TEXT PRIMARY KEY,
  product_id TEXT,
  data TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES catalog_imports (id)
);

-- index sqlite_autoindex_catalog_products_1 on catalog_products
(automatic);

-- table catalog_packages on catalog_packages
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

-- index sqlite_autoindex_catalog_packages_1 on catalog_packages
(automatic);

-- index catalog_packages_by_product on catalog_packages
CREATE INDEX catalog_packages_by_product ON catalog_packages (product_key);

-- table sync_state on sync_state
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- index sqlite_autoindex_sync_state_1 on sync_state
(automatic);

-- table sync_reference on sync_reference
CREATE TABLE sync_reference (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  facility_id TEXT,
  version INTEGER NOT NULL,
  doc TEXT,
  PRIMARY KEY (kind, key)
);

-- index sqlite_autoindex_sync_reference_1 on sync_reference
(automatic);

-- table receiving_shipments on receiving_shipments
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

-- trigger receiving_shipments_no_update on receiving_shipments
CREATE TRIGGER receiving_shipments_no_update BEFORE UPDATE ON receiving_shipments
BEGIN SELECT RAISE(ABORT, 'receiving_shipments is append-only: an imported document is kept as received'); END;

-- trigger receiving_shipments_no_delete on receiving_shipments
CREATE TRIGGER receiving_shipments_no_delete BEFORE DELETE ON receiving_shipments
BEGIN SELECT RAISE(ABORT, 'receiving_shipments is append-only: an imported document is kept as received'); END;

-- table receiving_sessions on receiving_sessions
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

-- index sqlite_autoindex_receiving_sessions_1 on receiving_sessions
(automatic);

-- table receiving_lines on receiving_lines
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
  serials TEXT NOT NULL DEFAULT '[]', unit TEXT, units_source TEXT,
  UNIQUE (session_id, line_no)
);

-- index sqlite_autoindex_receiving_lines_1 on receiving_lines
(automatic);

-- index receiving_lines_by_gtin on receiving_lines
CREATE INDEX receiving_lines_by_gtin ON receiving_lines (session_id, gtin);

-- table receiving_packs on receiving_packs
CREATE TABLE receiving_packs (
  session_id TEXT NOT NULL REFERENCES receiving_sessions (id),
  key TEXT NOT NULL,
  children TEXT NOT NULL,
  items TEXT NOT NULL,
  received_scan_id INTEGER,
  PRIMARY KEY (session_id, key)
);

-- index sqlite_autoindex_receiving_packs_1 on receiving_packs
(automatic);

-- table receiving_scans on receiving_scans
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

-- index receiving_scans_by_session on receiving_scans
CREATE INDEX receiving_scans_by_session ON receiving_scans (session_id, id);

-- trigger receiving_scans_no_update on receiving_scans
CREATE TRIGGER receiving_scans_no_update BEFORE UPDATE ON receiving_scans
BEGIN SELECT RAISE(ABORT, 'receiving_scans is append-only: scans are kept as read'); END;

-- trigger receiving_scans_no_delete on receiving_scans
CREATE TRIGGER receiving_scans_no_delete BEFORE DELETE ON receiving_scans
BEGIN SELECT RAISE(ABORT, 'receiving_scans is append-only: scans are kept as read'); END;

-- table receiving_units on receiving_units
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

-- index receiving_units_by_session on receiving_units
CREATE INDEX receiving_units_by_session ON receiving_units (session_id, line_id);

-- index receiving_units_by_serial on receiving_units
CREATE INDEX receiving_units_by_serial ON receiving_units (gtin, serial);

-- table dscsa_serials on dscsa_serials
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

-- index sqlite_autoindex_dscsa_serials_1 on dscsa_serials
(automatic);

-- trigger dscsa_serials_no_update on dscsa_serials
CREATE TRIGGER dscsa_serials_no_update BEFORE UPDATE ON dscsa_serials
BEGIN SELECT RAISE(ABORT, 'dscsa_serials is append-only: a received serial stays on record'); END;

-- trigger dscsa_serials_no_delete on dscsa_serials
CREATE TRIGGER dscsa_serials_no_delete BEFORE DELETE ON dscsa_serials
BEGIN SELECT RAISE(ABORT, 'dscsa_serials is append-only: a received serial stays on record'); END;

-- table pos_requests on pos_requests
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

-- index sqlite_autoindex_pos_requests_1 on pos_requests
(automatic);

-- trigger pos_requests_no_update on pos_requests
CREATE TRIGGER pos_requests_no_update BEFORE UPDATE ON pos_requests
BEGIN SELECT RAISE(ABORT, 'pos_requests is append-only: the first answer to a POS transaction is final'); END;

-- trigger pos_requests_no_delete on pos_requests
CREATE TRIGGER pos_requests_no_delete BEFORE DELETE ON pos_requests
BEGIN SELECT RAISE(ABORT, 'pos_requests is append-only: the first answer to a POS transaction is final'); END;

-- table phi_records on phi_records
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

-- index phi_by_token on phi_records
CREATE INDEX phi_by_token ON phi_records (token);

-- index phi_by_ref on phi_records
CREATE INDEX phi_by_ref ON phi_records (ref);

-- trigger phi_records_no_update on phi_records
CREATE TRIGGER phi_records_no_update BEFORE UPDATE ON phi_records
BEGIN SELECT RAISE(ABORT, 'phi_records is append-only: PHI records are kept as written'); END;

-- trigger phi_records_no_delete on phi_records
CREATE TRIGGER phi_records_no_delete BEFORE DELETE ON phi_records
BEGIN SELECT RAISE(ABORT, 'phi_records is append-only: PHI records are kept as written'); END;

-- table pos_metadata on pos_metadata
CREATE TABLE pos_metadata (
  transaction_id TEXT PRIMARY KEY,
  written_at TEXT NOT NULL,
  metadata TEXT NOT NULL
);

-- index sqlite_autoindex_pos_metadata_1 on pos_metadata
(automatic);

-- index quarantine_by_received on quarantine
CREATE INDEX quarantine_by_received ON quarantine (received_at);

-- index quarantine_by_sha256 on quarantine
CREATE INDEX quarantine_by_sha256 ON quarantine (sha256);

-- index ledger_by_recorded on ledger_entries
CREATE INDEX ledger_by_recorded ON ledger_entries (recorded_at);

-- index ledger_by_type on ledger_entries
CREATE INDEX ledger_by_type ON ledger_entries (type, facility_id, ndc);

-- table tolerance_policies on tolerance_policies
CREATE TABLE tolerance_policies (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  rules TEXT NOT NULL
);

-- trigger tolerance_policies_no_update on tolerance_policies
CREATE TRIGGER tolerance_policies_no_update BEFORE UPDATE ON tolerance_policies
BEGIN SELECT RAISE(ABORT, 'tolerance_policies is append-only: a new policy is a new version'); END;

-- trigger tolerance_policies_no_delete on tolerance_policies
CREATE TRIGGER tolerance_policies_no_delete BEFORE DELETE ON tolerance_policies
BEGIN SELECT RAISE(ABORT, 'tolerance_policies is append-only: a new policy is a new version'); END;

-- table stock_locations on stock_locations
CREATE TABLE stock_locations (
  facility_id TEXT NOT NULL,
  ndc TEXT NOT NULL,
  location TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (facility_id, ndc)
);

-- index sqlite_autoindex_stock_locations_1 on stock_locations
(automatic);

-- table count_sessions on count_sessions
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

-- index sqlite_autoindex_count_sessions_1 on count_sessions
(automatic);

-- index count_sessions_by_status on count_sessions
CREATE INDEX count_sessions_by_status ON count_sessions (status, created_at);

-- table user_signing_keys on user_signing_keys
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

-- index sqlite_autoindex_user_signing_keys_1 on user_signing_keys
(automatic);

-- index user_signing_keys_active on user_signing_keys
CREATE UNIQUE INDEX user_signing_keys_active ON user_signing_keys (user_id) WHERE retired_at IS NULL;

-- trigger user_signing_keys_no_delete on user_signing_keys
CREATE TRIGGER user_signing_keys_no_delete BEFORE DELETE ON user_signing_keys
BEGIN SELECT RAISE(ABORT, 'signing keys are retired, never deleted: old signatures must stay verifiable'); END;

-- table entry_signatures on entry_signatures
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

-- index sqlite_autoindex_entry_signatures_1 on entry_signatures
(automatic);

-- index entry_signatures_by_hash on entry_signatures
CREATE INDEX entry_signatures_by_hash ON entry_signatures (entry_hash);

-- trigger entry_signatures_no_update on entry_signatures
CREATE TRIGGER entry_signatures_no_update BEFORE UPDATE ON entry_signatures
BEGIN SELECT RAISE(ABORT, 'entry_signatures is append-only: a signature is never changed or removed'); END;

-- trigger entry_signatures_no_delete on entry_signatures
CREATE TRIGGER entry_signatures_no_delete BEFORE DELETE ON entry_signatures
BEGIN SELECT RAISE(ABORT, 'entry_signatures is append-only: a signature is never changed or removed'); END;

-- table sync_users on sync_users
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

-- index sqlite_autoindex_sync_users_1 on sync_users
(automatic);

-- table package_sizes on package_sizes
CREATE TABLE package_sizes (
  ndc11 TEXT PRIMARY KEY,
  units_per_container INTEGER NOT NULL CHECK (units_per_container >= 1),
  unit TEXT NOT NULL,
  container TEXT,
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  note TEXT
);

-- index sqlite_autoindex_package_sizes_1 on package_sizes
(automatic);

-- index ledger_entries_container_basis on ledger_entries
CREATE INDEX ledger_entries_container_basis ON ledger_entries (ndc, event_time)
  WHERE json_extract(body, '$.data.quantity_basis') = 'containers';
