/**
 * Central server at scale: `npx tsx bench/server-scale.ts` (about a minute by default).
 * Two `rxledger server` processes on one PostgreSQL (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test — a scratch database is made and dropped), and 200
 * simulated workstations, each with its own Ed25519 key, enrolled with its own one-time code.
 * Each pushes its chain in batches and pulls after every push, with every request going to the
 * other process than the one before (the challenge is issued by one process and spent at the
 * other), as behind a round-robin proxy. Prints entries/s, push and pull p50/p99, and the
 * Ed25519 verify rate of one core measured in the same run: the limit a server process is
 * bound by, times the cores the processes can use. Nothing is asserted.
 *
 * BENCH_WORKSTATIONS (200), BENCH_FACILITIES (100), BENCH_ROUNDS (10), BENCH_BATCH (25).
 */
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ledgerCrypto as serverCrypto } from '../src/server/crypto';
import { canonicalJson } from '../src/shared/ledger/canonical';
import { bytesToBase64 } from '../src/shared/ledger/encoding';
import { entryHash, GENESIS_PREV_HASH } from '../src/shared/ledger/hash';
import { enrollProof } from '../src/shared/sync/proofs';
import { enrollSigningString, HEADERS, parseEnrollmentCode, requestSigningString, type WireEntry } from '../src/shared/sync/protocol';
import { sha256Hex } from '../src/server/crypto';
import { addFacility, cleanupAll, enrollmentCode, prepareServer, scratchPostgres, spawnServer } from '../test/sync-faults/helpers';

const WORKSTATIONS = Number(process.env.BENCH_WORKSTATIONS ?? 200);
// Two workstations per pharmacy by default: each pulls its sibling's entries, as in a real chain.
const FACILITIES = Number(process.env.BENCH_FACILITIES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 25);
const log = (s: string) => process.stdout.write(s + '\n');

interface Sim {
  deviceId: string;
  facilityId: string;
  privateKey: KeyObject;
  publicKeyRaw: string;
  entries: WireEntry[];
  held: Record<string, number>;
}

const rawPublicKey = (k: KeyObject) => {
  const spki = k.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
};

/** A chain of receipts, signed by the device key, exactly as a workstation would push it. */
function chain(sim: Omit<Sim, 'entries' | 'held'>, n: number): WireEntry[] {
  const out: WireEntry[] = [];
  let prev = GENESIS_PREV_HASH;
  const t0 = Date.UTC(2026, 0, 1);
  for (let seq = 1; seq <= n; seq++) {
    const at = new Date(t0 + seq * 1000).toISOString();
    const body = canonicalJson({
      v: 1,
      device_id: sim.deviceId,
      seq,
      type: 'RECEIPT',
      facility_id: sim.facilityId,
      ndc: '00002-1200-30',
      lot: 'LOT1',
      serial: null,
      expiry: '2030-01-31',
      schedule: 'CII',
      quantity: 10,
      delta: 10,
      event_time: at,
      recorded_at: at,
      actor: 'tech1',
      corrects: null,
      idempotency_key: null,
      source: { kind: 'cli', payload_sha256: null, correlation_id: `${sim.deviceId}-${seq}` },
      data: {},
    });
    const hash = entryHash(serverCrypto, prev, body);
    out.push({ device_id: sim.deviceId, seq, prev_hash: prev, hash, signature: sign(null, Buffer.from(hash, 'hex'), sim.privateKey).toString('base64'), body });
    prev = hash;
  }
  return out;
}

/** Connection-level failures retried, as a workstation's sync retries them; counted and printed. */
const retried: Record<string, number> = {};
async function withRetry<T>(what: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await what();
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      if (!(err instanceof TypeError) || attempt >= 5) throw err;
      const why = cause?.code ?? cause?.message ?? err.message;
      retried[why] = (retried[why] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return withRetry(async () => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  });
}

/** Challenge from one process, the signed request to the other. */
async function signed(urls: string[], turn: number, sim: Sim, path: string, body: unknown): Promise<Record<string, unknown>> {
  const c = await post(urls[turn % urls.length]!, '/v1/auth/challenge', { device_id: sim.deviceId });
  if (c.status !== 200) throw new Error(`challenge: ${c.status} ${JSON.stringify(c.json)}`);
  const nonce = c.json.nonce as string;
  const text = JSON.stringify(body);
  const sig = sign(null, Buffer.from(requestSigningString('POST', path, sha256Hex(text), sim.deviceId, nonce), 'utf8'), sim.privateKey).toString('base64');
  const r = await post(urls[(turn + 1) % urls.length]!, path, text, { [HEADERS.device]: sim.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
};

/** Ed25519 verifies per second on one core, over entry hashes like the ones pushed. */
function verifyRate(sims: Sim[]): number {
  const sample = sims.flatMap((s) => s.entries.slice(0, 50).map((e) => ({ e, key: s.privateKey })));
  const keys = new Map(sims.map((s) => [s.deviceId, serverCrypto.ed25519PublicKey(Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(s.publicKeyRaw, 'base64')]))]));
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 2000) {
    for (const { e } of sample) {
      if (!verify(null, Buffer.from(e.hash, 'hex'), keys.get(e.device_id)!, Buffer.from(e.signature, 'base64'))) throw new Error('bench entry does not verify');
      n++;
    }
  }
  return Math.round((n / (performance.now() - t0)) * 1000);
}

