import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NewEntry } from '../../src/main/ledger/append';
import { Workstation } from '../../src/main/workstation';
import { entryHash } from '../../src/main/ledger/hash';
import { signHash } from '../../src/main/keys/device-key';
import { canonicalJson } from '../../src/shared/ledger/canonical';
import { HEADERS, requestSigningString, type WireEntry } from '../../src/shared/sync/protocol';
import { initServer, type StorageChoice } from '../../src/server/run';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(REPO, 'bin', 'rxledger.mjs');

export type Backend = 'pglite' | 'postgres';
/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI). */
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

const cleanups: (() => Promise<void> | void)[] = [];
export async function cleanupAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `rxl-${prefix}-`));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A fresh PostgreSQL database of its own, dropped at cleanup. */
export async function scratchPostgres(): Promise<string> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const pg = (await import('pg')).default;
  const name = `rxl_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  return url.toString();
}

export async function storageFor(backend: Backend): Promise<StorageChoice> {
  return backend === 'postgres' ? { databaseUrl: await scratchPostgres() } : { dataDir: tempDir('server') };
}

export interface ServerProcess {
  url: string;
  pid: number;
  proc: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** A real `rxledger server` process on 127.0.0.1, any free port. */
export async function spawnServer(storage: StorageChoice, extraArgs: string[] = [], port = 0): Promise<ServerProcess> {
  const args = [CLI, 'server', '--port', String(port), '--json', ...extraArgs];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  if (storage.databaseUrl) env.DATABASE_URL = storage.databaseUrl;
  else args.push('--data', storage.dataDir!);
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<string>((res, rej) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (l) => res(l));
    proc.once('exit', (code) => rej(new Error(`server exited (${code}) before listening: ${err}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  let exited = false;
  proc.once('exit', () => (exited = true));
  const s: ServerProcess = {
    url,
    pid: proc.pid!,
    proc,
    stderr: () => err,
    async stop() {
      if (exited) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    },
  };
  cleanups.push(() => s.stop());
  return s;
}

export async function adminCall<T = Record<string, unknown>>(url: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Schema, admin token, and a facility; returns the token. */
export async function prepareServer(storage: StorageChoice): Promise<string> {
  return (await initServer(storage)).token;
}

let facilitySeq = 0;
/** A facility ID of its own for each test, so tests can share one server. */
export function uniqueFacilityId(): string {
  return `F${String(process.pid % 1000).padStart(3, '0')}${String(++facilitySeq).padStart(2, '0')}`.slice(0, 6);
}

export async function addFacility(url: string, token: string, facilityId: string): Promise<void> {
  await adminCall(url, token, 'POST', '/v1/admin/facilities', { facility_id: facilityId, name: `Pharmacy ${facilityId}`, dea_number: 'AB1234563', address: `${facilityId} Main Street, Springfield` });
}

export async function enrollmentCode(url: string, token: string, facilityId: string): Promise<string> {
  return (await adminCall<{ code: string }>(url, token, 'POST', '/v1/admin/enrollment-codes', { facility_id: facilityId })).code;
}

export const ENROLLER = { userId: 'morgan', password: 'manager-pass-1' } as const;

export function newWorkstation(facilityId = 'MAIN01'): { ws: Workstation; dir: string } {
  const dir = tempDir('ws');
  const ws = Workstation.init(dir, facilityId);
  // The manager who enrolls it from the CLI (`rxledger enroll --as`, password on stdin).
  ws.users.create({ userId: ENROLLER.userId, name: 'Morgan Manager', role: 'manager', password: ENROLLER.password, mustChange: false, actor: 'test' });
  cleanups.push(() => ws.close());
  return { ws, dir };
}

let counter = 0;
/** n receipts (and every 7th a dispense), committed in chunks so a big backlog is quick to make. */
export function appendEntries(ws: Workstation, n: number, opts: { ndc?: string; lot?: string } = {}): void {
  const ndc = opts.ndc ?? '00002-1200-30';
  const lot = opts.lot ?? 'LOT1';
  for (let done = 0; done < n; ) {
    const chunk: NewEntry[] = [];
    for (let i = 0; i < Math.min(1000, n - done); i++) {
      const k = ++counter;
      // Every 7th entry of this call takes one unit out; the receipts before it cover it.
      const dispense = (done + i + 1) % 7 === 0;
      chunk.push({
        type: dispense ? 'DISPENSE' : 'RECEIPT',
        facility_id: ws.facilityId,
        ndc,
        lot,
        serial: null,
        expiry: '2030-01-31',
        schedule: 'CII',
        quantity: dispense ? 1 : 10,
        delta: dispense ? -1 : 10,
        event_time: new Date(Date.UTC(2025, 0, 1) + k * 1000).toISOString(),
        actor: 'tech1',
        source: { kind: 'cli', payload_sha256: null, correlation_id: `t-${k}` },
      });
    }
    ws.ledger.append(chunk);
    done += chunk.length;
  }
}

/** Runs the real CLI as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin: string | null = null): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    // Never the developer's or CI's DATABASE_URL by accident: a test passes its own.
    const full: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!('DATABASE_URL' in env)) delete full.DATABASE_URL;
    const p = spawn(process.execPath, [CLI, ...args], { env: full, stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== null) p.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

export function outboxDepth(ws: Workstation): number {
  return ws.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()!.n;
}

export interface ServerDevice {
  device_id: string;
  head_seq: number;
  head_hash: string;
  flagged: boolean;
}
export async function serverDevices(url: string, token: string): Promise<ServerDevice[]> {
  return (await adminCall<{ devices: ServerDevice[] }>(url, token, 'GET', '/v1/admin/devices')).devices;
}

/** Polls until cond() is truthy; the limit only stops a hung test, it asserts no speed. */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, limitMs = 90_000, everyMs = 50): Promise<NonNullable<T>> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The end state every fault test must reach: the server holds exactly each device's chain
 * (same head hash, every seq once), both sides verify, and nothing is left unsent.
 */
