import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHash } from '../main/keys/device-key';
import { entryHash } from '../main/ledger/hash';
import { enrollWorkstation } from '../main/sync';
import { workstationHealth } from '../main/sync/health';
import type { Workstation } from '../main/workstation';
import { addFacility, appendEntries, cleanupAll, enrollmentCode, newWorkstation, prepareServer, scratchPostgres, spawnServer, type ServerProcess } from '../../test/sync-faults/helpers';
import { canonicalJson } from '../shared/ledger/canonical';
import { GENESIS_PREV_HASH } from '../shared/ledger/hash';
import { HEADERS, requestSigningString, type WireEntry } from '../shared/sync/protocol';
import { sha256Hex } from './crypto';

/**
 * Two `rxledger server` processes on one PostgreSQL, as behind a load balancer: whatever one
 * process learns (a challenge, a used enrollment code, a fork, a workstation's health) the other
 * must act on, so nothing of it may live in a process.
 */
describe.skipIf(!process.env.DATABASE_URL)('two server processes on one PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let token = '';

  beforeAll(async () => {
    const storage = { databaseUrl: await scratchPostgres() };
    token = await prepareServer(storage);
    [a, b] = await Promise.all([spawnServer(storage), spawnServer(storage)]);
    await addFacility(a.url, token, 'MAIN01');
  }, 120_000);
  afterAll(() => cleanupAll());

  const entriesOf = (ws: Workstation): WireEntry[] =>
    ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq').all(ws.deviceId);

  /** The challenge from one process, the signed request to another. */
  const crossPost = async (ws: Workstation, challengeAt: string, postAt: string, path: string, body: unknown) => {
    const c = await fetch(`${challengeAt}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: ws.deviceId }) });
    const { nonce } = (await c.json()) as { nonce: string };
    const text = JSON.stringify(body);
    const sig = sign(null, Buffer.from(requestSigningString('POST', path, sha256Hex(text), ws.deviceId, nonce), 'utf8'), ws.deviceKey.privateKey).toString('base64');
    const send = () =>
      fetch(postAt + path, { method: 'POST', headers: { 'content-type': 'application/json', [HEADERS.device]: ws.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig }, body: text });
    const res = await send();
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, replay: send };
  };

  it('a code made at one process enrolls at the other once; a challenge from one is spent at the other once', async () => {
    const code = await enrollmentCode(a.url, token, 'MAIN01');
    const { ws } = newWorkstation('MAIN01');
    await enrollWorkstation(ws, b.url, code);
    const again = newWorkstation('MAIN01').ws;
    await expect(enrollWorkstation(again, a.url, code)).rejects.toThrow(/already used|ENROLLMENT_CODE_USED/);
    appendEntries(ws, 3);
    const r = await crossPost(ws, a.url, b.url, '/v1/push', { entries: entriesOf(ws), health: workstationHealth(ws) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accepted: 3, health: true });
    const replay = await r.replay();
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('NONCE_INVALID');
    // The health taken by b is what a exposes.
    const metrics = await (await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toContain(`rxledger_workstation_outbox_depth{facility="MAIN01",device="${ws.deviceId}"} 3`);
  });

  it('a fork seen by one process blocks the device at the other', async () => {
    const { ws } = newWorkstation('MAIN01');
    await enrollWorkstation(ws, a.url, await enrollmentCode(b.url, token, 'MAIN01'));
    appendEntries(ws, 2);
    const entries = entriesOf(ws);
    expect((await crossPost(ws, b.url, a.url, '/v1/push', { entries })).status).toBe(200);
    const first = entries[0]!;
    const text = canonicalJson({ ...(JSON.parse(first.body) as Record<string, unknown>), actor: 'someone-else' });
    const hash = entryHash(GENESIS_PREV_HASH, text);
    const forked = { ...first, body: text, hash, signature: signHash(ws.deviceKey.privateKey, hash) };
    const f = await crossPost(ws, a.url, b.url, '/v1/push', { entries: [forked] });
    expect(f.status).toBe(409);
    expect(f.json.error).toBe('FORK');
    const blocked = await crossPost(ws, b.url, a.url, '/v1/pull', { reference_cursor: 0, devices: {} });
    expect(blocked.status).toBe(403);
    expect(blocked.json.error).toBe('DEVICE_FLAGGED');
    const metrics = await (await fetch(`${b.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/rxledger_devices_flagged\{facility="MAIN01"\} 1\n/);
  });
});
