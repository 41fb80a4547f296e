import type { Migration } from './migration';

export const migration: Migration = {
  version: 9,
  name: 'devices: the central server identity key\'s signature over each device record',
  sql: `
-- The central server's Ed25519 signature over (device_id, facility_id, public_key), under the
-- server key pinned at enrollment (sync_state 'server_key'). verify trusts a device's key only
-- through it, never from this table alone (docs/ledger.md). NULL until the server sent it.
ALTER TABLE devices ADD COLUMN server_signature TEXT;
`,
};
