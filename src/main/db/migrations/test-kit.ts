import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../open';
import { MIGRATIONS } from '.';
import type { Migration } from './migration';

/** For the tests of the migrations (NNNN-what.test.ts): real SQLite files in a temporary folder. */

interface Schema {
  columns: Map<string, string[]>;
  indexes: string[];
  triggers: string[];
}

/** What a migration added: new tables, the columns of new and altered tables, indexes and triggers, in the order SQLite created them. */
export interface Added {
  tables: string[];
  columns: Record<string, string[]>;
  indexes: string[];
  triggers: string[];
}

function schemaOf(db: Database.Database): Schema {
  const objects = db.prepare<[], { type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
  const names = (type: string) => objects.filter((o) => o.type === type).map((o) => o.name);
  const columns = new Map(names('table').map((t) => [t, db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${t}')`).all().map((c) => c.name)]));
  return { columns, indexes: names('index'), triggers: names('trigger') };
}

/**
 * A database file migrated up to the version before `m` (by version number, as openDatabase
 * orders them), then opened with `m` as well so openDatabase applies it: the connection, and
 * what `m` added. Closed and removed when the test ends.
 */
export function applyMigration(m: Migration): { db: Db; added: Added } {
  const dir = mkdtempSync(join(tmpdir(), `rxl-migration-${m.version}-`));
  const file = join(dir, 'rxledger.db');
  const earlier = MIGRATIONS.filter((x) => x.version < m.version);
  openDatabase(file, { migrations: earlier }).close();
  const plain = new Database(file, { readonly: true });
  const before = schemaOf(plain);
  const version = plain.pragma('user_version', { simple: true }) as number;
  plain.close();
  expect(version).toBe(Math.max(0, ...earlier.map((x) => x.version)));

  const db = openDatabase(file, { migrations: [...earlier, m] });
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  expect(db.pragma('user_version', { simple: true })).toBe(m.version);
  const after = schemaOf(db);
  const columns: Record<string, string[]> = {};
  for (const [table, cols] of after.columns) {
    const added = cols.filter((c) => !before.columns.get(table)?.includes(c));
    if (added.length) columns[table] = added;
  }
  return {
    db,
    added: {
      tables: [...after.columns.keys()].filter((t) => !before.columns.has(t)),
      columns,
      indexes: after.indexes.filter((i) => !before.indexes.includes(i)),
      triggers: after.triggers.filter((t) => !before.triggers.includes(t)),
    },
  };
}

/** Inserts one row (column → value). */
export function insertRow(db: Db, table: string, row: Record<string, unknown>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

/** The message SQLite refused a statement with, or null when it ran. */
export function refusal(db: Db, sql: string): string | null {
  try {
    db.prepare(sql).run();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Inserts `row` into an append-only table, then checks that updating or deleting it is refused, saying why, and the row is still there as written. */
export function expectAppendOnly(db: Db, table: string, row: Record<string, unknown>, why: string): void {
  insertRow(db, table, row);
  const [column] = Object.keys(row);
  expect(refusal(db, `UPDATE ${table} SET ${column} = ${column}`)).toBe(`${table} is append-only: ${why}`);
  expect(refusal(db, `DELETE FROM ${table}`)).toBe(`${table} is append-only: ${why}`);
  expect(db.prepare(`SELECT * FROM ${table}`).all()).toEqual([expect.objectContaining(row)]);
}