export async function expectUnion(url: string, token: string, workstations: Workstation[]): Promise<void> {
  const facility = workstations[0]?.facilityId ?? '';
  const report = await adminCall<{ ok: boolean; checked: number; failure: unknown; devices: { device_id: string; entries: number; head_seq: number; head_hash: string }[] }>(
    url,
    token,
    'GET',
    `/v1/admin/verify?facility_id=${facility}`,
  );
  if (!report.ok) throw new Error(`server-side verification failed: ${JSON.stringify(report.failure)}`);
  for (const ws of workstations) {
    const local = ws.ledger.head();
    const remote = report.devices.find((d) => d.device_id === ws.deviceId);
    if (!remote) throw new Error(`server has no chain for ${ws.deviceId}`);
    if (remote.entries !== local.seq || remote.head_seq !== local.seq || remote.head_hash !== local.hash) {
      throw new Error(`server chain of ${ws.deviceId} is ${remote.entries} entries / head ${remote.head_seq}, local head ${local.seq}`);
    }
    const v = ws.verify();
    if (!v.ok) throw new Error(`workstation verification failed: ${JSON.stringify(v.failure ?? v.stockMismatches)}`);
    const left = ws.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE device_id = ?').get(ws.deviceId)!.n;
    if (left !== 0) throw new Error(`${left} entries of ${ws.deviceId} still in the outbox`);
  }
}

/** A device-signed POST built by hand (a fresh challenge each time), so a test can send what no honest client would. */
export async function devicePost(url: string, ws: Workstation, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = JSON.stringify(body);
  const c = await fetch(`${url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: ws.deviceId }) });
  const { nonce } = (await c.json()) as { nonce: string };
  const sig = sign(null, Buffer.from(requestSigningString('POST', path, createHash('sha256').update(text).digest('hex'), ws.deviceId, nonce), 'utf8'), ws.deviceKey.privateKey).toString('base64');
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HEADERS.device]: ws.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig },
    body: text,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/**
 * Pushes 3 entries of an enrolled workstation, then another history from seq 2 signed by the
 * same key (a restored backup that kept writing): the server must answer FORK and flag the device.
 */
export async function raiseFork(url: string, ws: Workstation): Promise<void> {
  appendEntries(ws, 3);
  const entries = ws.db
    .prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq')
    .all(ws.deviceId);
  const ok = await devicePost(url, ws, '/v1/push', { entries });
  if (ok.status !== 200) throw new Error(`push before the fork: ${ok.status} ${JSON.stringify(ok.json)}`);
  const text = canonicalJson({ ...(JSON.parse(entries[1]!.body) as Record<string, unknown>), actor: 'someone-else' });
  const hash = entryHash(entries[0]!.hash, text);
  const r = await devicePost(url, ws, '/v1/push', { entries: [{ ...entries[1]!, body: text, hash, signature: signHash(ws.deviceKey.privateKey, hash) }] });
  if (r.status !== 409 || r.json.error !== 'FORK') throw new Error(`expected FORK, got ${r.status} ${JSON.stringify(r.json)}`);
}

/** A compliance hold placed or released on a workstation's own chain, as the counts flow writes it. */
export function appendHold(ws: Workstation, type: 'HOLD_PLACED' | 'HOLD_RELEASED', holdId: string, opts: { ndc?: string; lot?: string; eventTime?: string } = {}): void {
  const r = ws.ledger.appendOne({
    type,
    facility_id: ws.facilityId,
    ndc: opts.ndc ?? '00002-1200-30',
    lot: opts.lot ?? 'LOT1',
    serial: null,
    expiry: null,
    schedule: 'CII',
    quantity: 0,
    delta: 0,
    event_time: opts.eventTime ?? new Date().toISOString(),
    actor: 'pharm1',
    data: { hold_id: holdId },
    source: { kind: 'cli', payload_sha256: null, correlation_id: `${type}-${holdId}` },
  });
  if (r.status !== 'committed') throw new Error(`${type} ${holdId} not committed: ${JSON.stringify(r)}`);
}
