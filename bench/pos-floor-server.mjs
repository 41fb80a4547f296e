// The HTTP floor of bench/pos.ts: a Node HTTP server in a process of its own that reads each
// POST body and answers at once, as the station's POS API would if its work took no time. The
// same client on the same schedule against it gives what this machine's Node, loopback and
// scheduler alone add to an acknowledgment. Prints {"port": P} once listening; stops on SIGTERM.
import { createServer } from 'node:http';

const answer = '{"status":"accepted"}';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
