import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import { cli } from '../../testing/run-cli';
import { drugRecordLine } from '../../testing/drug-records';
import { seedDataDir } from '../../testing/seed';

/** The disk fills part-way through a file: a real SQLite file that may grow only a little. */
let maxExtraPages: number | null = null;
vi.mock('../workstation-args', async (importOriginal) => {
  const real = await importOriginal<typeof import('../workstation-args')>();
  return {
    ...real,
    withWorkstation: (dataFlag: string | undefined, io: Parameters<typeof real.withWorkstation>[1], fn: Parameters<typeof real.withWorkstation>[2]) =>
      real.withWorkstation(dataFlag, io, (ws) => {
        if (maxExtraPages !== null) ws.db.pragma(`max_page_count = ${Number(ws.db.pragma('page_count', { simple: true })) + maxExtraPages}`);
        return fn(ws);
      }),
  };
});

let tmp = '';
afterEach(() => {
  maxExtraPages = null;
  rmSync(tmp, { recursive: true, force: true });
});

it('ingest on a full disk says how many records of the file it committed before the failure, and those stay committed', async () => {
  tmp = mkdtempSync(join(tmpdir(), 'rxl-full-'));
  const data = join(tmp, 'ws');
  expect((await cli(['init', '--data', data, '--facility', 'MAIN01', '--json'], 'admin-password-1\n')).code).toBe(0);
  await seedDataDir(cli, data);
  const f = join(tmp, 'many.ndjson');
  writeFileSync(f, Array.from({ length: 3000 }, (_, i) => drugRecordLine({ idempotency_key: `full-${i}`, quantity: 1 + (i % 50) })).join('\n') + '\n');
  maxExtraPages = 700;
  const r = await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n');
  expect(r.code).toBe(6);
  const m = /the disk is full \(SQLITE_FULL\): (\d+) record\(s\) of it committed before the failure/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  const said = Number(m![1]);
  expect(said).toBeGreaterThan(0);
  expect(said).toBeLessThan(3000);
  const db = new Database(join(data, 'rxledger.db'), { readonly: true });
  try {
    expect(db.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE json_extract(body, '$.source.kind') = 'ndjson'").get()).toEqual({ n: said });
  } finally {
    db.close();
  }
});