async function main() {
  const cores = cpus().length;
  log(`RxLedger server scale bench — node ${process.version}, ${cores} CPU(s), 1-min load ${loadavg()[0]!.toFixed(2)} at start`);
  log(`${WORKSTATIONS} simulated workstations in ${FACILITIES} facilities, 2 server processes on one PostgreSQL; ${ROUNDS} rounds of push ${BATCH} entries + pull each`);
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  process.env.DATABASE_URL = base;
  const storage = { databaseUrl: await scratchPostgres() };
  const token = await prepareServer(storage);
  const servers = [await spawnServer(storage), await spawnServer(storage)];
  const urls = servers.map((s) => s.url);
  log(`servers: ${servers.map((s) => `${s.url} (pid ${s.pid})`).join(', ')}`);

  const facilities = Array.from({ length: FACILITIES }, (_, i) => `SC${String(i).padStart(4, '0')}`);
  for (const f of facilities) await addFacility(urls[0]!, token, f);

  let t = performance.now();
  const sims: Sim[] = [];
  for (let i = 0; i < WORKSTATIONS; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const base = { deviceId: `dev-bench-${i}`, facilityId: facilities[i % FACILITIES]!, privateKey, publicKeyRaw: rawPublicKey(publicKey) };
    sims.push({ ...base, entries: chain(base, ROUNDS * BATCH), held: {} });
  }
  log(`made ${sims.length} keys and ${sims.length * ROUNDS * BATCH} signed entries in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  await Promise.all(
    sims.map(async (sim, i) => {
      const code = parseEnrollmentCode(await withRetry(() => enrollmentCode(urls[i % 2]!, token, sim.facilityId)))!;
      const m = { code_id: code.codeId, device_id: sim.deviceId, facility_id: sim.facilityId, public_key: sim.publicKeyRaw };
      const message = enrollSigningString(m);
      const r = await post(urls[(i + 1) % 2]!, '/v1/enroll', {
        ...m,
        proof: enrollProof(serverCrypto, sha256Hex(code.secret), message),
        signature: bytesToBase64(sign(null, Buffer.from(message, 'utf8'), sim.privateKey)),
      });
      if (r.status !== 200) throw new Error(`enroll: ${r.status} ${JSON.stringify(r.json)}`);
    }),
  );
  log(`enrolled ${sims.length} workstations (code from one process, enrollment at the other) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const pushMs: number[] = [];
  const pullMs: number[] = [];
  let pulled = 0;
  t = performance.now();
  await Promise.all(
    sims.map(async (sim, i) => {
      for (let round = 0; round < ROUNDS; round++) {
        const turn = i + round;
        let t0 = performance.now();
        await signed(urls, turn, sim, '/v1/push', { entries: sim.entries.slice(round * BATCH, (round + 1) * BATCH), local_head_seq: ROUNDS * BATCH });
        pushMs.push(performance.now() - t0);
        t0 = performance.now();
        const p = await signed(urls, turn + 1, sim, '/v1/pull', { reference_cursor: 0, devices: sim.held, limit: 2000 });
        pullMs.push(performance.now() - t0);
        for (const e of p.entries as WireEntry[]) sim.held[e.device_id] = Math.max(sim.held[e.device_id] ?? 0, e.seq);
        pulled += (p.entries as WireEntry[]).length;
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  const pushed = sims.length * ROUNDS * BATCH;
  const loadDuring = loadavg()[0]!;
  for (const s of servers) await s.stop();
  const verifies = verifyRate(sims);
  const usable = Math.min(2, cores);
  const rate = Math.round(pushed / seconds);
  log('');
  log(`entries accepted                 ${pushed} in ${seconds.toFixed(1)} s = ${rate} entries/s (pushed; ${pulled} sibling entries pulled besides)`);
  log(`entries moved (pushed + pulled) ${Math.round((pushed + pulled) / seconds)} entries/s`);
  log(`push p50 / p99 (signed request)  ${pct(pushMs, 50).toFixed(1)} / ${pct(pushMs, 99).toFixed(1)} ms   (${pushMs.length} pushes of ${BATCH}, challenge excluded)`);
  log(`pull p50 / p99 (signed request)  ${pct(pullMs, 50).toFixed(1)} / ${pct(pullMs, 99).toFixed(1)} ms   (${pullMs.length} pulls)`);
  log(`limit: Ed25519 verify, one core  ${verifies} /s, measured in this run after the load`);
  log(`limit for 2 processes on ${cores} core(s): ${usable} × ${verifies} = ${usable * verifies} entries/s; ratio ${(rate / (usable * verifies)).toFixed(2)}`);
  log(`connection-level retries: ${Object.keys(retried).length ? Object.entries(retried).map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}`);
  log(`1-min load ${loadDuring.toFixed(2)} at the end of the load (the bench's own client, PostgreSQL and both servers share these cores)`);
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
