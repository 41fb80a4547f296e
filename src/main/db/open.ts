import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { privateDatabaseFile } from '../private-files';

export type Db = Database.Database;

export class DatabaseVersionError extends Error {}
export class DatabaseLockedError extends Error {}

export interface OpenOptions {
  readonly?: boolean;
  /** For tests of the upgrade path; production always migrates to the latest. */
  migrations?: Migration[];
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a workstation database: WAL, synchronous=FULL so a commit that
 * returned is on disk (the ledger is a legal record), foreign keys on, migrations applied.
 * A database written by a newer RxLedger is refused before anything is changed.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (!opts.readonly) privateDatabaseFile(file);
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? (Number(process.env.RXLEDGER_BUSY_TIMEOUT_MS) || 5000)}`);
    const migrations = opts.migrations ?? MIGRATIONS;
    const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) {
      throw new DatabaseVersionError(
        `${file} was written by a newer RxLedger (database version ${current}; this version of RxLedger knows up to ${latest}). ` +
          'Install the newer RxLedger to open it. Nothing was changed.',
      );
    }
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // A checkpoint copies the WAL back into the database file and fsyncs it, inside whichever
      // commit crosses the threshold. At SQLite's default (1000 pages, ~100 single ledger appends)
      // that is about 1% of appends, i.e. the p99. With 8000 pages (32 MB) it is about one append
      // in 800; the ledger also checkpoints when idle (Ledger.checkpointWhenIdle), so the WAL
      // rarely gets near it. Durability is unchanged: every commit is fsynced in the WAL.
      db.pragma('wal_autocheckpoint = 8000');
      db.pragma('foreign_keys = ON');
      // Savepoints (one per request inside a group commit, one per entry inside a batch) keep
      // their undo pages in a statement journal: a temp file created, written and unlinked on
      // every transaction unless it lives in memory. It only ever undoes a savepoint; the WAL
      // is what makes a commit durable.
      db.pragma('temp_store = MEMORY');
      migrate(db, migrations, current);
    }
    return db;
  } catch (err) {
    db.close();
    throw translateSqliteError(err, file);
  }
}

function migrate(db: Db, migrations: Migration[], current: number): void {
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** SQLite's terse codes, turned into what a person at the counter can act on. */
export function translateSqliteError(err: unknown, file: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new DatabaseLockedError(
      `${file} is locked by another program (another RxLedger window or command is writing). Close it and try again; nothing was lost.`,
    );
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new Error(`${file} is not a readable RxLedger database (${(err as Error).message}). Run "rxledger verify" and restore from the central server if needed.`);
  }
  return err;
}

export { LATEST_VERSION };
