import type { Migration } from './migration';

export const migration: Migration = {
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
};
