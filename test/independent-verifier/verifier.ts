/**
 * A verifier written from docs/ledger.md ("Verifying", "Which keys are trusted", "Anchors")
 * alone, to show that page is enough: node:crypto and better-sqlite3 read-only, nothing from
 * src/. test/independent-verifier.test.ts runs it beside `rxledger verify` on good and
 * tampered folders and expects the same verdict, device and seq.
 */
import { createHash, createPrivateKey, createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface Verdict {
  ok: boolean;
  failure: { device_id: string; seq: number; reason: string } | null;
}

const ZERO = '0'.repeat(64);
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const TYPES = ['RECEIPT', 'DISPENSE', 'RETURN', 'ADJUSTMENT', 'COUNT', 'HOLD_PLACED', 'HOLD_RELEASED', 'CORRECTION', 'INITIAL_INVENTORY'];
const FIELDS = ['v', 'device_id', 'seq', 'type', 'facility_id', 'ndc', 'lot', 'serial', 'expiry', 'schedule', 'quantity', 'delta', 'event_time', 'recorded_at', 'actor', 'corrects', 'idempotency_key', 'source', 'data'];

const keyFromRaw = (b64: string): KeyObject => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(b64, 'base64')]), format: 'der', type: 'spki' });
const rawOf = (k: KeyObject): string => k.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

