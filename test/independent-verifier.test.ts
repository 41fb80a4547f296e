import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main';
import { rawPublicKeyB64, signHash } from '../src/main/keys/device-key';
import { entryHash, GENESIS_PREV_HASH } from '../src/main/ledger/hash';
import { rebuildStock } from '../src/main/ledger/stock';
import { enrollWorkstation, syncOnce } from '../src/main/sync';
import { Workstation } from '../src/main/workstation';
import { buildApp } from '../src/server/app';
import { createAdminToken } from '../src/server/auth/admin-token';
import { openServerStore } from '../src/server/run';
import { canonicalJson } from '../src/shared/ledger/canonical';
import { deviceRecordSigningString } from '../src/shared/sync/protocol';
import { BACKENDS, addFacility, appendEntries, cleanupAll, enrollmentCode, storageFor } from './sync-faults/helpers';
import { independentVerify, type Verdict } from './independent-verifier/verifier';

/**
 * `rxledger verify` and a verifier written from docs/ledger.md alone (./independent-verifier)
 * on one good folder and on copies of it tampered as issue 13 describes. Both must give the
 * same verdict, device and seq; each case also says what that verdict must be.
 */
describe.each(BACKENDS)('verify anchored outside the folder (server on %s)', (backend) => {
  const root = mkdtempSync(join(tmpdir(), 'rxl-anchor-'));
  let url = '';
  let close: () => Promise<void> = async () => {};
  let good = '';
  let localId = '';
  let siblingId = '';
  let serverKey = '';
  let heads: { seq: number; hash: string }[] = [];

  beforeAll(async () => {
    const { store, release } = await openServerStore(await storageFor(backend));
    const token = await createAdminToken(store);
    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await release();
    };
    const facility = `AN${Math.floor(Math.random() * 9000 + 1000)}`;
    await addFacility(url, token, facility);
    const b = Workstation.init(join(root, 'b'), facility);
    const a = Workstation.init(join(root, 'a'), facility);
    try {
      await enrollWorkstation(b, url, await enrollmentCode(url, token, facility));
      await enrollWorkstation(a, url, await enrollmentCode(url, token, facility));
      appendEntries(b, 3);
      await syncOnce(b);
      appendEntries(a, 5);
      await syncOnce(a); // pushes seq 1-5 (the server's accepted head) and pulls b's chain
      appendEntries(a, 2); // seq 6-7, printed on a report but not yet synced
      localId = a.deviceId;
      siblingId = b.deviceId;
      heads = a.db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM ledger_entries WHERE device_id = ? ORDER BY seq').all(localId);
      serverKey = ((await (await fetch(`${url}/v1/server-key`)).json()) as { public_key: string }).public_key;
    } finally {
      a.close();
      b.close();
    }
    good = join(root, 'a');
  });
  afterAll(async () => {
    await close();
    await cleanupAll();
    rmSync(root, { recursive: true, force: true });
  });

  let copies = 0;
  const copy = (): string => {
    const dir = join(root, `copy-${++copies}`);
    cpSync(good, dir, { recursive: true });
    return dir;
  };
  /** Opens the file as a forger would, with the append-only triggers removed. */
  const forge = (dir: string, fn: (db: Database.Database) => void) => {
    const db = new Database(join(dir, 'rxledger.db'));
    db.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete;');
    fn(db);
    db.close();
  };
  const restock = (dir: string) => {
    const ws = Workstation.open(dir);
    try {
      rebuildStock(ws.db);
    } finally {
      ws.close();
    }
  };
  const cliVerify = async (dir: string, args: string[] = []) => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) => new Writable({ write: (c, _e, cb) => (into.push(String(c)), cb()) });
    const code = await runCli(['verify', '--data', dir, '--json', ...args], { stdin: Readable.from([]), stdout: sink(out), stderr: sink(err), env: {} });
    return { code, report: JSON.parse(out.join('')) as { ok: boolean; failure: { device_id: string; seq: number; reason: string } | null } };
  };
  /** Both verifiers on one folder: the same verdict, device and seq. */
  const both = async (dir: string, opts: { anchors?: string[]; serverKey?: string } = {}) => {
    const args = [...(opts.anchors ?? []).flatMap((a) => ['--anchor', a]), ...(opts.serverKey ? ['--server-key', opts.serverKey] : [])];
    const cli = await cliVerify(dir, args);
    const ind: Verdict = independentVerify(dir, opts);
    expect(ind.ok).toBe(cli.report.ok);
    expect(cli.code).toBe(cli.report.ok ? 0 : 3);
    if (cli.report.failure) expect(ind.failure).toMatchObject({ device_id: cli.report.failure.device_id, seq: cli.report.failure.seq });
    return cli.report;
  };

  /** An entry of `deviceId` at `seq` after `prev`, signed by `key`, like one of the good chain's bodies otherwise. */
  const forgedEntry = (dir: string, deviceId: string, seq: number, prev: string, key: KeyObject, over: Record<string, unknown>) => {
    const db = new Database(join(dir, 'rxledger.db'), { readonly: true });
    const template = JSON.parse((db.prepare('SELECT body FROM ledger_entries WHERE device_id = ? AND seq = 1').get(localId) as { body: string }).body) as Record<string, unknown>;
    db.close();
    const body = canonicalJson({ ...template, device_id: deviceId, seq, ...over });
    const hash = entryHash(prev, body);
    const b = JSON.parse(body) as Record<string, string | number | null>;
    return { device_id: deviceId, seq, prev_hash: prev, hash, signature: signHash(key, hash), body, type: b.type, facility_id: b.facility_id, ndc: b.ndc, lot: b.lot, delta: b.delta, event_time: b.event_time, recorded_at: b.recorded_at };
  };
  const insert = (db: Database.Database, e: Record<string, unknown>) =>
    db
      .prepare(
        'INSERT INTO ledger_entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at) VALUES (@device_id, @seq, @prev_hash, @hash, @signature, @body, @type, @facility_id, @ndc, @lot, @delta, @event_time, @recorded_at)',
      )
      .run(e);

  it('a good folder: both verify it, with the pinned server key given from outside too, and with the heads a report printed as anchors', async () => {
    expect(await both(good)).toMatchObject({ ok: true });
    expect(await both(good, { serverKey })).toMatchObject({ ok: true });
    expect(await both(good, { anchors: [`${localId}:7:${heads[6]!.hash}`, heads[4]!.hash] })).toMatchObject({ ok: true });
  });

  it('a fake sibling device row with a seq-1 DISPENSE signed by its key (stock lowered to match) fails at that device, seq 1', async () => {
    const dir = copy();
    const attacker = generateKeyPairSync('ed25519');
    forge(dir, (db) => {
      db.prepare("INSERT INTO devices (device_id, facility_id, public_key, is_local, added_at) VALUES ('dev-evil', (SELECT facility_id FROM devices WHERE is_local = 1), ?, 0, '2026-01-01')").run(
        rawPublicKeyB64(attacker.publicKey),
      );
      insert(db, forgedEntry(dir, 'dev-evil', 1, GENESIS_PREV_HASH, attacker.privateKey, { type: 'DISPENSE', quantity: 20, delta: -20 }));
    });
    restock(dir);
    const r = await both(dir);
    expect(r).toMatchObject({ ok: false, failure: { device_id: 'dev-evil', seq: 1, reason: expect.stringMatching(/no central server signature/) } });
  });

  it('the same fake device with a server signature made by another key fails the same way', async () => {
    const dir = copy();
    const attacker = generateKeyPairSync('ed25519');
    const fakeServer = generateKeyPairSync('ed25519');
    forge(dir, (db) => {
      const facility = (db.prepare('SELECT facility_id FROM devices WHERE is_local = 1').get() as { facility_id: string }).facility_id;
      const rec = { device_id: 'dev-evil', facility_id: facility, public_key: rawPublicKeyB64(attacker.publicKey) };
      const sig = sign(null, Buffer.from(deviceRecordSigningString(rec)), fakeServer.privateKey).toString('base64');
      db.prepare("INSERT INTO devices (device_id, facility_id, public_key, is_local, added_at, server_signature) VALUES (@device_id, @facility_id, @public_key, 0, '2026-01-01', @sig)").run({ ...rec, sig });
      insert(db, forgedEntry(dir, 'dev-evil', 1, GENESIS_PREV_HASH, attacker.privateKey, { type: 'DISPENSE', quantity: 20, delta: -20 }));
    });
    restock(dir);
    expect(await both(dir)).toMatchObject({ ok: false, failure: { device_id: 'dev-evil', seq: 1, reason: expect.stringMatching(/not signed by the central server key/) } });
  });

  it('replacing the pinned server key and re-signing every record with it passes inside the folder, and fails with --server-key from outside', async () => {
    const dir = copy();
    const fakeServer = generateKeyPairSync('ed25519');
    forge(dir, (db) => {
      db.prepare("UPDATE sync_state SET value = ? WHERE key = 'server_key'").run(rawPublicKeyB64(fakeServer.publicKey));
      for (const d of db.prepare('SELECT device_id, facility_id, public_key FROM devices').all() as { device_id: string; facility_id: string; public_key: string }[]) {
        db.prepare('UPDATE devices SET server_signature = ? WHERE device_id = ?').run(sign(null, Buffer.from(deviceRecordSigningString(d)), fakeServer.privateKey).toString('base64'), d.device_id);
      }
    });
    // What the folder alone can show: nothing. That is what --server-key (GET /v1/server-key) is for.
    expect(await both(dir)).toMatchObject({ ok: true });
    expect(await both(dir, { serverKey })).toMatchObject({ ok: false, failure: { reason: expect.stringMatching(/trust anchor was replaced/) } });
  });

  it('a folder whose key file, workstation.json and whole local chain were re-signed with a new key fails at seq 1 of this device', async () => {
    const dir = copy();
    const k = generateKeyPairSync('ed25519');
    forge(dir, (db) => {
      for (const r of db.prepare('SELECT seq, hash FROM ledger_entries WHERE device_id = ?').all(localId) as { seq: number; hash: string }[]) {
        db.prepare('UPDATE ledger_entries SET signature = ? WHERE device_id = ? AND seq = ?').run(signHash(k.privateKey, r.hash), localId, r.seq);
      }
      db.prepare('UPDATE devices SET public_key = ? WHERE device_id = ?').run(rawPublicKeyB64(k.publicKey), localId);
    });
    writeFileSync(join(dir, 'device-signing.key'), k.privateKey.export({ format: 'der', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(join(dir, 'workstation.json'), JSON.stringify({ format: 1, facility_id: 'X', device_id: localId, created_at: '2026-01-01', public_key: rawPublicKeyB64(k.publicKey) }));
    expect(await both(dir)).toMatchObject({ ok: false, failure: { device_id: localId, seq: 1, reason: expect.stringMatching(/not the one the central server enrolled/) } });
  });

  it('a rewritten tail after the last sync passes alone and fails with --anchor (DEVICE:SEQ:HASH at that seq, HEAD_HASH past the head)', async () => {
    const dir = copy();
    forge(dir, (db) => {
      db.prepare('DELETE FROM ledger_entries WHERE device_id = ? AND seq = 7').run(localId);
      db.prepare('DELETE FROM outbox WHERE device_id = ? AND seq = 7').run(localId);
    });
    const ws = Workstation.open(dir);
    try {
      appendEntries(ws, 1, { lot: 'OTHER' });
      rebuildStock(ws.db);
    } finally {
      ws.close();
    }
    expect(await both(dir)).toMatchObject({ ok: true });
    expect(await both(dir, { anchors: [`${localId}:7:${heads[6]!.hash}`] })).toMatchObject({ ok: false, failure: { device_id: localId, seq: 7, reason: expect.stringMatching(/rewritten/) } });
    expect(await both(dir, { anchors: [heads[6]!.hash] })).toMatchObject({ ok: false, failure: { device_id: localId, seq: 8 } });
  });

  it('a truncated tail after the last sync passes alone and fails with --anchor at the first seq lost', async () => {
    const dir = copy();
    forge(dir, (db) => db.prepare('DELETE FROM ledger_entries WHERE device_id = ? AND seq >= 6').run(localId));
    restock(dir);
    expect(await both(dir)).toMatchObject({ ok: true });
    expect(await both(dir, { anchors: [`${localId}:7:${heads[6]!.hash}`] })).toMatchObject({ ok: false, failure: { device_id: localId, seq: 6, reason: expect.stringMatching(/truncated/) } });
    expect(await both(dir, { anchors: [heads[6]!.hash] })).toMatchObject({ ok: false, failure: { device_id: localId, seq: 6 } });
  });

  it('a tail rewritten or truncated below the head the server accepted fails with no --anchor at all', async () => {
    const cut = copy();
    forge(cut, (db) => db.prepare('DELETE FROM ledger_entries WHERE device_id = ? AND seq >= 4').run(localId));
    restock(cut);
    expect(await both(cut)).toMatchObject({ ok: false, failure: { device_id: localId, seq: 4, reason: expect.stringMatching(/central server's accepted head/) } });
    const rewritten = copy();
    forge(rewritten, (db) => db.prepare('DELETE FROM ledger_entries WHERE device_id = ? AND seq >= 5').run(localId));
    const ws = Workstation.open(rewritten);
    try {
      appendEntries(ws, 1, { lot: 'OTHER' });
      rebuildStock(ws.db);
    } finally {
      ws.close();
    }
    expect(await both(rewritten)).toMatchObject({ ok: false, failure: { device_id: localId, seq: 5, reason: expect.stringMatching(/rewritten/) } });
  });

  it('a sibling chain the server signed verifies; its entries rewritten do not', async () => {
    const dir = copy();
    forge(dir, (db) => db.prepare("UPDATE ledger_entries SET signature = ? WHERE device_id = ? AND seq = 2").run(Buffer.alloc(64).toString('base64'), siblingId));
    expect(await both(dir)).toMatchObject({ ok: false, failure: { device_id: siblingId, seq: 2 } });
  });

  it('with the private key in the keychain (not in the folder) the local key is the one in the server-signed enrollment record', async () => {
    const dir = copy();
    renameSync(join(dir, 'device-signing.key'), join(dir, 'device-signing.elsewhere'));
    expect(await both(dir)).toMatchObject({ ok: true });
  });

  it('refuses an --anchor that is neither a hash nor DEVICE:SEQ:HASH (exit 2)', async () => {
    const out: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (out.push(String(c)), cb()) });
    const code = await runCli(['verify', '--data', good, '--anchor', 'abc'], { stdin: Readable.from([]), stdout: sink, stderr: sink, env: {} });
    expect(code).toBe(2);
    expect(out.join('')).toMatch(/DEVICE:SEQ:HASH/);
  });
});

it('the independent verifier imports nothing from src/', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(join(__dirname, 'independent-verifier', 'verifier.ts'), 'utf8');
  expect(text).not.toMatch(/from ['"][^'"]*src\//);
  expect([...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]).sort()).toEqual(['better-sqlite3', 'node:crypto', 'node:fs', 'node:path']);
});
