import type { Store } from './pg-adapter';

/**
 * Central server schema, versioned like the workstation's. Each migration runs once, in a
 * transaction, under an advisory lock, so several server processes starting together against
 * one PostgreSQL apply it exactly once. Never edit a shipped migration: add one.
 */
export interface ServerMigration {
  version: number;
  name: string;
  sql: string;
}

/** Arbitrary constant: the advisory lock key that serializes schema changes. */
const MIGRATION_LOCK = 7_460_301;

export const SERVER_MIGRATIONS: ServerMigration[] = [
  {
    version: 1,
    name: 'facilities, devices, entries, enrollment, auth nonces, reference data, alarms',
    sql: `
CREATE TABLE admin_tokens (
  token_hash TEXT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE facilities (
  facility_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dea_number TEXT NOT NULL,
  address TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Only a hash of the secret half is kept; the id half finds the row.
CREATE TABLE enrollment_codes (
  code_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  facility_id TEXT NOT NULL REFERENCES facilities (facility_id),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL,
  used_at TIMESTAMPTZ,
  used_by_device TEXT
);

-- head_seq/head_hash: the last accepted entry of the device's chain (the outside anchor).
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  facility_id TEXT NOT NULL REFERENCES facilities (facility_id),
  public_key TEXT NOT NULL,
  enrolled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  head_seq BIGINT NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL DEFAULT '${'0'.repeat(64)}',
  last_push_at TIMESTAMPTZ,
  last_seen_at TIMESTAMPTZ,
  -- the device's own head as it last told us: how far behind the server is for it
  reported_head_seq BIGINT,
  flagged BOOLEAN NOT NULL DEFAULT false,
  flag_reason TEXT
);
CREATE INDEX devices_by_facility ON devices (facility_id);

CREATE TABLE entries (
  device_id TEXT NOT NULL REFERENCES devices (device_id),
  seq BIGINT NOT NULL CHECK (seq > 0),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  body TEXT NOT NULL,
  type TEXT NOT NULL,
  facility_id TEXT NOT NULL,
  ndc TEXT,
  lot TEXT,
  delta BIGINT NOT NULL,
  event_time TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, seq)
);
CREATE INDEX entries_by_stock_key ON entries (facility_id, ndc, lot);
CREATE INDEX entries_holds ON entries (type) WHERE type IN ('HOLD_PLACED', 'HOLD_RELEASED');

-- Server-issued, single-use challenges: request authentication needs no synchronized clock.
CREATE TABLE auth_nonces (
  nonce TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_nonces_by_device ON auth_nonces (device_id, expires_at);

-- Reference data owned by the central office. version comes from one sequence taken under an
-- advisory lock, so versions become visible in order and a cursor never skips a row.
CREATE SEQUENCE reference_version;
CREATE TABLE reference_items (
  kind TEXT NOT NULL CHECK (kind IN ('catalog', 'user', 'policy')),
  key TEXT NOT NULL,
  facility_id TEXT,
  version BIGINT NOT NULL,
  doc TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key)
);
CREATE INDEX reference_by_version ON reference_items (version);

CREATE TABLE alarms (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  kind TEXT NOT NULL,
  device_id TEXT,
  facility_id TEXT,
  details TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'pharmacist signatures (Part 11) and the signers\' public keys',
    sql: `
-- A pharmacist's signature over an accepted entry, as pushed by the device that wrote the
-- entry and checked on arrival. id comes from a sequence taken under an advisory lock, so ids
-- become visible in order and a pull cursor never skips a row. Never updated or deleted.
CREATE SEQUENCE signature_id;
CREATE TABLE entry_signatures (
  id BIGINT PRIMARY KEY,
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
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
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (device_id, seq, signer_id),
  FOREIGN KEY (device_id, seq) REFERENCES entries (device_id, seq)
);
CREATE INDEX entry_signatures_by_signer ON entry_signatures (signer_id);

-- Each signer's public key, first seen in a verified signature (which device, when).
CREATE TABLE signing_keys (
  public_key TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  key_id TEXT,
  first_device_id TEXT NOT NULL,
  first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX signing_keys_by_user ON signing_keys (user_id);
`,
  },
  {
    version: 3,
    name: 'the server identity key; its signature over each enrolled device record',
    sql: `
-- The server's Ed25519 identity key (PKCS#8 DER, base64). Workstations pin its public half at
-- enrollment and trust a device's key only when this key signed the device's record, so a row
-- added to a workstation's own database vouches for nothing. One row; made at first start.
CREATE TABLE server_identity (
  id INT PRIMARY KEY CHECK (id = 1),
  private_key TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The identity key's signature over (device_id, facility_id, public_key); NULL for devices
-- enrolled before this migration until the first time they are listed.
ALTER TABLE devices ADD COLUMN server_signature TEXT;
`,
  },
  {
    version: 4,
    name: 'workstation health reported with each push',
    sql: `
-- The last health figures a workstation sent with a push (one row per device, replaced each
-- time). In the database, not in a process, so every server process exposes the same values
-- on /metrics whichever process took the push.
CREATE TABLE device_health (
  device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
  facility_id TEXT NOT NULL REFERENCES facilities (facility_id),
  outbox_depth BIGINT NOT NULL,
  quarantine_open BIGINT NOT NULL,
  pos_p99_ms DOUBLE PRECISION,
  pos_samples BIGINT,
  reported_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 5,
    name: 'console users, their sessions, device decisions and the server audit trail',
    sql: `
-- People of the central office who use the web console. Password as on the workstation
-- (scrypt$N$r$p$salt$hash); failures and the lockout are rows, so every process sees them.
CREATE TABLE console_users (
  user_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('administrator', 'compliance_officer', 'regional_manager')),
  password_hash TEXT NOT NULL,
  failed_attempts INT NOT NULL DEFAULT 0,
  locked_until TIMESTAMPTZ,
  disabled BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Failed sign-ins for user IDs that do not exist, counted like real ones: otherwise "attempts
-- left" and the lockout would tell a guesser which IDs are real.
CREATE TABLE console_unknown_failures (
  user_id TEXT PRIMARY KEY,
  failed_attempts INT NOT NULL DEFAULT 0,
  locked_until TIMESTAMPTZ
);

-- Only a hash of the cookie's token is kept, so a copy of the database signs nobody in.
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES console_users (user_id),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  ended_at TIMESTAMPTZ,
  end_reason TEXT
);

-- A signed decision about a device (clear a fork flag): who, as whom, why, over which flag.
-- Never updated or deleted.
CREATE TABLE device_decisions (
  id BIGSERIAL PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (device_id),
  decision TEXT NOT NULL CHECK (decision IN ('clear')),
  prior_flag_reason TEXT,
  reason TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES console_users (user_id),
  printed_name TEXT NOT NULL,
  role TEXT NOT NULL,
  meaning TEXT NOT NULL,
  signed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Everything done through the console, refusals included. Append-only.
CREATE TABLE server_audit (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  user_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  details TEXT NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'retired devices, suspect counts in health, console-made enrollment codes, alert thresholds, console user management',
    sql: `
-- A retired device is refused for good (push, pull, enrolling again); its accepted entries stay.
ALTER TABLE devices ADD COLUMN retired_at TIMESTAMPTZ;

-- The decision column now takes 'retire' as well as 'clear'.
ALTER TABLE device_decisions DROP CONSTRAINT device_decisions_decision_check;
ALTER TABLE device_decisions ADD CONSTRAINT device_decisions_decision_check CHECK (decision IN ('clear', 'retire'));

-- Open DSCSA suspect investigations as the workstation last reported them; NULL from a
-- workstation that does not report them yet.
ALTER TABLE device_health ADD COLUMN suspect_open BIGINT;

-- Who made a code: a console user's ID, or NULL for the administrator token.
ALTER TABLE enrollment_codes ADD COLUMN created_by TEXT;

-- A temporary password (a new user, a reset) must be changed at the next sign-in.
ALTER TABLE console_users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE console_users ADD COLUMN password_changed_at TIMESTAMPTZ;

-- Alert thresholds: one row for every facility (scope 'global') and rows for single facilities
-- (scope = facility_id) whose non-NULL values override the global ones. NULL: no threshold.
CREATE TABLE alert_thresholds (
  scope TEXT PRIMARY KEY,
  entries_behind BIGINT,
  hours_since_push DOUBLE PRECISION,
  hold_open_hours DOUBLE PRECISION,
  quarantine_open BIGINT,
  suspect_open BIGINT,
  updated_by TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`,
  },
];

export async function migrateServer(store: Store, migrations = SERVER_MIGRATIONS): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new Error(`the database was migrated by a newer RxLedger server (schema ${newest}; this one knows up to ${latest}). Nothing was changed.`);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      // One statement per query() call: the pg extended protocol refuses several at once.
      for (const stmt of splitStatements(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return latest;
  });
}

/** Splits on semicolons at line ends; the migrations hold no function bodies or quoted semicolons. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
