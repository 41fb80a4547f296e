// The HTTP floors of bench/pos.ts: a Node HTTP server in a process of its own that reads each
// POST body and answers at once, as the station's POS API would if its work took no time. The
// same client on the same schedule against it gives what this machine's Node, loopback and
// scheduler alone add to an acknowledgment.
// With `--commit FILE N PAGES` it also commits, before each answer, one fsync'd SQLite transaction
// of a dispense's size (PAGES rows, one into each of that many tables, synchronous=FULL, in a
// WAL grown in advance by N commits): what an answer given only after its commit costs with no station code.
// Prints {"port": P} once listening; stops on SIGTERM.
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const fileAt = process.argv.indexOf('--commit');
const FLOOR_PAGES = Number(process.argv[fileAt + 3] ?? 19);
let commit = () => undefined;
let db = null;
if (fileAt > 0) {
  db = new Database(process.argv[fileAt + 1]);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  for (let t = 0; t < FLOOR_PAGES; t++) db.exec(`CREATE TABLE t${t} (id INTEGER PRIMARY KEY, v BLOB)`);
  const inserts = Array.from({ length: FLOOR_PAGES }, (_, t) => db.prepare(`INSERT INTO t${t} (v) VALUES (?)`));
  const row = Buffer.alloc(200, 1);
  commit = db.transaction(() => {
    for (const ins of inserts) ins.run(row);
  });
  // The WAL grown to hold every commit of a run, then restarted: commits overwrite, as the station's do.
  const grow = Number(process.argv[fileAt + 2] ?? 1100);
  for (let i = 0; i < grow; i++) commit();
  db.pragma('wal_checkpoint(RESTART)');
}

const answer = '{"status":"accepted"}';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    commit();
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.once('SIGTERM', () =>
  server.close(() => {
    db?.close();
    process.exit(0);
  }),
);
