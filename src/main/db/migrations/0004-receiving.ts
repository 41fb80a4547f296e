import { appendOnly, type Migration } from './migration';

export const migration: Migration = {
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
};