function signedBy(serverKeyB64: string, rec: { device_id: string; facility_id: string; public_key: string }, sig: string | null): boolean {
  if (!sig) return false;
  try {
    const msg = Buffer.from(`rxledger-sync-1\ndevice\n${rec.device_id}\n${rec.facility_id}\n${rec.public_key}`, 'utf8');
    return edVerify(null, msg, keyFromRaw(serverKeyB64), Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

/** JCS restricted to integers. */
function canonical(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('not a safe integer');
    return String(v === 0 ? 0 : v);
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

function deltaSignOk(type: string, d: number): boolean {
  switch (type) {
    case 'RECEIPT':
    case 'RETURN':
      return d > 0;
    case 'DISPENSE':
      return d < 0;
    case 'ADJUSTMENT':
      return d !== 0;
    case 'INITIAL_INVENTORY':
      return d >= 0;
    case 'CORRECTION':
      return true;
    default:
      return d === 0;
  }
}

interface Row {
  device_id: string; seq: number; prev_hash: string; hash: string; signature: string; body: string;
  type: string; facility_id: string; ndc: string | null; lot: string | null; delta: number; event_time: string; recorded_at: string;
}

export function independentVerify(dir: string, opts: { anchors?: string[]; serverKey?: string } = {}): Verdict {
  const fail = (device_id: string, seq: number, reason: string): Verdict => ({ ok: false, failure: { device_id, seq, reason } });
  const local = (JSON.parse(readFileSync(join(dir, 'workstation.json'), 'utf8')) as { device_id: string }).device_id;
  const db = new Database(join(dir, 'rxledger.db'), { readonly: true, fileMustExist: true });
  try {
    const state = (k: string) => (db.prepare('SELECT value FROM sync_state WHERE key = ?').get(k) as { value: string } | undefined)?.value;
    const pinned = state('server_key');
    if (opts.serverKey && pinned && opts.serverKey !== pinned) return fail('', 0, 'pinned server key differs from the one given');
    const serverKey = opts.serverKey ?? pinned;
    const devices = db.prepare('SELECT device_id, facility_id, public_key, server_signature FROM devices').all() as { device_id: string; facility_id: string; public_key: string; server_signature: string | null }[];
    // Which keys are trusted.
    const keys = new Map<string, KeyObject>();
    const keyFile = join(dir, 'device-signing.key');
    const localRow = devices.find((d) => d.device_id === local);
    if (existsSync(keyFile)) {
      const pub = createPublicKey(createPrivateKey({ key: readFileSync(keyFile), format: 'der', type: 'pkcs8' }));
      const enrolledOk = !serverKey || (localRow !== undefined && signedBy(serverKey, { device_id: local, facility_id: localRow.facility_id, public_key: rawOf(pub) }, localRow.server_signature));
      if (enrolledOk) keys.set(local, pub);
    } else if (serverKey && localRow && signedBy(serverKey, localRow, localRow.server_signature)) {
      keys.set(local, keyFromRaw(localRow.public_key));
    } else {
      throw new Error('no key for the local device');
    }
    for (const d of devices) {
      if (d.device_id !== local && serverKey && signedBy(serverKey, d, d.server_signature)) keys.set(d.device_id, keyFromRaw(d.public_key));
    }
    // Anchors.
    const anchors: { device_id: string; seq?: number; hash: string }[] = [];
    const headSeq = Number(state('server_head_seq') ?? 0);
    const headHash = state('server_head_hash');
    if (headSeq > 0 && headHash) anchors.push({ device_id: local, seq: headSeq, hash: headHash });
    for (const a of opts.anchors ?? []) {
      const parts = a.split(':');
      if (parts.length === 1) anchors.push({ device_id: local, hash: a });
      else anchors.push({ device_id: parts.slice(0, -2).join(':'), seq: Number(parts.at(-2)), hash: parts.at(-1)! });
    }
    const ids = new Set<string>([...keys.keys(), ...devices.map((d) => d.device_id), ...anchors.map((a) => a.device_id)]);
    for (const r of db.prepare('SELECT DISTINCT device_id FROM ledger_entries').all() as { device_id: string }[]) ids.add(r.device_id);
    for (const id of [...ids].sort()) {
      const key = keys.get(id);
      let expected = 1;
      let prev = ZERO;
      const hashes = new Map<number, string>();
      for (const row of db.prepare('SELECT * FROM ledger_entries WHERE device_id = ? ORDER BY rowid').iterate(id) as IterableIterator<Row>) {
        if (!key) return fail(id, expected, 'no trusted key');
        if (row.seq !== expected) return fail(id, expected, 'gap');
        if (row.prev_hash !== prev) return fail(id, expected, 'prev_hash');
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(row.body) as Record<string, unknown>;
          if (canonical(body) !== row.body) return fail(id, expected, 'not canonical');
        } catch {
          return fail(id, expected, 'body');
        }
        if (Object.keys(body).sort().join() !== [...FIELDS].sort().join() || body.v !== 1 || !TYPES.includes(body.type as string)) return fail(id, expected, 'fields');
        const h = createHash('sha256').update(Buffer.from(prev, 'hex')).update(row.body, 'utf8').digest();
        if (h.toString('hex') !== row.hash) return fail(id, expected, 'hash');
        if (!edVerify(null, h, key, Buffer.from(row.signature, 'base64'))) return fail(id, expected, 'signature');
        const copied: (keyof Row)[] = ['device_id', 'seq', 'type', 'facility_id', 'ndc', 'lot', 'delta', 'event_time', 'recorded_at'];
        if (copied.some((c) => body[c] !== row[c])) return fail(id, expected, 'copied column');
        if (!deltaSignOk(row.type, row.delta)) return fail(id, expected, 'delta sign');
        hashes.set(row.seq, row.hash);
        prev = row.hash;
        expected++;
      }
      const head = expected - 1;
      for (const a of anchors.filter((x) => x.device_id === id)) {
        if (a.seq !== undefined) {
          if (a.seq > head) return fail(id, head + 1, 'truncated');
          if (hashes.get(a.seq) !== a.hash) return fail(id, a.seq, 'rewritten');
        } else if (![...hashes.values()].includes(a.hash)) return fail(id, head + 1, 'anchor hash not in chain');
      }
    }
    const stock = db.prepare('SELECT facility_id, ndc, lot, SUM(on_hand) AS n FROM stock GROUP BY 1, 2, 3').all() as { facility_id: string; ndc: string; lot: string; n: number }[];
    const sums = db.prepare("SELECT facility_id, ndc, COALESCE(lot, '') AS lot, SUM(delta) AS n FROM ledger_entries WHERE ndc IS NOT NULL GROUP BY 1, 2, 3").all() as typeof stock;
    const key = (r: (typeof stock)[number]) => `${r.facility_id}|${r.ndc}|${r.lot}`;
    const want = new Map(sums.map((r) => [key(r), r.n]));
    for (const r of stock) if ((want.get(key(r)) ?? 0) !== r.n) return fail('', 0, `stock ${key(r)}`);
    for (const [k, n] of want) if (n !== 0 && !stock.some((r) => key(r) === k)) return fail('', 0, `stock ${k}`);
    return { ok: true, failure: null };
  } finally {
    db.close();
  }
}
