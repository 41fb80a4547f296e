import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEntry } from '../main/ledger/append';
import { Workstation, type OpenOptions } from '../main/workstation';
import { seedWorkstation, type SeedOptions } from './seed';

export { seedWorkstation, seedDataDir, addUserByCli, TEST_ADMIN_PASSWORD, TEST_CATALOG, TEST_HANDLERS, TEST_NDCS, UNKNOWN_TEST_NDC } from './seed';

/**
 * A real workstation in a temporary folder: real SQLite file, real key file. Its ingestion gate
 * has the strict defaults of a real workstation (an empty catalog, no handler users): pass
 * `seed: true` (or SeedOptions) to import the test catalog and create the fixtures' handlers
 * (src/testing/seed.ts), or call `seedWorkstation(ws)`.
 */
export function tempWorkstation(opts: OpenOptions & { facility?: string; seed?: boolean | SeedOptions } = {}): { ws: Workstation; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rxl-'));
  const ws = Workstation.init(join(dir, 'ws'), opts.facility ?? 'MAIN01', opts);
  if (opts.seed) seedWorkstation(ws, opts.seed === true ? {} : opts.seed);
  return {
    ws,
    dir: join(dir, 'ws'),
    cleanup: () => {
      ws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A plausible receipt; override what the test is about. */
export function receipt(over: Partial<NewEntry> = {}): NewEntry {
  counter++;
  return {
    type: 'RECEIPT',
    facility_id: 'MAIN01',
    ndc: '00002-1200-30',
    lot: 'LOT1',
    serial: null,
    expiry: '2027-12-31',
    schedule: 'CII',
    quantity: 100,
    delta: 100,
    event_time: '2026-11-01T10:00:00.000Z',
    actor: 'tech01',
    source: { kind: 'cli', payload_sha256: null, correlation_id: `test-${counter}` },
    ...over,
  };
}
