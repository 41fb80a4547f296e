import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollWorkstation, syncOnce } from '../main/sync';
import { workstationHealth } from '../main/sync/health';
import type { Workstation } from '../main/workstation';
import { BACKENDS, addFacility, adminCall, appendEntries, cleanupAll, enrollmentCode, newWorkstation, storageFor } from '../../test/sync-faults/helpers';
import { HEADERS, requestSigningString, type WireEntry } from '../shared/sync/protocol';
import { buildApp } from './app';
import { createAdminToken } from './auth/admin-token';
import { sha256Hex } from './crypto';
import type { Store } from './db/pg-adapter';
import { openServerStore } from './run';

/** Prometheus text: `name{labels} value` lines, comments skipped. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a Prometheus sample line: ${l}`);
      const labels: Record<string, string> = {};
      for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[p[1]!] = p[2]!;
      return { name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) };
    });
}

describe.each(BACKENDS)('metrics and workstation health on %s', (backend) => {
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
  });
  afterAll(async () => {
    await close();
    await cleanupAll();
  });

  const enrolled = async (facility: string): Promise<Workstation> => {
    const { ws } = newWorkstation(facility);
    await enrollWorkstation(ws, url, await enrollmentCode(url, token, facility));
    return ws;
  };
  const scrape = async () => {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    return samples(await res.text());
  };

  it('exposes push counts, latency histograms, lag and the health each workstation sent with its push, from the database', async () => {
    const ws = await enrolled('MAIN01');
    appendEntries(ws, 30);
    // The first batch learns that this server takes health; the later ones carry it.
    await syncOnce(ws, { batchSize: 10 });
    appendEntries(ws, 5);
    await syncOnce(ws, { batchSize: 10 });
    const sent = workstationHealth(ws);
    const m = await scrape();
    const one = (name: string, labels: Record<string, string>) => m.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(one('rxledger_workstation_outbox_depth', { facility: 'MAIN01', device: ws.deviceId })).toHaveLength(1);
    expect(one('rxledger_workstation_quarantine_open', { facility: 'MAIN01', device: ws.deviceId })[0]!.value).toBe(sent.quarantine_open);
    expect(one('rxledger_workstation_health_age_seconds', { device: ws.deviceId })[0]!.value).toBeGreaterThanOrEqual(0);
    expect(one('rxledger_facility_lag_entries', { facility: 'MAIN01' })[0]!.value).toBe(0);
    expect(one('rxledger_devices', { facility: 'EAST02' })[0]!.value).toBe(0);
    expect(one('rxledger_push_requests_total', { outcome: 'ok' })[0]!.value).toBeGreaterThanOrEqual(4);
    expect(one('rxledger_entries_verified_total', { result: 'ok' })[0]!.value).toBeGreaterThanOrEqual(35);
    // A histogram per route: cumulative buckets ending in +Inf equal to the count.
    const buckets = one('rxledger_http_request_duration_seconds_bucket', { route: '/v1/push', method: 'POST', status: '2xx' });
    const count = one('rxledger_http_request_duration_seconds_count', { route: '/v1/push', method: 'POST', status: '2xx' })[0]!.value;
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    expect(buckets.at(-1)!.value).toBe(count);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    // Health is kept in the database, so any server process reports it.
    const row = (await store.query<{ outbox_depth: number }>('SELECT outbox_depth FROM device_health WHERE device_id = $1', [ws.deviceId])).rows[0];
    expect(row).toBeDefined();
  });

  it('refuses /metrics without the administrator token', async () => {
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe('ADMIN_TOKEN_MISSING');
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer rxa_not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('ADMIN_TOKEN_REFUSED');
  });

  it('refuses a push that reports health for another facility, and stores nothing of it', async () => {
    const ws = await enrolled('MAIN01');
    appendEntries(ws, 3);
    const entries = ws.db.prepare<[string], WireEntry>('SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? ORDER BY seq').all(ws.deviceId);
    const body = JSON.stringify({ entries, health: { ...workstationHealth(ws), facility_id: 'EAST02' } });
    const c = await fetch(`${url}/v1/auth/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: ws.deviceId }) });
    const { nonce } = (await c.json()) as { nonce: string };
    const sig = sign(null, Buffer.from(requestSigningString('POST', '/v1/push', sha256Hex(body), ws.deviceId, nonce), 'utf8'), ws.deviceKey.privateKey).toString('base64');
    const res = await fetch(`${url}/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HEADERS.device]: ws.deviceId, [HEADERS.nonce]: nonce, [HEADERS.signature]: sig },
      body,
    });
    expect(res.status).toBe(403);
    const json = (await res.json()) as { error: string; message: string };
    expect(json.error).toBe('HEALTH_FACILITY_MISMATCH');
    expect(json.message).toContain('EAST02');
    const dev = (await adminCall<{ devices: { device_id: string; head_seq: number }[] }>(url, token, 'GET', '/v1/admin/devices')).devices.find((d) => d.device_id === ws.deviceId)!;
    expect(dev.head_seq).toBe(0);
    expect((await store.query('SELECT 1 FROM device_health WHERE device_id = $1', [ws.deviceId])).rows).toHaveLength(0);
    expect((await store.query('SELECT 1 FROM entries WHERE device_id = $1', [ws.deviceId])).rows).toHaveLength(0);
  });
});
