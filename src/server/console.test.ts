import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollWorkstation, syncOnce } from '../main/sync';
import type { Workstation } from '../main/workstation';
import { BACKENDS, addFacility, adminCall, appendEntries, appendHold, cleanupAll, devicePost, enrollmentCode, newWorkstation, prepareServer, raiseFork, runCli, spawnServer, storageFor, tempDir } from '../../test/sync-faults/helpers';
import type { WireEntry } from '../shared/sync/protocol';
import type { NewEntry } from '../main/ledger/append';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import type { Store } from './db/pg-adapter';
import { openServerStore } from './run';

const PW = { admin: 'admin-console-pw-1', co: 'compliance-pw-0001', rm: 'regional-pw-00001' };

/** The web console's API over HTTP: sessions, origin, roles, the signed clear, the audit trail. */
describe.each(BACKENDS)('console API on %s', (backend) => {
  let url = '';
  let url2 = '';
  let token = '';
  let store: Store;
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const opened = await openServerStore(await storageFor(backend));
    store = opened.store;
    token = await createAdminToken(store);
    // Two apps on one database: a session made by one must be served by the other.
    const apps = [await buildApp({ store }), await buildApp({ store })];
    const urls: string[] = [];
    for (const app of apps) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      urls.push(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
    }
    [url, url2] = urls as [string, string];
    close = async () => {
      for (const app of apps) await app.close();
      await opened.release();
    };
    await addFacility(url, token, 'MAIN01');
    for (const [user_id, role, password] of [
      ['root', 'administrator', PW.admin],
      ['cofficer', 'compliance_officer', PW.co],
      ['rmanager', 'regional_manager', PW.rm],
      ['victim', 'regional_manager', 'victim-password-1'],
    ] as const) {
      await adminCall(url, token, 'POST', '/v1/admin/console-users', { user_id, name: `Name of ${user_id}`, role, password });
    }
  }, 60_000);
  afterAll(async () => {
    await close();
    await cleanupAll();
  });

  const call = async (base: string, method: 'GET' | 'POST', path: string, opts: { cookie?: string; body?: unknown; origin?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, setCookie: res.headers.get('set-cookie') };
  };
  const signIn = async (user: string, password: string): Promise<string> => {
    const r = await call(url, 'POST', '/console/api/sign-in', { body: { user, password }, origin: url });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.setCookie!.split(';')[0]!;
  };
  const forkedDevice = async (): Promise<Workstation> => {
    const { ws } = newWorkstation('MAIN01');
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, 'MAIN01'));
    await raiseFork(url, ws);
    return ws;
  };
  const flagged = async (deviceId: string) => (await store.query<{ flagged: boolean }>('SELECT flagged FROM devices WHERE device_id = $1', [deviceId])).rows[0]!.flagged;
  const decisions = async (deviceId: string) => (await store.query('SELECT * FROM device_decisions WHERE device_id = $1', [deviceId])).rows.length;

  it('signs in with an HttpOnly SameSite=Strict cookie that any server process honours', async () => {
    const r = await call(url, 'POST', '/console/api/sign-in', { body: { user: 'cofficer', password: PW.co } });
    expect(r.status).toBe(200);
    expect(r.json.user).toEqual({ user_id: 'cofficer', name: 'Name of cofficer', role: 'compliance_officer' });
    expect(r.setCookie).toMatch(/^rxl_console=[\w-]{20,}; Path=\/console; HttpOnly; SameSite=Strict$/);
    const cookie = r.setCookie!.split(';')[0]!;
    expect((await call(url2, 'GET', '/console/api/me', { cookie })).json.user).toMatchObject({ user_id: 'cofficer' });
  });

  it('refuses a console request without a session, with an ended session, or from another origin', async () => {
    expect(await call(url, 'GET', '/console/api/devices')).toMatchObject({ status: 401, json: { error: 'NOT_SIGNED_IN' } });
    expect(await call(url, 'GET', '/console/api/devices', { cookie: 'rxl_console=made-up' })).toMatchObject({ status: 401, json: { error: 'SESSION_ENDED' } });
    const cookie = await signIn('cofficer', PW.co);
    expect(await call(url, 'GET', '/console/api/devices', { cookie, origin: 'https://evil.example' })).toMatchObject({ status: 403, json: { error: 'ORIGIN_REFUSED' } });
    expect(await call(url, 'POST', '/console/api/sign-in', { body: { user: 'cofficer', password: PW.co }, origin: 'https://evil.example' })).toMatchObject({
      status: 403,
      json: { error: 'ORIGIN_REFUSED' },
    });
    // The same page origin is served.
    expect((await call(url, 'GET', '/console/api/devices', { cookie, origin: url })).status).toBe(200);
    // Idle for more than 10 minutes: ended for good, even if a request comes later.
    await store.query("UPDATE console_sessions SET last_seen_at = now() - interval '601 seconds' WHERE ended_at IS NULL AND user_id = 'cofficer'");
    expect(await call(url, 'GET', '/console/api/me', { cookie })).toMatchObject({ status: 401, json: { error: 'SESSION_ENDED' } });
    const refused = await store.query<{ details: string }>("SELECT details FROM server_audit WHERE outcome = 'refused' AND action = 'GET /console/api/devices'");
    expect(refused.rows.map((r) => (JSON.parse(r.details) as { code: string }).code)).toEqual(expect.arrayContaining(['NOT_SIGNED_IN', 'SESSION_ENDED', 'ORIGIN_REFUSED']));
  });

  it('locks an account for 15 minutes after 5 wrong passwords; the right one is then refused too', async () => {
    for (let i = 1; i <= 4; i++) {
      expect(await call(url, 'POST', '/console/api/sign-in', { body: { user: 'victim', password: 'wrong-password-x' } })).toMatchObject({ status: 401, json: { error: 'BAD_CREDENTIALS' } });
    }
    const fifth = await call(url2, 'POST', '/console/api/sign-in', { body: { user: 'victim', password: 'wrong-password-x' } });
    expect(fifth).toMatchObject({ status: 403, json: { error: 'LOCKED' } });
    const until = Date.parse(String(fifth.json.locked_until));
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(await call(url, 'POST', '/console/api/sign-in', { body: { user: 'victim', password: 'victim-password-1' } })).toMatchObject({ status: 403, json: { error: 'LOCKED' } });
    expect((await store.query("SELECT 1 FROM console_sessions WHERE user_id = 'victim'")).rows).toHaveLength(0);
  });

  it('answers an unknown user ID exactly as a known one: attempts left, then the lockout', async () => {
    const answers = async (user: string) => {
      const out: string[] = [];
      for (let i = 1; i <= 6; i++) {
        const r = await call(url, 'POST', '/console/api/sign-in', { body: { user, password: 'wrong-password-x' } });
        out.push(`${r.status} ${String(r.json.error)} ${String(r.json.message).replace(/until .*$/, 'until …')}`);
      }
      return out;
    };
    await adminCall(url, token, 'POST', '/v1/admin/console-users', { user_id: 'real2', name: 'Real Two', role: 'regional_manager', password: 'real-two-password' });
    const known = await answers('real2');
    expect(known[0]).toBe('401 BAD_CREDENTIALS User ID or password is wrong. 4 attempts left before the account locks.');
    expect(known[4]).toMatch(/^403 LOCKED Too many failed attempts/);
    expect(await answers('no-such-user')).toEqual(known);
  });

  it('shows stock on hand with the dosage unit the synced entries name, and no unit where none or two differing ones are named', async () => {
    const { ws } = newWorkstation('MAIN01');
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, 'MAIN01'));
    const receipt = (ndc: string, lot: string, quantity: number, data: NonNullable<NewEntry['data']>) => ({
      type: 'RECEIPT' as const,
      facility_id: 'MAIN01',
      ndc,
      lot,
      serial: null,
      expiry: '2030-01-31',
      schedule: 'CII' as const,
      quantity,
      delta: quantity,
      event_time: '2026-03-01T10:00:00.000Z',
      actor: 'pharm1',
      data,
      source: { kind: 'cli' as const, payload_sha256: null, correlation_id: `unit-${ndc}-${lot}-${quantity}` },
    });
    ws.ledger.append([
      receipt('00406-8003-01', 'UNIT-T', 100, { unit: 'tablets', units_per_container: 100 }),
      // Says only "dosage units", or names none: the named unit of the lot still holds.
      receipt('00406-8003-01', 'UNIT-T', 30, { unit: 'DU' }),
      receipt('00406-8003-01', 'UNIT-T', 1, {}),
      receipt('00054-4581-44', 'UNIT-NONE', 500, {}),
      // Two entries of one lot naming different units: the figure's unit is not known.
      receipt('00054-4581-44', 'UNIT-BOTH', 10, { unit: 'mL' }),
      receipt('00054-4581-44', 'UNIT-BOTH', 20, { unit: 'tablet' }),
      // A body PostgreSQL cannot read as JSON (a \u0000 escape): its unit is left out, and the stock view still answers.
      receipt('00054-4581-44', 'UNIT-NUL', 5, { unit: 'mL', note: 'a\u0000b' }),
    ]);
    await syncOnce(ws);
    const cookie = await signIn('rmanager', PW.rm);
    const s = await call(url, 'GET', '/console/api/stock', { cookie });
    const rows = s.json.stock as { ndc: string; lot: string; on_hand: number; unit: string | null }[];
    // The later receipt names no unit: the one an earlier entry of the lot named still holds.
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect(rows.find((r) => r.lot === 'UNIT-T')).toMatchObject({ ndc: '00406-8003-01', on_hand: 131, unit: 'tablets' });
    expect(rows.find((r) => r.lot === 'UNIT-NONE')).toMatchObject({ ndc: '00054-4581-44', on_hand: 500, unit: null });
    expect(rows.find((r) => r.lot === 'UNIT-BOTH')).toMatchObject({ on_hand: 30, unit: null });
    expect(rows.find((r) => r.lot === 'UNIT-NUL')).toMatchObject({ on_hand: 5, unit: null });
    const admin = await adminCall<{ stock: { lot: string; unit: string | null }[] }>(url, token, 'GET', '/v1/admin/stock?facility_id=MAIN01');
    expect(admin.stock.find((r) => r.lot === 'UNIT-T')?.unit).toBe('tablets');
  });

  it('shows devices by facility with the fork flag, and holds and stock across facilities', async () => {
    const ws = await forkedDevice();
    const cookie = await signIn('rmanager', PW.rm);
    const d = await call(url, 'GET', '/console/api/devices', { cookie });
    const main = (d.json.facilities as { facility_id: string; devices: { device_id: string; flagged: boolean; flag_reason: string; head_seq: number }[] }[]).find((f) => f.facility_id === 'MAIN01')!;
    expect(main.devices.find((x) => x.device_id === ws.deviceId)).toMatchObject({ flagged: true, head_seq: 3, flag_reason: expect.stringContaining('fork at seq 2') });
    const s = await call(url, 'GET', '/console/api/stock', { cookie });
    expect(s.json.stock).toEqual(expect.arrayContaining([expect.objectContaining({ facility_id: 'MAIN01', ndc: '00002-1200-30', lot: 'LOT1' })]));
    // Holds from two facilities come oldest first, whichever facility; a released one is gone.
    await addFacility(url, token, 'EAST02');
    const east = newWorkstation('EAST02').ws;
    await enrollWorkstation(east, url, await enrollmentCode(url, token, 'EAST02'));
    const mainWs = newWorkstation('MAIN01').ws;
    await enrollWorkstation(mainWs, url, await enrollmentCode(url, token, 'MAIN01'));
    appendHold(mainWs, 'HOLD_PLACED', 'H-MAIN-NEW', { eventTime: '2026-03-02T10:00:00.000Z' });
    appendHold(east, 'HOLD_PLACED', 'H-EAST-OLD', { eventTime: '2026-03-01T10:00:00.000Z' });
    appendHold(east, 'HOLD_PLACED', 'H-EAST-GONE', { eventTime: '2026-02-01T10:00:00.000Z' });
    appendHold(east, 'HOLD_RELEASED', 'H-EAST-GONE');
    await syncOnce(mainWs);
    await syncOnce(east);
    const holds = (await call(url, 'GET', '/console/api/holds', { cookie })).json.holds as { hold_id: string; facility_id: string }[];
    expect(holds.filter((h) => String(h.hold_id).startsWith('H-')).map((h) => [h.hold_id, h.facility_id])).toEqual([
      ['H-EAST-OLD', 'EAST02'],
      ['H-MAIN-NEW', 'MAIN01'],
    ]);
  });

  it('refuses a clear by a regional manager, or with a wrong password: the device stays blocked', async () => {
    const ws = await forkedDevice();
    const rm = await signIn('rmanager', PW.rm);
    const byRm = await call(url, 'POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: rm, body: { password: PW.rm, reason: 'I looked at it and it seems fine' } });
    expect(byRm).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
    const co = await signIn('cofficer', PW.co);
    const wrongPw = await call(url, 'POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: co, body: { password: 'not-my-password', reason: 'restored backup removed, store confirmed' } });
    expect(wrongPw).toMatchObject({ status: 401, json: { error: 'BAD_CREDENTIALS' } });
    const noReason = await call(url, 'POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: co, body: { password: PW.co, reason: 'ok' } });
    expect(noReason).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST' } });
    expect(await flagged(ws.deviceId)).toBe(true);
    expect(await decisions(ws.deviceId)).toBe(0);
    const audit = await store.query<{ user_id: string; details: string }>("SELECT user_id, details FROM server_audit WHERE action = 'clear device flag' AND outcome = 'refused' AND details::jsonb ->> 'device_id' = $1", [ws.deviceId]);
    expect(audit.rows.map((r) => [r.user_id, (JSON.parse(r.details) as { code: string }).code])).toEqual([
      ['rmanager', 'FORBIDDEN'],
      ['cofficer', 'BAD_CREDENTIALS'],
    ]);
  });

  it('clears a fork with a signed decision: recorded, audited, and the device may push again', async () => {
    const ws = await forkedDevice();
    const co = await signIn('cofficer', PW.co);
    const reason = 'The store restored an old backup; the forked copy is wiped and the original disk is back.';
    const r = await call(url2, 'POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: co, body: { password: PW.co, reason }, origin: url2 });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.decision).toMatchObject({ device_id: ws.deviceId, decision: 'clear', reason, printed_name: 'Name of cofficer', role: 'compliance_officer', prior_flag_reason: expect.stringContaining('fork') });
    expect(await flagged(ws.deviceId)).toBe(false);
    expect(await decisions(ws.deviceId)).toBe(1);
    const done = await store.query("SELECT 1 FROM server_audit WHERE action = 'clear device flag' AND outcome = 'done' AND user_id = 'cofficer' AND details::jsonb ->> 'device_id' = $1", [ws.deviceId]);
    expect(done.rows).toHaveLength(1);
    // The device's own chain continues from the accepted head.
    appendEntries(ws, 1);
    const next = ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? AND seq = 4').all(ws.deviceId);
    expect((await devicePost(url, ws, '/v1/push', { entries: next })).status).toBe(200);
    // A second clear finds nothing to clear.
    expect(await call(url, 'POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: co, body: { password: PW.co, reason } })).toMatchObject({ status: 409, json: { error: 'CONFLICT' } });
  });

  it('adds a console user from the command line, the password on stdin', async () => {
    const r = await runCli(['server', 'user', 'add', '--server', url, '--token', token, '--user', 'cli-user', '--name', 'Casey Line', '--role', 'compliance_officer', '--json'], {}, 'cli-user-password-1\n');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ user: { user_id: 'cli-user', name: 'Casey Line', role: 'compliance_officer' } });
    await signIn('cli-user', 'cli-user-password-1');
    const bad = await runCli(['server', 'user', 'add', '--server', url, '--token', token, '--user', 'x2', '--name', 'X Two', '--role', 'pharmacist'], {}, 'long-enough-password\n');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('role');
  }, 60_000);

  it('serves the built page with its CSP and only the files it names', async () => {
    const ui = tempDir('console-ui');
    mkdirSync(join(ui, 'assets'));
    writeFileSync(join(ui, 'console.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(ui, 'assets', 'console-abc.js'), 'export {};');
    writeFileSync(join(ui, 'secret.txt'), 'not for the web');
    const app = await buildApp({ store, console: { uiDir: ui } });
    try {
      const page = await app.inject({ method: 'GET', url: '/console/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect((await app.inject({ method: 'GET', url: '/console' })).headers.location).toBe('/console/');
      expect((await app.inject({ method: 'GET', url: '/console/assets/console-abc.js' })).headers['content-type']).toContain('text/javascript');
      for (const bad of ['/console/assets/..%2Fsecret.txt', '/console/assets/..%2Fconsole.html', '/console/assets/secret.txt']) {
        expect((await app.inject({ method: 'GET', url: bad })).statusCode, bad).toBe(404);
      }
      const unbuilt = await buildApp({ store, console: { uiDir: join(ui, 'missing') } });
      expect((await unbuilt.inject({ method: 'GET', url: '/console/' })).statusCode).toBe(503);
      await unbuilt.close();
    } finally {
      await app.close();
    }
  });
});

describe('console idle end in a real server process', () => {
  afterAll(cleanupAll);

  it('ends a session left idle longer than --console-idle-seconds, and a used one lives on', async () => {
    const storage = { dataDir: tempDir('console-idle') };
    const token = await prepareServer(storage);
    const server = await spawnServer(storage, ['--console-idle-seconds', '4']);
    await adminCall(server.url, token, 'POST', '/v1/admin/console-users', { user_id: 'idler', name: 'Ida Idle', role: 'regional_manager', password: 'idle-password-01' });
    const signIn = await fetch(`${server.url}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'idler', password: 'idle-password-01' }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const me = async () => {
      const r = await fetch(`${server.url}/console/api/me`, { headers: { cookie } });
      return { status: r.status, error: ((await r.json()) as { error?: string }).error };
    };
    // Used every second for 5 s: more than the limit in all, never idle for it (a slow machine
    // has 3 s of slack per request).
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      expect(await me()).toEqual({ status: 200, error: undefined });
    }
    await new Promise((r) => setTimeout(r, 5000));
    expect(await me()).toEqual({ status: 401, error: 'SESSION_ENDED' });
    // Ended for good: using it again does not revive it.
    expect(await me()).toEqual({ status: 401, error: 'SESSION_ENDED' });
  }, 60_000);
});
