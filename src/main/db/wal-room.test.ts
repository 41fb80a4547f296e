import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './open';
import { reserveWalRoom } from './wal-room';

let dir: string;
let db: Db;
const file = () => join(dir, 'rxledger.db');
const walSize = () => statSync(`${file()}-wal`).size;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxl-wal-room-'));
  db = openDatabase(file());
  db.exec('CREATE TABLE IF NOT EXISTS t_probe (v TEXT)');
  db.prepare('INSERT INTO t_probe (v) VALUES (?)').run('committed before');
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reserveWalRoom', () => {
  it('grows the WAL to the checkpoint threshold and changes nothing in the database', () => {
    const before = walSize();
    const cache = db.pragma('cache_size', { simple: true });
    const tables = db.prepare("SELECT name FROM sqlite_master ORDER BY name").pluck().all();
    const size = reserveWalRoom(db);
    const frames = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(before).toBeLessThan(1_000_000);
    expect(size).toBeGreaterThanOrEqual(32 + frames * (pageSize + 24));
    expect(walSize()).toBe(size);
    expect(db.prepare("SELECT name FROM sqlite_master ORDER BY name").pluck().all()).toEqual(tables);
    expect(db.prepare('SELECT v FROM t_probe').pluck().all()).toEqual(['committed before']);
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('cache_size', { simple: true })).toBe(cache);
  });

  it('later commits write over the reserved room without growing the file, and survive a crash', () => {
    const size = reserveWalRoom(db);
    const ins = db.prepare('INSERT INTO t_probe (v) VALUES (?)');
    for (let i = 0; i < 200; i++) ins.run(`after ${i}`);
    expect(walSize()).toBe(size);
    // A crash: copy the files while the connection is still open, and open the copy.
    const crashed = join(dir, 'crashed.db');
    copyFileSync(file(), crashed);
    copyFileSync(`${file()}-wal`, `${crashed}-wal`);
    const other = new Database(crashed);
    try {
      expect(other.prepare('SELECT COUNT(*) FROM t_probe').pluck().get()).toBe(201);
      expect(other.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'rxledger_wal_room'").pluck().get()).toBe(0);
      expect(other.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      other.close();
    }
  });

  it('does nothing while another connection holds the write lock', () => {
    const other = new Database(file());
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    db.pragma('busy_timeout = 0');
    try {
      const before = walSize();
      reserveWalRoom(db);
      expect(walSize()).toBe(before);
      expect(db.inTransaction).toBe(false);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('leaves a closed folder as one database file, as before', () => {
    reserveWalRoom(db);
    db.close();
    expect(existsSync(`${file()}-wal`)).toBe(false);
  });
});
