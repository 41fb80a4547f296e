// The SQLite side of the POS bench's floors (bench/pos.ts diskFloor, bench/pos-floor-server.mjs
// --commit): one transaction of `pages` rows, one into each of that many tables, so it writes
// about as many WAL pages as a dispense's commit, with synchronous=FULL as the station commits.
// The WAL is first grown by `grow` commits and then restarted, so the measured commits overwrite
// blocks the file already has, as the station's do after wal-room.ts; no checkpoint runs in the
// window (the station's runs on a thread of its own). Plain JavaScript: the floor server runs
// under node without tsx, so that it carries none of the station's code.

/**
 * @param {typeof import('better-sqlite3')} Database
 * @param {string} file
 * @param {number} pages
 * @param {number} grow
 */
export function floorDb(Database, file, pages, grow) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  for (let t = 0; t < pages; t++) db.exec(`CREATE TABLE t${t} (id INTEGER PRIMARY KEY, v BLOB)`);
  const inserts = Array.from({ length: pages }, (_, t) => db.prepare(`INSERT INTO t${t} (v) VALUES (?)`));
  const row = Buffer.alloc(200, 1);
  const commit = db.transaction(() => {
    for (const ins of inserts) ins.run(row);
  });
  for (let i = 0; i < grow; i++) commit();
  db.pragma('wal_checkpoint(RESTART)');
  return { db, commit: () => commit() };
}
