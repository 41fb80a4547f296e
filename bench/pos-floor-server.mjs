// The HTTP floors of bench/pos.ts: a Node HTTP server in a process of its own that reads each
// POST body and answers at once, as the station's POS API would if its work took no time. The
// same client on the same schedule against it gives what this machine's Node, loopback and
// scheduler alone add to an acknowledgment.
// With `--commit FILE GROW PAGES` it first commits, before each answer, one fsync'd SQLite
// transaction of a dispense's size (bench/floor-db.mjs): then it is the floor of any station in
// Node that answers only after its commit, with none of the station's own work.
// Prints {"port": P} once listening; stops on SIGTERM.
import { createServer } from 'node:http';

const at = process.argv.indexOf('--commit');
let floor = null;
if (at > 0) {
  // Loaded only here: the HTTP-alone floor carries no native module.
  const [{ default: Database }, { floorDb }] = await Promise.all([import('better-sqlite3'), import('./floor-db.mjs')]);
  floor = floorDb(Database, process.argv[at + 1], Number(process.argv[at + 3]), Number(process.argv[at + 2]));
}

const answer = '{"status":"accepted"}';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    floor?.commit();
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.once('SIGTERM', () =>
  server.close(() => {
    floor?.db.close();
    process.exit(0);
  }),
);
