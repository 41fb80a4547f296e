import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LATEST_VERSION, openDatabase } from './open';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

it('a fresh database gets the schema committed beside this test (made by migrations.ts before issue 12 split it), in the same order', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rxl-schema-'));
  const db = openDatabase(join(dir, 'rxledger.db'));
  let text: string;
  try {
    const rows = db.prepare<[], { type: string; name: string; tbl_name: string; sql: string | null }>('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid').all();
    text = [`-- user_version ${String(db.pragma('user_version', { simple: true }))}`, ...rows.map((r) => `-- ${r.type} ${r.name} on ${r.tbl_name}\n${r.sql ?? '(automatic)'};`)].join('\n\n');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
  } finally {
    db.close();
  }
  await expect(text + '\n').toMatchFileSnapshot('./schema.test.golden.txt');
});
