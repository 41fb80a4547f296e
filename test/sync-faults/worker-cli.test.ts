import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/ledger/canonical';
import { signHash } from '../../src/main/keys/device-key';
import { entryHash } from '../../src/main/ledger/hash';
import { enrollWorkstation, startSyncWorker, syncOnce, syncStatus } from '../../src/main/sync';
import { SyncClient } from '../../src/main/sync/http-client';
import { PushResponse, type WireEntry } from '../../src/shared/sync/protocol';
import { Workstation } from '../../src/main/workstation';
import { startFaultProxy } from './fault-proxy';
import {
  addFacility,
  appendEntries,
  cleanupAll,
  enrollmentCode,
  expectUnion,
  newWorkstation,
  outboxDepth,
  runCli,
  serverDevices,
  spawnServer,
  storageFor,
  uniqueFacilityId,
  waitFor,
  type ServerProcess,
  ENROLLER,
} from './helpers';

describe('the outbox worker and the CLI against a real server process (PGlite)', () => {
  let server: ServerProcess;
  let token = '';
  let dataDir = '';
  beforeAll(async () => {
    const storage = await storageFor('pglite');
    dataDir = storage.dataDir!;
    // Through the CLI, as an administrator would.
    const init = await runCli(['server', 'init', '--data', dataDir, '--json']);
    expect(init.code, init.stderr).toBe(0);
    token = (JSON.parse(init.stdout) as { token: string }).token;
    const again = await runCli(['server', 'init', '--data', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already initialized/);
    server = await spawnServer(storage);
  });
  afterAll(cleanupAll);

  it('enrolling from the command line needs a manager or administrator who proves it; nothing changes otherwise', async () => {
    const { ws, dir } = newWorkstation(uniqueFacilityId());
    ws.users.create({ userId: 'tess', name: 'Tess Tech', role: 'technician', password: 'technician-pass-1', mustChange: false, actor: 'test' });
    ws.close();
    const none = await runCli(['enroll', '--data', dir, '--server', server.url, '--code', 'ABCDEFGH-0123456789ABCDEFGHJKMNPQ']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/enroll needs --as USER/);
    const tech = await runCli(['enroll', '--data', dir, '--as', 'tess', '--server', server.url, '--code', 'ABCDEFGH-0123456789ABCDEFGHJKMNPQ'], {}, 'technician-pass-1\n');
    expect(tech.code).toBe(4);
    expect(tech.stderr).toMatch(/FORBIDDEN: a technician may not enroll this workstation/);
    const opened = Workstation.open(dir);
    try {
      expect(syncStatus(opened).state).toBe('not-enrolled');
    } finally {
      opened.close();
    }
  });

  it('enrolls and syncs from the command line, and refuses a replayed code', async () => {
    const facility = uniqueFacilityId();
    const add = await runCli(['server', 'facility', 'add', '--server', server.url, '--token', token, '--id', facility, '--name', 'Elm Street Pharmacy', '--dea-number', 'BE7654321', '--address', '9 Elm St']);
    expect(add.code, add.stderr).toBe(0);
    const codeRun = await runCli(['server', 'enrollment-code', '--server', server.url, '--facility', facility], { RXLEDGER_ADMIN_TOKEN: token });
    expect(codeRun.code, codeRun.stderr).toBe(0);
    const code = codeRun.stdout.trim();
    const { ws, dir } = newWorkstation(facility);
    appendEntries(ws, 40);
    ws.close();
    const e = await runCli(['enroll', '--data', dir, '--as', ENROLLER.userId, '--server', server.url, '--code', code], {}, `${ENROLLER.password}\n`);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/Elm Street Pharmacy/);
    const s = await runCli(['sync', '--data', dir, '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ pushed: 40, pulled: 0 });
    const opened = Workstation.open(dir);
    try {
      expect(opened.setting('facility_name')).toBe('Elm Street Pharmacy');
      expect(opened.setting('facility_dea_number')).toBe('BE7654321');
      expect(syncStatus(opened)).toMatchObject({ state: 'online', outboxDepth: 0 });
      await expectUnion(server.url, token, [opened]);
    } finally {
      opened.close();
    }
    const other = newWorkstation(facility);
    other.ws.close();
    const replay = await runCli(['enroll', '--data', other.dir, '--as', ENROLLER.userId, '--server', server.url, '--code', code], {}, `${ENROLLER.password}\n`);
    expect(replay.code).toBe(4);
    expect(replay.stderr).toMatch(/already used/);
    const devices = await runCli(['server', 'devices', '--server', server.url, '--token', token]);
    expect((JSON.parse(devices.stdout) as { devices: { facility_id: string }[] }).devices.filter((d) => d.facility_id === facility)).toHaveLength(1);
  }, 120_000);

  it('says "not enrolled" instead of failing silently', async () => {
    const { ws, dir } = newWorkstation(uniqueFacilityId());
    expect(syncStatus(ws).state).toBe('not-enrolled');
    ws.close();
    const r = await runCli(['sync', '--data', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not enrolled/);
  });

  it('resumes after the host stops mid-drain and the workstation is reopened', async () => {
    const facility = uniqueFacilityId();
    await addFacility(server.url, token, facility);
    const { ws, dir } = newWorkstation(facility);
    await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, facility));
    appendEntries(ws, 3_000);
    const first = startSyncWorker(ws, { batchSize: 100, pollMs: 20 });
    const head = async () => (await serverDevices(server.url, token)).find((d) => d.device_id === ws.deviceId)!.head_seq;
    await waitFor(async () => (await head()) > 0, 'the first batch');
    await first.stop();
    ws.close();
    const again = Workstation.open(dir);
    try {
      expect(outboxDepth(again)).toBeGreaterThan(0);
      const second = startSyncWorker(again, { batchSize: 500, pollMs: 20 });
      await waitFor(() => outboxDepth(again) === 0 && syncStatus(again).state === 'online', 'the rest to drain');
      await second.stop();
      await expectUnion(server.url, token, [again]);
    } finally {
      again.close();
    }
  }, 120_000);

  it('stops with a visible alarm when the server refuses the device, and does not keep knocking', async () => {
    const facility = uniqueFacilityId();
    await addFacility(server.url, token, facility);
    const { ws } = newWorkstation(facility);
    await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, facility));
    appendEntries(ws, 5);
    await syncOnce(ws);
    // The device signs a second history at seq 2 (a restored backup that kept writing): the
    // server refuses it as a fork and blocks the device.
    const e2 = ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? AND seq = 2').get(ws.deviceId)!;
    const body = canonicalJson({ ...(JSON.parse(e2.body) as Record<string, unknown>), actor: 'restored-backup' });
    const hash = entryHash(e2.prev_hash, body);
    const client = new SyncClient({ serverUrl: server.url, deviceId: ws.deviceId, privateKey: ws.deviceKey.privateKey });
    await expect(client.signedPost('/v1/push', { entries: [{ ...e2, body, hash, signature: signHash(ws.deviceKey.privateKey, hash) }] }, PushResponse)).rejects.toMatchObject({ code: 'FORK' });

    appendEntries(ws, 3);
    const proxy = await startFaultProxy(server.url);
    try {
      const worker = startSyncWorker(ws, { serverUrl: proxy.url, pollMs: 20, retry: { baseMs: 10, capMs: 50 } });
      const s = await waitFor(() => {
        const st = syncStatus(ws);
        return st.state === 'auth-refused' ? st : null;
      }, 'the auth-refused alarm');
      expect(s.message).toMatch(/blocked by the central office/);
      expect(s.outboxDepth).toBe(3);
      const knocks = proxy.counts.pass;
      worker.nudge();
      await new Promise((r) => setTimeout(r, 500));
      expect(proxy.counts.pass).toBe(knocks);
      expect(syncStatus(ws).state).toBe('auth-refused');
      await worker.stop();
      const audit = ws.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'SYNC_AUTH_REFUSED'").get()!.n;
      expect(audit).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
