import type { Migration } from './migration';

export const migration: Migration = {
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
};
