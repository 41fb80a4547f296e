import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { DB_FILE } from './files';
import { openDatabase } from './open';
import { WalCheckpointer } from './wal-checkpointer';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** Rows visible in the database file alone, as a copy without its WAL would show them. */
function rowsInMainFile(file: string, table: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'rxl-copy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(file, join(dir, 'copy.db'));
  const db = new Database(join(dir, 'copy.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WAL checkpoints on their own thread', () => {
  it('copies committed entries into the database file while the writer keeps its connection open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxl-ckpt-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'x.db');
    const db = openDatabase(file);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER)');
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 50; i++) ins.run(i);
    // Nothing has checkpointed yet: the rows are only in the WAL.
    expect(() => rowsInMainFile(file, 't')).toThrow(/no such table/);

    const ckpt = new WalCheckpointer(file, { delayMs: 0 });
    cleanups.push(() => ckpt.close());
    expect(ckpt.request()).toBe(true);
    await until(() => ckpt.completed > 0);
    expect(rowsInMainFile(file, 't')).toBe(50);

    ckpt.close();
    db.close();
  });

  it('leaves a closed workstation as one self-contained database file', async () => {
    const t = tempWorkstation({ seed: true });
    let closed = false;
    cleanups.push(() => {
      if (!closed) t.cleanup();
    });
    for (let i = 0; i < 20; i++) t.ws.ledger.appendOne(receipt());
    // The ledger asked for a checkpoint; wait until the worker has started and run it.
    await until(() => t.ws.checkpointer.completed > 0);
    t.ws.ledger.appendOne(receipt());
    const file = join(t.dir, DB_FILE);
    t.ws.close();
    closed = true;
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(rowsInMainFile(file, 'ledger_entries')).toBe(21);
    rmSync(join(t.dir, '..'), { recursive: true, force: true });
  });

  it('reports itself unavailable when its worker cannot open the database, so the ledger checkpoints in its own thread', async () => {
    const ckpt = new WalCheckpointer(join(tmpdir(), 'rxl-no-such-dir', 'x.db'), { delayMs: 0 });
    cleanups.push(() => ckpt.close());
    const warn = console.warn;
    console.warn = () => {};
    cleanups.push(() => (console.warn = warn));
    expect(ckpt.request()).toBe(true);
    await until(() => !ckpt.available);
    expect(ckpt.request()).toBe(false);
  });
});
