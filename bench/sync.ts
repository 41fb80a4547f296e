/**
 * Sync benchmark: `npx tsx bench/sync.ts` (about two minutes).
 * 1. A 100,000-entry backlog drained by the outbox worker's code (syncOnce, batches of 500)
 *    into a real server process on PGlite, and on PostgreSQL when DATABASE_URL is set.
 * 2. Server ingest per second on PostgreSQL with several devices pushing at once, beside the
 *    Ed25519 verify rate (and the full per-entry check) measured in the same run: the figure,
 *    the limit, the ratio.
 * Numbers go to stdout; nothing is asserted.
 */
import type { KeyObject } from 'node:crypto';
import { cpSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { SyncClient } from '../src/main/sync/http-client';
import { Workstation } from '../src/main/workstation';
import { ledgerCrypto as serverCrypto } from '../src/server/crypto';
import { checkEntry } from '../src/shared/ledger/entry-check';
import { verifyHashSignature } from '../src/shared/ledger/hash';
import { PushResponse, type WireEntry } from '../src/shared/sync/protocol';
import {
  addFacility,
  appendEntries,
  cleanupAll,
  enrollmentCode,
  prepareServer,
  scratchPostgres,
  spawnServer,
  tempDir,
  uniqueFacilityId,
} from '../test/sync-faults/helpers';
import type { StorageChoice } from '../src/server/run';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const INGEST_DEVICES = 4;
const INGEST_PER_DEVICE = Number(process.env.BENCH_INGEST_PER_DEVICE ?? 5_000);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const log = (s: string) => process.stdout.write(s + '\n');

async function drain(label: string, storage: StorageChoice, backlogDir: string): Promise<number> {
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  const facility = 'BENCH1';
  await addFacility(server.url, token, facility);
  // A copy of the backlog, so each storage drains the same 100,000 entries.
  const dir = tempDir(`bench-${label}`);
  cpSync(backlogDir, dir, { recursive: true });
  const ws = Workstation.open(dir);
  await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, facility));
  const t0 = performance.now();
  const r = await syncOnce(ws, { batchSize: 500 });
  const ms = performance.now() - t0;
  ws.close();
  await server.stop();
  const per = rate(r.accepted, ms);
  log(`backlog drain (${label}): ${r.accepted} entries in ${(ms / 1000).toFixed(1)} s = ${per} entries/s (batches of 500, one workstation, server process on 127.0.0.1)`);
  return per;
}

async function ingest(storage: StorageChoice): Promise<number> {
  const token = await prepareServer(storage);
  const server = await spawnServer(storage);
  const facility = uniqueFacilityId();
  await addFacility(server.url, token, facility);
  const devices: { ws: Workstation; entries: WireEntry[] }[] = [];
  for (let i = 0; i < INGEST_DEVICES; i++) {
    const dir = tempDir('bench-ingest');
    const ws = Workstation.init(dir, facility);
    await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, facility));
    appendEntries(ws, INGEST_PER_DEVICE);
    const entries = ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq').all(ws.deviceId);
    devices.push({ ws, entries });
  }
  const t0 = performance.now();
  await Promise.all(
    devices.map(async ({ ws, entries }) => {
      const client = new SyncClient({ serverUrl: server.url, deviceId: ws.deviceId, privateKey: ws.deviceKey.privateKey });
      for (let i = 0; i < entries.length; i += 1000) {
        await client.signedPost('/v1/push', { entries: entries.slice(i, i + 1000) }, PushResponse);
      }
    }),
  );
  const ms = performance.now() - t0;
  const total = INGEST_DEVICES * INGEST_PER_DEVICE;
  for (const d of devices) d.ws.close();
  await server.stop();
  return rate(total, ms);
}

/** Ed25519 verifies per second on one core, on the same kind of entries; and the server's full per-entry check. */
function verifyRates(entries: WireEntry[], key: KeyObject): { ed25519: number; checkRow: number } {
  const n = Math.min(entries.length, 20_000);
  let t0 = performance.now();
  for (let i = 0; i < n; i++) verifyHashSignature(serverCrypto, key, entries[i]!.hash, entries[i]!.signature);
  const ed = rate(n, performance.now() - t0);
  t0 = performance.now();
  let prev = '0'.repeat(64);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (!checkEntry(serverCrypto, e, i + 1, prev, key).ok) throw new Error('bench entry does not verify');
    prev = e.hash;
  }
  return { ed25519: ed, checkRow: rate(n, performance.now() - t0) };
}

async function main() {
  log(`RxLedger sync benchmark — node ${process.version}, ${(await import('node:os')).cpus().length} CPU(s)`);
  const backlogDir = tempDir('bench-backlog');
  const t0 = performance.now();
  const ws = Workstation.init(backlogDir, 'BENCH1');
  appendEntries(ws, BACKLOG);
  const sample = ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq LIMIT 20000').all(ws.deviceId);
  const key = ws.deviceKey.publicKey;
  ws.close();
  log(`made a ${BACKLOG}-entry backlog in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  await drain('PGlite', { dataDir: tempDir('bench-pglite') }, backlogDir);
  if (process.env.DATABASE_URL) {
    await drain('PostgreSQL', { databaseUrl: await scratchPostgres() }, backlogDir);
    const ingestRate = await ingest({ databaseUrl: await scratchPostgres() });
    const v = verifyRates(sample, key);
    log(`server ingest (PostgreSQL, ${INGEST_DEVICES} devices pushing at once, batches of 1000): ${ingestRate} entries/s`);
    log(`Ed25519 verify, same run, one core: ${v.ed25519}/s — the limit for one server process; ratio ingest/verify = ${(ingestRate / v.ed25519).toFixed(2)}`);
    log(`full per-entry check (parse, canonical form, SHA-256, Ed25519), one core: ${v.checkRow}/s; ratio ingest/check = ${(ingestRate / v.checkRow).toFixed(2)}`);
  } else {
    const v = verifyRates(sample, key);
    log(`Ed25519 verify, one core: ${v.ed25519}/s; full per-entry check: ${v.checkRow}/s`);
    log('server ingest on PostgreSQL: skipped (set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres)');
  }
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
