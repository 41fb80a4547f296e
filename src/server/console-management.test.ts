import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollWorkstation, syncOnce } from '../main/sync';
import type { Workstation } from '../main/workstation';
import { workstationHealth } from '../main/sync/health';
import { BACKENDS, addFacility, adminCall, appendEntries, appendHold, cleanupAll, devicePost, enrollmentCode, newWorkstation, storageFor } from '../../test/sync-faults/helpers';
import type { WireEntry } from '../shared/sync/protocol';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import type { Store } from './db/pg-adapter';
import { openServerStore } from './run';

const PW = { admin: 'admin-console-pw-1', co: 'compliance-pw-0001', rm: 'regional-pw-00001' };

interface Dev {
  device_id: string;
  retired_at: string | null;
  health: { quarantine_open: number; suspect_open: number | null } | null;
  alerts: { kind: string; value: number; threshold: number }[];
}
interface Fac {
  facility_id: string;
  quarantine_open: number | null;
  suspect_open: number | null;
  holds_over_threshold: number;
  alerts: { kind: string }[];
  devices: Dev[];
}

/**
 * The console's decisions and administration over HTTP: retiring a device, the health counts
 * and thresholds, enrollment codes and console users. Every refusal changes nothing and is audited.
 */
describe.each(BACKENDS)('console management on %s', (backend) => {
  let url = '';
  let token = '';
  let store: Store;
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const opened = await openServerStore(await storageFor(backend));
    store = opened.store;
    token = await createAdminToken(store);
    const app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await opened.release();
    };
    await addFacility(url, token, 'MAIN01');
    await addFacility(url, token, 'EAST02');
    for (const [user_id, role, password] of [
      ['root', 'administrator', PW.admin],
      ['cofficer', 'compliance_officer', PW.co],
      ['rmanager', 'regional_manager', PW.rm],
    ] as const) {
      await adminCall(url, token, 'POST', '/v1/admin/console-users', { user_id, name: `Name of ${user_id}`, role, password });
    }
  }, 120_000);
  afterAll(async () => {
    await close();
    await cleanupAll();
  });

  const call = async (method: 'GET' | 'POST', path: string, opts: { cookie?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: string; field?: string }, setCookie: res.headers.get('set-cookie') };
  };
  const signIn = async (user: string, password: string): Promise<{ cookie: string; mustChange: boolean }> => {
    const r = await call('POST', '/console/api/sign-in', { body: { user, password } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return { cookie: r.setCookie!.split(';')[0]!, mustChange: r.json.must_change_password === true };
  };
  const cookieOf = async (user: string, password: string) => (await signIn(user, password)).cookie;
  const enrolled = async (facility = 'MAIN01'): Promise<Workstation> => {
    const { ws } = newWorkstation(facility);
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, facility));
    return ws;
  };
  const facilities = async (cookie: string) => (await call('GET', '/console/api/devices', { cookie })).json.facilities as Fac[];
  const deviceIn = async (cookie: string, id: string) => (await facilities(cookie)).flatMap((f) => f.devices).find((d) => d.device_id === id)!;
  const auditRows = async (action: string, outcome: 'done' | 'refused') =>
    (await store.query<{ user_id: string | null; details: string }>('SELECT user_id, details FROM server_audit WHERE action = $1 AND outcome = $2 ORDER BY id', [action, outcome])).rows.map(
      (r) => ({ ...(JSON.parse(r.details) as Record<string, unknown>), user: r.user_id }) as Record<string, unknown> & { user: string | null },
    );
  const entriesOf = (ws: Workstation, from = 1) =>
    ws.db.prepare<[string, number], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? AND seq >= ? ORDER BY seq').all(ws.deviceId, from);

  describe('retiring a device', () => {
    it('refuses a regional manager (audited), a wrong password and a short reason; nothing changes', async () => {
      const ws = await enrolled();
      const rm = await cookieOf('rmanager', PW.rm);
      const byRm = await call('POST', `/console/api/devices/${ws.deviceId}/retire`, { cookie: rm, body: { password: PW.rm, reason: 'The laptop was stolen from the store' } });
      expect(byRm).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      const co = await cookieOf('cofficer', PW.co);
      expect(await call('POST', `/console/api/devices/${ws.deviceId}/retire`, { cookie: co, body: { password: 'not-my-password', reason: 'The laptop was stolen from the store' } })).toMatchObject({
        status: 401,
        json: { error: 'BAD_CREDENTIALS' },
      });
      expect(await call('POST', `/console/api/devices/${ws.deviceId}/retire`, { cookie: co, body: { password: PW.co, reason: 'stolen' } })).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST' } });
      const row = (await store.query<{ retired_at: Date | null }>('SELECT retired_at FROM devices WHERE device_id = $1', [ws.deviceId])).rows[0]!;
      expect(row.retired_at).toBeNull();
      expect((await store.query('SELECT 1 FROM device_decisions WHERE device_id = $1', [ws.deviceId])).rows).toHaveLength(0);
      expect((await auditRows('retire device', 'refused')).filter((a) => a.device_id === ws.deviceId).map((a) => [a.user, a.code])).toEqual([
        ['rmanager', 'FORBIDDEN'],
        ['cofficer', 'BAD_CREDENTIALS'],
      ]);
      // The device still syncs.
      appendEntries(ws, 1);
      expect((await syncOnce(ws)).accepted).toBe(1);
    });

    it('retires with a signed decision: pushes, pulls and a new enrollment refused DEVICE_RETIRED; its entries stay', async () => {
      const ws = await enrolled();
      appendEntries(ws, 3);
      await syncOnce(ws);
      const co = await cookieOf('cofficer', PW.co);
      const reason = 'Workstation stolen in a break-in (police report 2026-114); replaced by a new one.';
      const r = await call('POST', `/console/api/devices/${ws.deviceId}/retire`, { cookie: co, body: { password: PW.co, reason } });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.decision).toMatchObject({ device_id: ws.deviceId, decision: 'retire', reason, printed_name: 'Name of cofficer', role: 'compliance_officer' });
      const decision = (await store.query<{ decision: string; user_id: string; reason: string }>('SELECT decision, user_id, reason FROM device_decisions WHERE device_id = $1', [ws.deviceId])).rows;
      expect(decision).toEqual([{ decision: 'retire', user_id: 'cofficer', reason }]);
      expect((await auditRows('retire device', 'done')).filter((a) => a.device_id === ws.deviceId)).toHaveLength(1);
      expect((await deviceIn(co, ws.deviceId)).retired_at).toEqual(expect.any(String));

      appendEntries(ws, 1);
      const push = await devicePost(url, ws, '/v1/push', { entries: entriesOf(ws, 4) });
      expect(push).toMatchObject({ status: 403, json: { error: 'DEVICE_RETIRED' } });
      const pull = await devicePost(url, ws, '/v1/pull', { reference_cursor: 0, devices: {} });
      expect(pull).toMatchObject({ status: 403, json: { error: 'DEVICE_RETIRED' } });
      await expect(syncOnce(ws)).rejects.toMatchObject({ kind: 'auth', code: 'DEVICE_RETIRED' });
      await expect(enrollWorkstation(ws, url, await enrollmentCode(url, token, 'MAIN01'))).rejects.toThrow(/retired/);
      // What it pushed before stays: its chain, and the stock and admin views from it.
      expect(Number((await store.query<{ n: string }>('SELECT COUNT(*) AS n FROM entries WHERE device_id = $1', [ws.deviceId])).rows[0]!.n)).toBe(3);
      const verify = await adminCall<{ ok: boolean }>(url, token, 'GET', '/v1/admin/verify');
      expect(verify.ok).toBe(true);
      // Final: a second retire and a clear are refused.
      expect(await call('POST', `/console/api/devices/${ws.deviceId}/retire`, { cookie: co, body: { password: PW.co, reason } })).toMatchObject({ status: 409, json: { error: 'CONFLICT' } });
      await store.query('UPDATE devices SET flagged = true WHERE device_id = $1', [ws.deviceId]);
      expect(await call('POST', `/console/api/devices/${ws.deviceId}/clear`, { cookie: co, body: { password: PW.co, reason } })).toMatchObject({ status: 409, json: { error: 'CONFLICT' } });
    });
  });

  describe('health, quarantine and DSCSA suspect counts, thresholds', () => {
    it('shows the quarantine and suspect counts each workstation pushed, per device and per facility', async () => {
      const ws = await enrolled('EAST02');
      const other = await enrolled('EAST02');
      const put = (w: Workstation, reasons: string[]) => w.quarantine.put({ source: 'scan:receiving', raw: Buffer.from('x'), reasons, issues: [], correlationId: 'c', receivedAt: new Date().toISOString() });
      put(ws, ['DUPLICATE_SERIAL']);
      put(ws, ['BAD_LOT']);
      put(other, ['UNKNOWN_SERIAL']);
      for (const w of [ws, other]) {
        appendEntries(w, 2);
        await syncOnce(w, { batchSize: 1 }); // the first batch learns the server takes health; the second carries it
      }
      const sent = workstationHealth(ws);
      expect(sent).toMatchObject({ quarantine_open: 2, suspect_open: 1 });
      const cookie = await cookieOf('rmanager', PW.rm);
      expect((await deviceIn(cookie, ws.deviceId)).health).toMatchObject({ quarantine_open: 2, suspect_open: 1 });
      const east = (await facilities(cookie)).find((f) => f.facility_id === 'EAST02')!;
      expect(east).toMatchObject({ quarantine_open: 3, suspect_open: 2 });
    });

    it('refuses a health report for another facility (HEALTH_FACILITY_MISMATCH): nothing of the push is stored', async () => {
      const ws = await enrolled('MAIN01');
      appendEntries(ws, 2);
      const r = await devicePost(url, ws, '/v1/push', { entries: entriesOf(ws), health: { ...workstationHealth(ws), facility_id: 'EAST02' } });
      expect(r).toMatchObject({ status: 403, json: { error: 'HEALTH_FACILITY_MISMATCH', health_facility: 'EAST02', device_facility: 'MAIN01' } });
      expect((await store.query('SELECT 1 FROM device_health WHERE device_id = $1', [ws.deviceId])).rows).toHaveLength(0);
      expect((await store.query('SELECT 1 FROM entries WHERE device_id = $1', [ws.deviceId])).rows).toHaveLength(0);
    });

    it('takes thresholds from an administrator or compliance officer only, marks what is over, and counts it in /metrics', async () => {
      const rm = await cookieOf('rmanager', PW.rm);
      const body = { scope: 'global', entries_behind: 100, hours_since_push: 48, hold_open_hours: 24, quarantine_open: 5, suspect_open: 0 };
      expect(await call('POST', '/console/api/thresholds', { cookie: rm, body })).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      expect((await store.query('SELECT 1 FROM alert_thresholds')).rows).toHaveLength(0);
      const co = await cookieOf('cofficer', PW.co);
      expect(await call('POST', '/console/api/thresholds', { cookie: co, body: { ...body, quarantine_open: -1 } })).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST', field: 'quarantine_open' } });
      expect(await call('POST', '/console/api/thresholds', { cookie: co, body: { ...body, scope: 'NOPE99' } })).toMatchObject({ status: 404, json: { error: 'UNKNOWN_FACILITY' } });
      expect((await call('POST', '/console/api/thresholds', { cookie: co, body })).status).toBe(200);
      // EAST02's own quarantine threshold overrides the global one; the rest come from global.
      expect((await call('POST', '/console/api/thresholds', { cookie: co, body: { scope: 'EAST02', entries_behind: null, hours_since_push: null, hold_open_hours: null, quarantine_open: 1, suspect_open: null } })).status).toBe(200);
      const counter = await enrolled('EAST02');
      appendHold(counter, 'HOLD_PLACED', 'H-OLD', { eventTime: new Date(Date.now() - 30 * 3_600_000).toISOString() });
      appendHold(counter, 'HOLD_PLACED', 'H-NEW', { eventTime: new Date(Date.now() - 1 * 3_600_000).toISOString() });
      await syncOnce(counter);
      const east = (await facilities(co)).find((f) => f.facility_id === 'EAST02')!;
      expect(east.holds_over_threshold).toBe(1);
      expect(east.alerts.map((a) => a.kind)).toEqual(['hold_open_hours']);
      const noisy = east.devices.find((d) => (d.health?.quarantine_open ?? 0) === 2)!;
      expect(noisy.alerts).toEqual(expect.arrayContaining([{ kind: 'quarantine_open', value: 2, threshold: 1 }, { kind: 'suspect_open', value: 1, threshold: 0 }]));
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(metrics).toContain('rxledger_over_threshold{facility="EAST02",kind="hold_open_hours"} 1');
      expect(metrics).toMatch(/rxledger_over_threshold\{facility="EAST02",kind="suspect_open"\} 2/);
      expect(metrics).toMatch(/rxledger_workstation_suspect_open\{facility="EAST02",device="[^"]+"\} 1/);
      const audit = await auditRows('set alert thresholds', 'done');
      expect(audit.at(-1)).toMatchObject({ user: 'cofficer', scope: 'EAST02', after: { quarantine_open: 1 } });
      expect((await auditRows('set alert thresholds', 'refused')).map((a) => a.code)).toEqual(expect.arrayContaining(['FORBIDDEN']));
    });
  });

  describe('enrollment codes from the console', () => {
    it('lets an administrator make a code, shown once, listed unused/used/expired without its secret; others are refused', async () => {
      const co = await cookieOf('cofficer', PW.co);
      expect(await call('POST', '/console/api/enrollment-codes', { cookie: co, body: { facility_id: 'MAIN01' } })).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      const admin = await cookieOf('root', PW.admin);
      expect(await call('POST', '/console/api/enrollment-codes', { cookie: admin, body: { facility_id: 'NOPE99' } })).toMatchObject({ status: 404, json: { error: 'UNKNOWN_FACILITY' } });
      expect(await call('POST', '/console/api/enrollment-codes', { cookie: admin, body: { facility_id: 'MAIN01', expires_in_hours: 0 } })).toMatchObject({
        status: 400,
        json: { error: 'BAD_REQUEST', field: 'expires_in_hours' },
      });
      const made = await call('POST', '/console/api/enrollment-codes', { cookie: admin, body: { facility_id: 'MAIN01', expires_in_hours: 24 } });
      expect(made.status).toBe(201);
      const code = String(made.json.code);
      expect(code).toMatch(/^[A-Z2-7]{8}-[A-Z2-7]{24}$/);
      const hours = (Date.parse(String(made.json.expires_at)) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThanOrEqual(24);
      const expiring = await call('POST', '/console/api/enrollment-codes', { cookie: admin, body: { facility_id: 'MAIN01' } });
      await store.query("UPDATE enrollment_codes SET expires_at = now() - interval '1 minute' WHERE code_id = $1", [String(expiring.json.code_id)]);
      const { ws } = newWorkstation('MAIN01');
      await enrollWorkstation(ws, url, code);
      const list = await call('GET', '/console/api/enrollment-codes', { cookie: co });
      expect(JSON.stringify(list.json)).not.toContain(code.split('-')[1]!);
      const codes = list.json.codes as { code_id: string; status: string; used_by_device: string | null; created_by: string }[];
      expect(codes.find((c) => c.code_id === made.json.code_id)).toMatchObject({ status: 'used', used_by_device: ws.deviceId, created_by: 'root' });
      expect(codes.find((c) => c.code_id === expiring.json.code_id)).toMatchObject({ status: 'expired' });
      expect(codes.some((c) => c.status === 'unused' && c.created_by === 'administrator token')).toBe(true);
      expect((await auditRows('make enrollment code', 'done')).map((a) => [a.user, a.code_id])).toEqual([
        ['root', made.json.code_id],
        ['root', expiring.json.code_id],
      ]);
      const audited = JSON.stringify(await auditRows('make enrollment code', 'done'));
      expect(audited).not.toContain(code.split('-')[1]!);
      expect((await auditRows('make enrollment code', 'refused')).map((a) => [a.user, a.code])).toEqual([
        ['cofficer', 'FORBIDDEN'],
        ['root', 'UNKNOWN_FACILITY'],
      ]);
    });
  });

  describe('console users', () => {
    it('adds a user with a temporary password that must be changed first; passwd follows the rules', async () => {
      const co = await cookieOf('cofficer', PW.co);
      const newUser = { user_id: 'newbie', name: 'Nia Newbie', role: 'regional_manager', password: 'temporary-pw-123' };
      expect(await call('POST', '/console/api/users', { cookie: co, body: newUser })).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      const admin = await cookieOf('root', PW.admin);
      expect(await call('POST', '/console/api/users', { cookie: admin, body: { ...newUser, password: 'short' } })).toMatchObject({ status: 400, json: { error: 'WEAK_PASSWORD', field: 'password' } });
      expect(await call('POST', '/console/api/users', { cookie: admin, body: { ...newUser, user_id: 'Bad Id' } })).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST', field: 'user_id' } });
      expect(await call('POST', '/console/api/users', { cookie: admin, body: { ...newUser, user_id: 'cofficer' } })).toMatchObject({ status: 409, json: { error: 'CONFLICT', field: 'user_id' } });
      expect(await call('POST', '/console/api/users', { cookie: admin, body: { ...newUser, name: 'Name of cofficer' } })).toMatchObject({ status: 409, json: { error: 'CONFLICT', field: 'name' } });
      expect((await store.query("SELECT 1 FROM console_users WHERE user_id = 'newbie'")).rows).toHaveLength(0);
      expect((await call('POST', '/console/api/users', { cookie: admin, body: newUser })).status).toBe(201);

      const first = await signIn('newbie', newUser.password);
      expect(first.mustChange).toBe(true);
      expect(await call('GET', '/console/api/devices', { cookie: first.cookie })).toMatchObject({ status: 403, json: { error: 'MUST_CHANGE_PASSWORD' } });
      expect((await call('GET', '/console/api/me', { cookie: first.cookie })).json).toMatchObject({ must_change_password: true });
      const passwd = (body: unknown) => call('POST', '/console/api/passwd', { cookie: first.cookie, body });
      expect(await passwd({ current_password: 'wrong-password-1', new_password: 'my-own-password-1' })).toMatchObject({ status: 401, json: { error: 'BAD_CREDENTIALS', field: 'current_password' } });
      expect(await passwd({ current_password: newUser.password, new_password: 'short' })).toMatchObject({ status: 400, json: { error: 'WEAK_PASSWORD', field: 'new_password' } });
      expect(await passwd({ current_password: newUser.password, new_password: newUser.password })).toMatchObject({ status: 400, json: { error: 'WEAK_PASSWORD', field: 'new_password' } });
      expect((await passwd({ current_password: newUser.password, new_password: 'my-own-password-1' })).status).toBe(200);
      expect((await call('GET', '/console/api/devices', { cookie: first.cookie })).status).toBe(200);
      expect((await signIn('newbie', 'my-own-password-1')).mustChange).toBe(false);
      expect((await auditRows('add console user', 'done')).map((a) => [a.user, a.user_id])).toEqual([['root', 'newbie']]);
      expect((await auditRows('change own password', 'done')).map((a) => a.user)).toEqual(['newbie']);
      expect((await auditRows('change own password', 'refused')).map((a) => a.code)).toEqual(['BAD_CREDENTIALS', 'WEAK_PASSWORD', 'WEAK_PASSWORD']);
    });

    it('resets a password (sessions end, a forced change) and disables a user (cannot sign in, sessions end) and enables them again', async () => {
      const admin = await cookieOf('root', PW.admin);
      await call('POST', '/console/api/users', { cookie: admin, body: { user_id: 'leaver', name: 'Lee Leaver', role: 'compliance_officer', password: 'temporary-pw-456' } });
      const s = await signIn('leaver', 'temporary-pw-456');
      await call('POST', '/console/api/passwd', { cookie: s.cookie, body: { current_password: 'temporary-pw-456', new_password: 'leavers-own-pw-1' } });
      const live = await cookieOf('leaver', 'leavers-own-pw-1');

      const rm = await cookieOf('rmanager', PW.rm);
      expect(await call('POST', '/console/api/users/leaver/disable', { cookie: rm })).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      expect(await call('GET', '/console/api/users', { cookie: rm })).toMatchObject({ status: 403, json: { error: 'FORBIDDEN' } });
      expect((await call('GET', '/console/api/me', { cookie: live })).status).toBe(200);

      expect(await call('POST', '/console/api/users/leaver/reset-password', { cookie: admin, body: { password: 'x' } })).toMatchObject({ status: 400, json: { error: 'WEAK_PASSWORD', field: 'password' } });
      expect(await call('POST', '/console/api/users/nobody/reset-password', { cookie: admin, body: { password: 'reset-password-01' } })).toMatchObject({ status: 404, json: { error: 'NOT_FOUND' } });
      expect((await call('POST', '/console/api/users/leaver/reset-password', { cookie: admin, body: { password: 'reset-password-01' } })).status).toBe(200);
      expect(await call('GET', '/console/api/me', { cookie: live })).toMatchObject({ status: 401, json: { error: 'SESSION_ENDED' } });
      const afterReset = await signIn('leaver', 'reset-password-01');
      expect(afterReset.mustChange).toBe(true);

      expect(await call('POST', '/console/api/users/root/disable', { cookie: admin })).toMatchObject({ status: 409, json: { error: 'CONFLICT' } });
      const disabled = await call('POST', '/console/api/users/leaver/disable', { cookie: admin });
      expect(disabled).toMatchObject({ status: 200, json: { user: { user_id: 'leaver', disabled: true } } });
      expect(await call('GET', '/console/api/me', { cookie: afterReset.cookie })).toMatchObject({ status: 401, json: { error: 'SESSION_ENDED' } });
      expect(await call('POST', '/console/api/sign-in', { body: { user: 'leaver', password: 'reset-password-01' } })).toMatchObject({ status: 403, json: { error: 'DISABLED' } });
      const users = (await call('GET', '/console/api/users', { cookie: admin })).json.users as { user_id: string; disabled: boolean }[];
      expect(users.find((u) => u.user_id === 'leaver')).toMatchObject({ disabled: true });
      expect((await call('POST', '/console/api/users/leaver/enable', { cookie: admin })).status).toBe(200);
      expect((await signIn('leaver', 'reset-password-01')).mustChange).toBe(true);
      expect((await auditRows('disable console user', 'done')).map((a) => [a.user, a.user_id])).toEqual([['root', 'leaver']]);
      expect((await auditRows('disable console user', 'refused')).map((a) => [a.user, a.code])).toEqual([
        ['rmanager', 'FORBIDDEN'],
        ['root', 'CONFLICT'],
      ]);
      expect((await auditRows('reset console password', 'done')).map((a) => a.user_id)).toEqual(['leaver']);
    });
  });
});
