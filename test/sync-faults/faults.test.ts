import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageChoice } from '../../src/server/run';
import { enrollWorkstation, startSyncWorker, syncOnce, syncStatus } from '../../src/main/sync';
import { SyncState } from '../../src/main/sync/state';
import { Workstation } from '../../src/main/workstation';
import { startFaultProxy, type FaultMode } from './fault-proxy';
import {
  BACKENDS,
  CLI,
  REPO,
  addFacility,
  appendEntries,
  cleanupAll,
  enrollmentCode,
  expectUnion,
  newWorkstation,
  outboxDepth,
  prepareServer,
  runCli,
  serverDevices,
  spawnServer,
  uniqueFacilityId,
  type ServerProcess,
  storageFor,
  waitFor,
  ENROLLER,
} from './helpers';

const FAST_RETRY = { baseMs: 20, capMs: 300 };
/** Generous limits for tests that move thousands of entries on a busy 2-core machine: they stop a hang, they assert no speed. */
const HEAVY = 150_000;

afterAll(cleanupAll);

describe.each(BACKENDS)('sync under faults, server on %s', (backend) => {
  /** One real server process shared by the tests of this backend; each test has its own facility. */
  let shared: { storage: StorageChoice; token: string; server: ServerProcess } | null = null;
  beforeAll(async () => {
    const storage = await storageFor(backend);
    const token = await prepareServer(storage);
    shared = { storage, token, server: await spawnServer(storage) };
  });

  /** n workstations enrolled in a new facility (on the shared server, or on `own`). */
  const setup = async (n = 1, own?: { storage: StorageChoice; token: string; server: ServerProcess }) => {
    const { storage, token, server } = own ?? shared!;
    const facility = uniqueFacilityId();
    await addFacility(server.url, token, facility);
    const wss: Workstation[] = [];
    for (let i = 0; i < n; i++) {
      const { ws } = newWorkstation(facility);
      await enrollWorkstation(ws, server.url, await enrollmentCode(server.url, token, facility));
      wss.push(ws);
    }
    return { storage, token, server, wss, facility };
  };

  it('keeps 10,000 entries while the server is down, shows it, and drains them when it is back', async () => {
    // A server of its own: this test stops it.
    const storage = await storageFor(backend);
    const own = { storage, token: await prepareServer(storage), server: await spawnServer(storage) };
    const { token, server, wss } = await setup(1, own);
    const ws = wss[0]!;
    const port = Number(new URL(server.url).port);
    await server.stop();
    appendEntries(ws, 10_000);
    const worker = startSyncWorker(ws, { retry: FAST_RETRY, pollMs: 50, timeoutMs: 2_000 });
    try {
      const offline = await waitFor(() => {
        const s = syncStatus(ws);
        return s.state === 'offline' && s.message?.includes('unreachable') ? s : null;
      }, 'the status bar to show offline');
      expect(offline.outboxDepth).toBe(10_000);
      expect(offline.oldestUnsentAt).not.toBeNull();
      const back = await spawnServer(storage, [], port);
      await waitFor(() => outboxDepth(ws) === 0 && syncStatus(ws).state === 'online', 'the outbox to drain');
      const s = syncStatus(ws);
      expect(s.state).toBe('online');
      expect(s.lastSyncAt).not.toBeNull();
      expect(s.oldestUnsentAt).toBeNull();
      await worker.stop();
      await expectUnion(back.url, token, [ws]);
    } finally {
      await worker.stop();
    }
  }, HEAVY);

  const faults: [string, (n: number) => FaultMode, number][] = [
    ['500s', (n) => (n % 3 !== 0 ? 'error500' : 'pass'), 0],
    ['timeouts (the server never answers)', (n) => (n % 3 === 1 ? 'hang' : 'pass'), 0],
    ['connection resets', (n) => (n % 2 === 1 ? 'reset' : 'pass'), 0],
    ['lost responses after the server committed (duplicate delivery)', (n) => (n % 2 === 1 ? 'drop-response' : 'pass'), 0],
  ];
  it.each(faults)('drains through %s, nothing lost, nothing doubled', async (_name, plan) => {
    const { token, server, wss } = await setup();
    const ws = wss[0]!;
    const proxy = await startFaultProxy(server.url);
    proxy.plan = ({ path, n }) => (path === '/v1/push' || path === '/v1/pull' ? plan(n) : 'pass');
    try {
      appendEntries(ws, 1_500);
      const worker = startSyncWorker(ws, { serverUrl: proxy.url, batchSize: 250, retry: FAST_RETRY, pollMs: 50, timeoutMs: 1_000 });
      await waitFor(() => outboxDepth(ws) === 0 && syncStatus(ws).state === 'online', 'the outbox to drain');
      await worker.stop();
      const injected = Object.entries(proxy.counts).filter(([k]) => k !== 'pass').reduce((s, [, v]) => s + v, 0);
      expect(injected).toBeGreaterThan(0);
      await expectUnion(server.url, token, [ws]);
    } finally {
      await proxy.close();
    }
  }, HEAVY);

  it('resumes after the workstation is killed with SIGKILL in the middle of a push', async () => {
    const { token, server, wss } = await setup();
    const ws = wss[0]!;
    appendEntries(ws, 6_000);
    const total = ws.ledger.head().seq;
    const dir = ws.dataDir;
    const deviceId = ws.deviceId;
    ws.close();
    const child = spawn(process.execPath, [CLI, 'sync', '--data', dir, '--batch-size', '50'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code, sig) => r(sig === 'SIGKILL' ? -9 : code)));
    const serverHead = async () => (await serverDevices(server.url, token)).find((d) => d.device_id === deviceId)!.head_seq;
    const seen = await waitFor(async () => {
      const h = await serverHead();
      return h > 0 ? h : null;
    }, 'the first batches to reach the server', 90_000, 20);
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    // A push the server had received whole may still commit after the kill (nobody is left to
    // hear the answer): the head the server ends with is the one to compare with.
    let killedAt = await serverHead();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const h = await serverHead();
      if (h === killedAt) break;
      killedAt = h;
    }
    expect(killedAt).toBeGreaterThanOrEqual(seen);
    expect(killedAt).toBeLessThan(total);

    const again = Workstation.open(dir);
    try {
      // Every entry is either on the server or still in the outbox.
      const unsentAbove = again.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE seq > ?').get(killedAt)!.n;
      expect(unsentAbove).toBe(total - killedAt);
      expect(again.verify().ok).toBe(true);
      const r = await runCli(['sync', '--data', dir, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { pushed: number; pulled: number; accepted: number };
      expect(out.accepted).toBe(total - killedAt);
      expect(out.pushed).toBeGreaterThanOrEqual(out.accepted);
      await expectUnion(server.url, token, [again]);
    } finally {
      again.close();
    }
  }, HEAVY);

  it('tries a push once more at once when its connection is cut, with a new challenge; a second cut is left to the outbox', async () => {
    const { token, server, wss } = await setup();
    const ws = wss[0]!;
    const proxy = await startFaultProxy(server.url);
    try {
      // Cut before the server saw it (a kept-alive socket the server had closed): pushed on the second try.
      appendEntries(ws, 20);
      proxy.plan = ({ path, n }) => (path === '/v1/push' && n === 1 ? 'reset' : 'pass');
      expect(await syncOnce(ws, { serverUrl: proxy.url })).toMatchObject({ pushed: 20, accepted: 20, already: 0, outboxDepth: 0 });
      expect(proxy.counts.reset).toBe(1);

      // Cut after the server committed: the second try finds them there, nothing doubled.
      appendEntries(ws, 15);
      proxy.plan = ({ path, n }) => (path === '/v1/push' && n === 3 ? 'drop-response' : 'pass');
      expect(await syncOnce(ws, { serverUrl: proxy.url })).toMatchObject({ pushed: 15, accepted: 0, already: 15, outboxDepth: 0 });
      expect(proxy.counts['drop-response']).toBe(1);

      // Cut twice in a row: the attempt fails as "unreachable" and the entries wait in the outbox.
      appendEntries(ws, 5);
      proxy.plan = ({ path, n }) => (path === '/v1/push' && (n === 5 || n === 6) ? 'reset' : 'pass');
      await expect(syncOnce(ws, { serverUrl: proxy.url })).rejects.toMatchObject({ kind: 'transient', message: expect.stringContaining('unreachable') });
      expect(outboxDepth(ws)).toBe(5);
      expect(await syncOnce(ws, { serverUrl: proxy.url })).toMatchObject({ pushed: 5, accepted: 5, outboxDepth: 0 });
      await expectUnion(server.url, token, [ws]);
    } finally {
      await proxy.close();
    }
  }, HEAVY);

  it('syncs with workstation clocks hours off (no synchronized clock in the protocol)', async () => {
    const { token, server, facility } = await setup(0);
    const ahead = 7 * 3600_000;
    const behind = -30 * 3600_000;
    const made: Workstation[] = [];
    for (const skew of [ahead, behind]) {
      const { dir, ws } = newWorkstation(facility);
      ws.close();
      const skewed = Workstation.open(dir, { clock: { now: () => new Date(Date.now() + skew) } });
      made.push(skewed);
      appendEntries(skewed, 300);
      // Enroll and sync from real processes whose whole clock is off.
      const env = { RXL_TEST_SKEW_MS: String(skew), NODE_OPTIONS: `--import ${join(REPO, 'test/sync-faults/skew-clock.mjs')}` };
      const code = await enrollmentCode(server.url, token, facility);
      skewed.close();
      const e = await runCli(['enroll', '--data', dir, '--as', ENROLLER.userId, '--server', server.url, '--code', code], env, `${ENROLLER.password}\n`);
      expect(e.code, e.stderr).toBe(0);
      const s = await runCli(['sync', '--data', dir, '--json'], env);
      expect(s.code, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout)).toMatchObject({ pushed: 300 });
      made[made.length - 1] = Workstation.open(dir, { clock: { now: () => new Date(Date.now() + skew) } });
    }
    for (const ws of made) await syncOnce(ws);
    await expectUnion(server.url, token, made);
    const recorded = made.map((ws) => new SyncState(ws.db).get('last_sync_at'));
    expect(recorded.every((r) => r !== null)).toBe(true);
    for (const ws of made) ws.close();
  }, HEAVY);

  it.skipIf(backend === 'pglite')(
    'two server processes on one PostgreSQL, two workstations pushing at once through both (needs PostgreSQL; on PGlite skipped: embedded storage serves one process)',
    async () => {
      const { storage, token, server, wss } = await setup(2);
      // A second process on the same PostgreSQL.
      const second = await spawnServer(storage);
      const [a, b] = wss as [Workstation, Workstation];
      appendEntries(a, 2_500);
      appendEntries(b, 2_500);
      // Each workstation pushes through both processes at the same time: the device row lock
      // must serialize them so every seq lands once.
      await Promise.all([
        syncOnce(a, { serverUrl: server.url, batchSize: 200 }),
        syncOnce(a, { serverUrl: second.url, batchSize: 300 }),
        syncOnce(b, { serverUrl: second.url, batchSize: 200 }),
        syncOnce(b, { serverUrl: server.url, batchSize: 300 }),
      ]);
      await syncOnce(a, { serverUrl: second.url });
      await syncOnce(b, { serverUrl: server.url });
      await expectUnion(server.url, token, [a, b]);
      await expectUnion(second.url, token, [a, b]);
      // Each now holds the other's chain, verified, and the same facility stock.
      const stock = (ws: Workstation) => ws.db.prepare<[], { s: number }>('SELECT SUM(on_hand) AS s FROM stock').get()!.s;
      expect(stock(a)).toBe(stock(b));
      expect(a.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM ledger_entries WHERE device_id = ?').get(b.deviceId)!.n).toBe(2_500);
    },
    HEAVY,
  );
});
