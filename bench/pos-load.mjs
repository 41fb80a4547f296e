// The pharmacy system's side of bench/pos.ts, in a process of its own as at a pharmacy.
// Args: port token rate plan, where plan is a comma list of phases:
//   warm:N  N dispenses one after another (not measured)
//   run:S   S seconds of dispenses at `rate` per second, open loop (each is sent on schedule
//           whether or not the previous one was answered), each answer's latency measured
// Prints one JSON line: [{ phase, elapsed, done: [{ ms, status }] }] for the run phases.
import { Agent, createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [port, token, rateArg, plan] = process.argv.slice(2);
const rate = Number(rateArg);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;

function send(target = { port: Number(port), agent }) {
  const i = next++;
  const body = Buffer.from(
    JSON.stringify({
      transaction_id: `bench-${i}`,
      ndc: '00002-1200-30',
      lot: 'LOT1',
      quantity: 1,
      handler_id: 'tech01',
      occurred_at: '2026-06-01T12:00:00Z',
      patient: { id: `P-${i % 500}`, name: 'Bench Patient', dob: '1970-01-01' },
      metadata: { rx_number: `RX${i}`, register: '3' },
    }),
  );
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        agent: target.agent,
        host: '127.0.0.1',
        port: target.port,
        path: '/pos/v1/dispense',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// The pharmacy system is a long-running process whose HTTP client code is compiled long before
// a station starts; this one is not. So that the first measured answers time the station and
// not this process's first use of node:http, it first sends 200 requests to a server of its own
// (nothing reaches the station).
{
  const own = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"status":"accepted"}'));
  });
  await new Promise((r) => own.listen(0, '127.0.0.1', r));
  const ownAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  for (let i = 0; i < 200; i++) await send({ port: own.address().port, agent: ownAgent });
  ownAgent.destroy();
  await new Promise((r) => own.close(r));
  next = 0;
}

const runs = [];
for (const phase of plan.split(',')) {
  const [kind, arg] = phase.split(':');
  if (kind === 'warm') {
    for (let i = 0; i < Number(arg); i++) await send();
    continue;
  }
  const total = Math.round(rate * Number(arg));
  const results = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    results.push(send());
  }
  const done = await Promise.all(results);
  runs.push({ phase, elapsed: (performance.now() - start) / 1000, done });
}
process.stdout.write(JSON.stringify(runs) + '\n');
agent.destroy();
