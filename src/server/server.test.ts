import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../shared/ledger/canonical';
import { GENESIS_PREV_HASH } from '../shared/ledger/hash';
import { entryHash } from '../main/ledger/hash';
import { signHash } from '../main/keys/device-key';
import { enrollWorkstation, syncOnce } from '../main/sync';
import type { Workstation } from '../main/workstation';
import { BACKENDS, addFacility, adminCall, appendEntries, cleanupAll, enrollmentCode, newWorkstation, storageFor, uniqueFacilityId } from '../../test/sync-faults/helpers';
import { buildApp } from './app';
import type { Store } from './db/pg-adapter';
import { createAdminToken } from './auth/admin-token';
import { sha256Hex } from './crypto';
import { HEADERS, requestSigningString, type WireEntry } from '../shared/sync/protocol';
import { openServerStore } from './run';

/** Protocol-level checks against an in-process server listening on a real port. */
describe.each(BACKENDS)('central server on %s', (backend) => {
  let url = '';
  let token = '';
  let close: () => Promise<void> = async () => {};
  let serverStore: Store | null = null;

  beforeAll(async () => {
    const { store, release } = await openServerStore(await storageFor(backend));
    serverStore = store;
    token = await createAdminToken(store);
    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await release();
    };
    await addFacility(url, token, 'MAIN01');
    await addFacility(url, token, 'EAST02');
  });
  afterAll(async () => {
    await close();
    await cleanupAll();
  });

  const enrolled = async (facility = 'MAIN01'): Promise<Workstation> => {
    const { ws } = newWorkstation(facility);
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, facility));
    return ws;
  };
  const entriesOf = (ws: Workstation): WireEntry[] =>
    ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq').all(ws.deviceId);

  /** A signed request built by hand, so tests can break one part of it. */
  const signedPost = async (ws: Workstation, path: string, body: unknown, tamper: { body?: string; nonce?: string } = {}) => {
    const text = JSON.stringify(body);
    let nonce = tamper.nonce;
    if (!nonce) {
      const c = await fetch(`${url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: ws.deviceId }) });
      nonce = ((await c.json()) as { nonce: string }).nonce;
    }
    const sig = sign(null, Buffer.from(requestSigningString('POST', path, sha256Hex(text), ws.deviceId, nonce), 'utf8'), ws.deviceKey.privateKey).toString('base64');
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HEADERS.device]: ws.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig },
      body: tamper.body ?? text,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, nonce };
  };
  const head = async (deviceId: string) =>
    (await adminCall<{ devices: { device_id: string; head_seq: number; head_hash: string; flagged: boolean }[] }>(url, token, 'GET', '/v1/admin/devices')).devices.find(
      (d) => d.device_id === deviceId,
    )!;

  it('enrolls with a one-time code, stores the registrant details, and refuses the code a second time', async () => {
    const code = await enrollmentCode(url, token, 'MAIN01');
    const a = newWorkstation('MAIN01').ws;
    const r = await enrollWorkstation(a, url, code);
    expect(r.facility.name).toBe('Pharmacy MAIN01');
    expect(a.setting('facility_dea_number')).toBe('AB1234563');
    expect(a.setting('facility_address')).toContain('Main Street');
    const b = newWorkstation('MAIN01').ws;
    await expect(enrollWorkstation(b, url, code)).rejects.toMatchObject({ kind: 'auth', code: 'ENROLLMENT_CODE_USED' });
    const c = newWorkstation('MAIN01').ws;
    await expect(enrollWorkstation(c, url, 'AAAAAAAA-BBBBBBBBBBBBBBBBBBBBBBBB')).rejects.toMatchObject({ code: 'ENROLLMENT_CODE_REFUSED' });
    const wrongFacility = newWorkstation('EAST02').ws;
    await expect(enrollWorkstation(wrongFacility, url, await enrollmentCode(url, token, 'MAIN01'))).rejects.toMatchObject({ status: 409, code: 'FACILITY_MISMATCH' });
  });

  it('accepts a chain in order, answers with the head, and counts a repeat as already had', async () => {
    const ws = await enrolled();
    appendEntries(ws, 5);
    const entries = entriesOf(ws);
    const first = await signedPost(ws, '/v1/push', { entries });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ accepted: 5, already: 0, head: { seq: 5, hash: entries[4]!.hash } });
    const again = await signedPost(ws, '/v1/push', { entries: entries.slice(1) });
    expect(again.json).toMatchObject({ accepted: 0, already: 4, head: { seq: 5 } });
  });

  it('refuses a bad entry signature, a gap, a tampered request and a replayed nonce, and keeps nothing of them', async () => {
    const ws = await enrolled();
    appendEntries(ws, 4);
    const entries = entriesOf(ws);
    const badSig = entries.map((e, i) => (i === 1 ? { ...e, signature: signHash(newWorkstation().ws.deviceKey.privateKey, e.hash) } : e));
    const r1 = await signedPost(ws, '/v1/push', { entries: badSig });
    expect(r1.status).toBe(422);
    expect(r1.json).toMatchObject({ error: 'BAD_SIGNATURE', seq: 2 });
    expect((await head(ws.deviceId)).head_seq).toBe(0);

    const r2 = await signedPost(ws, '/v1/push', { entries: entries.slice(2) });
    expect(r2.status).toBe(409);
    expect(r2.json).toMatchObject({ error: 'GAP', expected_seq: 1 });

    const r3 = await signedPost(ws, '/v1/push', { entries }, { body: JSON.stringify({ entries: entries.slice(0, 1) }) });
    expect(r3.status).toBe(401);
    expect(r3.json.error).toBe('BAD_REQUEST_SIGNATURE');

    const ok = await signedPost(ws, '/v1/push', { entries: entries.slice(0, 1) });
    expect(ok.status).toBe(200);
    const replay = await signedPost(ws, '/v1/push', { entries: entries.slice(0, 1) }, { nonce: ok.nonce });
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('NONCE_INVALID');
    expect((await head(ws.deviceId)).head_seq).toBe(1);
  });

  it('checks the entry as sent: a device or seq beside the body that the body does not say, and a wrong prev_hash, are refused', async () => {
    const ws = await enrolled();
    appendEntries(ws, 2);
    const [first, second] = entriesOf(ws) as [WireEntry, WireEntry];
    /** An entry the device itself signed, whose body is changed by `over`, sent at seq 1 of its own chain. */
    const signedAtSeq1 = (over: Record<string, unknown>): WireEntry => {
      const text = canonicalJson({ ...(JSON.parse(first.body) as Record<string, unknown>), ...over });
      const hash = entryHash(GENESIS_PREV_HASH, text);
      return { ...first, body: text, hash, signature: signHash(ws.deviceKey.privateKey, hash) };
    };
    const otherDevice = await signedPost(ws, '/v1/push', { entries: [signedAtSeq1({ device_id: 'dev-somewhere-else' })] });
    expect(otherDevice.status).toBe(422);
    expect(otherDevice.json).toMatchObject({ error: 'INVALID_ENTRY', seq: 1 });
    expect(otherDevice.json.message).toMatch(/body says device dev-somewhere-else seq 1: the entry was moved/);
    const otherSeq = await signedPost(ws, '/v1/push', { entries: [signedAtSeq1({ seq: 2 })] });
    expect(otherSeq.status).toBe(422);
    expect(otherSeq.json.message).toMatch(/body says device .* seq 2: the entry was moved/);
    expect((await head(ws.deviceId)).head_seq).toBe(0);

    const wrongPrev = await signedPost(ws, '/v1/push', { entries: [first, { ...second, prev_hash: 'ab'.repeat(32) }] });
    expect(wrongPrev.status).toBe(422);
    expect(wrongPrev.json).toMatchObject({ error: 'INVALID_ENTRY', seq: 2 });
    expect(wrongPrev.json.message).toMatch(/prev_hash does not match the hash of the entry before it/);
    expect((await head(ws.deviceId)).head_seq).toBe(0);
    expect((await signedPost(ws, '/v1/push', { entries: [first, second] })).json).toMatchObject({ accepted: 2 });
  });

  it('refuses an entry for another facility, or for a facility that does not exist, signed by the device itself; nothing is stored', async () => {
    const ws = await enrolled('MAIN01');
    appendEntries(ws, 1);
    const [first] = entriesOf(ws) as [WireEntry];
    const claiming = (facility: string): WireEntry => {
      const text = canonicalJson({ ...(JSON.parse(first.body) as Record<string, unknown>), facility_id: facility });
      const hash = entryHash(GENESIS_PREV_HASH, text);
      return { ...first, body: text, hash, signature: signHash(ws.deviceKey.privateKey, hash) };
    };
    for (const facility of ['EAST02', 'NOWHR9']) {
      const r = await signedPost(ws, '/v1/push', { entries: [claiming(facility)] });
      expect(r.status).toBe(409);
      expect(r.json).toMatchObject({ error: 'FACILITY_MISMATCH', seq: 1, entry_facility: facility, device_facility: 'MAIN01' });
      expect(r.json.message).toMatch(new RegExp(`the entry is for facility ${facility}, but device .* is enrolled for facility MAIN01`));
    }
    expect((await head(ws.deviceId)).head_seq).toBe(0);
    const stock = await adminCall<{ rows: unknown[] }>(url, token, 'GET', '/v1/admin/stock?facility_id=EAST02');
    expect(JSON.stringify(stock)).not.toContain(ws.deviceId);
    expect((await signedPost(ws, '/v1/push', { entries: [first] })).json).toMatchObject({ accepted: 1 });
  });

  it('re-checks the stored columns against the signed body in its verify', async () => {
    const facility = uniqueFacilityId();
    await addFacility(url, token, facility);
    const ws = await enrolled(facility);
    appendEntries(ws, 3);
    expect((await signedPost(ws, '/v1/push', { entries: entriesOf(ws) })).status).toBe(200);
    const verify = () => adminCall<{ ok: boolean; failure: { device_id: string; seq: number; reason: string } | null }>(url, token, 'GET', `/v1/admin/verify?facility_id=${facility}`);
    expect((await verify()).ok).toBe(true);
    await serverStore!.query("UPDATE entries SET lot = 'OTHER' WHERE device_id = $1 AND seq = 2", [ws.deviceId]);
    try {
      expect(await verify()).toMatchObject({ ok: false, failure: { device_id: ws.deviceId, seq: 2, reason: 'column lot (OTHER) differs from the signed body (LOT1)' } });
    } finally {
      await serverStore!.query("UPDATE entries SET lot = 'LOT1' WHERE device_id = $1 AND seq = 2", [ws.deviceId]);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('refuses an unknown device and a device pushing another device’s chain', async () => {
    const stranger = newWorkstation().ws;
    const c = await fetch(`${url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: stranger.deviceId }) });
    expect(c.status).toBe(401);
    expect(((await c.json()) as { error: string }).error).toBe('UNKNOWN_DEVICE');
    const unsigned = await fetch(`${url}/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);

    const a = await enrolled();
    const b = await enrolled();
    appendEntries(a, 2);
    const r = await signedPost(b, '/v1/push', { entries: entriesOf(a) });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('WRONG_DEVICE');
  });

  it('treats a different entry at a known seq as a fork: refused, device flagged, alarm raised, nothing merged', async () => {
    const ws = await enrolled();
    appendEntries(ws, 5);
    const entries = entriesOf(ws);
    expect((await signedPost(ws, '/v1/push', { entries })).status).toBe(200);
    // The same device signs another history from seq 3 (a restored backup that kept writing).
    const body = { ...(JSON.parse(entries[2]!.body) as Record<string, unknown>), actor: 'someone-else' };
    const text = canonicalJson(body);
    const hash = entryHash(entries[1]!.hash, text);
    const forked: WireEntry = { ...entries[2]!, body: text, hash, signature: signHash(ws.deviceKey.privateKey, hash) };
    const r = await signedPost(ws, '/v1/push', { entries: [forked] });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ error: 'FORK', seq: 3, stored_hash: entries[2]!.hash, pushed_hash: hash });
    const h = await head(ws.deviceId);
    expect(h).toMatchObject({ head_seq: 5, head_hash: entries[4]!.hash, flagged: true });
    const alarms = await adminCall<{ alarms: { kind: string; device_id: string }[] }>(url, token, 'GET', '/v1/admin/alarms');
    expect(alarms.alarms.some((a) => a.kind === 'FORK' && a.device_id === ws.deviceId)).toBe(true);
    // Blocked from now on, with the reason in the refusal.
    const next = await signedPost(ws, '/v1/push', { entries: entries.slice(4) });
    expect(next.status).toBe(403);
    expect(next.json.error).toBe('DEVICE_FLAGGED');
    const verify = await adminCall<{ ok: boolean }>(url, token, 'GET', '/v1/admin/verify');
    expect(verify.ok).toBe(true);
  });

  it('hands out reference data by cursor, scoped to the facility', async () => {
    const ws = await enrolled('EAST02');
    await adminCall(url, token, 'POST', '/v1/admin/reference', {
      items: [
        { kind: 'catalog', key: '00002-1200-30', doc: { ndc: '00002-1200-30', name: 'Oxycodone 5 mg tab', schedule: 'CII' } },
        { kind: 'user', key: 'pharm1', facility_id: 'EAST02', doc: { user_id: 'pharm1', role: 'pharmacist', public_key: 'AAAA' } },
        { kind: 'user', key: 'other', facility_id: 'MAIN01', doc: { user_id: 'other', role: 'technician' } },
        { kind: 'policy', key: 'tolerance', doc: { version: 1, cii_units: 0 } },
      ],
    });
    const first = await signedPost(ws, '/v1/pull', { reference_cursor: 0, devices: {}, limit: 2 });
    expect(first.status).toBe(200);
    expect((first.json.reference as unknown[]).length).toBe(2);
    expect(first.json.more).toBe(true);
    const second = await signedPost(ws, '/v1/pull', { reference_cursor: first.json.reference_cursor, devices: {}, limit: 100 });
    const keys = [...(first.json.reference as { key: string }[]), ...(second.json.reference as { key: string }[])].map((r) => r.key);
    expect(keys).toEqual(['00002-1200-30', 'pharm1', 'tolerance']);
    // Through the worker: stored locally and the cursor kept.
    await syncOnce(ws);
    const stored = ws.db.prepare<[], { kind: string; key: string }>('SELECT kind, key FROM sync_reference ORDER BY kind, key').all();
    expect(stored).toEqual([
      { kind: 'catalog', key: '00002-1200-30' },
      { kind: 'policy', key: 'tolerance' },
      { kind: 'user', key: 'pharm1' },
    ]);
  });

  it('shows the central office facility stock over all chains, active holds, and devices', async () => {
    const { ws: a } = newWorkstation('EAST02');
    const { ws: b } = newWorkstation('EAST02');
    await enrollWorkstation(a, url, await enrollmentCode(url, token, 'EAST02'));
    await enrollWorkstation(b, url, await enrollmentCode(url, token, 'EAST02'));
    appendEntries(a, 10, { ndc: '00406-0552-01', lot: 'L9' });
    appendEntries(b, 3, { ndc: '00406-0552-01', lot: 'L9' });
    const hold = (type: 'HOLD_PLACED' | 'HOLD_RELEASED', holdId: string) =>
      a.ledger.appendOne({
        type,
        facility_id: 'EAST02',
        ndc: '00406-0552-01',
        lot: 'L9',
        serial: null,
        expiry: null,
        schedule: 'CII',
        quantity: 0,
        delta: 0,
        event_time: new Date().toISOString(),
        actor: 'pharm1',
        data: { hold_id: holdId },
        source: { kind: 'cli', payload_sha256: null, correlation_id: `hold-${type}` },
      });
    hold('HOLD_PLACED', 'H-1');
    const second = hold('HOLD_PLACED', 'H-2');
    if (second.status !== 'committed') throw new Error('hold not committed');
    hold('HOLD_RELEASED', 'H-1');
    await syncOnce(a);
    await syncOnce(b);
    await syncOnce(a);
    const local = (ws: Workstation) => ws.db.prepare<[], { on_hand: number }>("SELECT on_hand FROM stock WHERE facility_id = 'EAST02' AND ndc = '00406-0552-01'").get()!.on_hand;
    const stock = await adminCall<{ stock: { ndc: string; lot: string; on_hand: number }[] }>(url, token, 'GET', '/v1/admin/stock?facility_id=EAST02');
    const row = stock.stock.find((s) => s.ndc === '00406-0552-01')!;
    expect(row.lot).toBe('L9');
    // Facility stock is the sum of the chains, and each workstation holds the same sum after pulling.
    expect(row.on_hand).toBe(local(a));
    expect(local(a)).toBe(local(b));
    expect(a.verify().ok && b.verify().ok).toBe(true);
    const holds = await adminCall<{ holds: { hold_id: string; device_id: string; seq: number }[] }>(url, token, 'GET', '/v1/admin/holds');
    const mine = holds.holds.filter((h) => h.device_id === a.deviceId);
    expect(mine.map((h) => [h.hold_id, h.seq])).toEqual([['H-2', second.entry.seq]]);
    const devices = await adminCall<{ devices: { device_id: string; head_seq: number; entries_behind: number; last_push_at: string | null }[] }>(url, token, 'GET', '/v1/admin/devices');
    const da = devices.devices.find((d) => d.device_id === a.deviceId)!;
    expect(da).toMatchObject({ head_seq: a.ledger.head().seq, entries_behind: 0 });
    expect(da.last_push_at).not.toBeNull();
  });

  it('refuses an admin call without the token', async () => {
    const r = await fetch(`${url}/v1/admin/devices`);
    expect(r.status).toBe(401);
    const r2 = await fetch(`${url}/v1/admin/devices`, { headers: { authorization: 'Bearer nope' } });
    expect(r2.status).toBe(401);
  });
});
