import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { memoryCatalog } from '../ingest/catalog-port';
import { abortLogger } from '../host/loopback-guard';
import { startBrowserHost } from '../host/browser-host';
import { allHandlers } from '../ipc/all-handlers';
import { startPosServer, type RunningPosServer } from './server';

/** Issue 13 point 6: a full disk, a client that hangs up, a path that is not valid percent-encoding. */
let t: ReturnType<typeof tempWorkstation>;
let pos: RunningPosServer;
const CATALOG = memoryCatalog({ '00002-1200-30': 'CII' }, { '00002-1200-30': { units_per_container: 30, unit: 'TABLET', container: 'BOTTLE', source: 'catalog', note: null } });
const dispense = (txid: string) =>
  JSON.stringify({ transaction_id: txid, ndc: '00002-1200-30', lot: 'LOT1', quantity: 1, handler_id: 'tech01', occurred_at: '2026-11-01T12:00:00Z', patient: { id: `P-${txid}`, name: 'Pat Doe' } });

function call(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeEach(async () => {
  t = tempWorkstation();
  t.ws.ledger.appendOne(receipt({ quantity: 100_000, delta: 100_000 }));
  t.ws.setSetting('ingest.handler_ids', 'tech01');
  pos = await startPosServer(t.ws, { activeHold: () => null, catalog: CATALOG, warmUp: false });
});
afterEach(async () => {
  await pos.close();
  t.cleanup();
});

describe('a full disk', () => {
  it('answers the POS client 503 STORAGE_FULL with Retry-After, never 500; the same request commits once space is back', async () => {
    const auth = { authorization: `Bearer ${pos.token}` };
    // A real SQLite file that may not grow: the first write needing a new page fails with SQLITE_FULL.
    const pages = Number(t.ws.db.pragma('page_count', { simple: true }));
    t.ws.db.pragma(`max_page_count = ${pages}`);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let full: Awaited<ReturnType<typeof call>> | null = null;
    let txid = '';
    for (let i = 0; i < 400 && !full; i++) {
      txid = `full-${i}`;
      const r = await call(pos.port, 'POST', '/pos/v1/dispense', dispense(txid), auth);
      expect([200, 503]).toContain(r.status);
      if (r.status === 503) full = r;
    }
    expect(full).not.toBeNull();
    expect(full!.json).toMatchObject({ status: 'refused', reason: 'STORAGE_FULL', transaction_id: txid });
    expect(Number(full!.headers['retry-after'])).toBeGreaterThan(0);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    t.ws.db.pragma('max_page_count = 1073741823');
    const again = await call(pos.port, 'POST', '/pos/v1/dispense', dispense(txid), auth);
    expect(again.status).toBe(200);
    expect(t.ws.db.prepare("SELECT COUNT(*) AS n FROM idempotency WHERE key LIKE ?").get(`%${txid}%`)).toEqual({ n: 1 });
    expect(t.ws.verify().ok).toBe(true);
  });
});

describe('a malformed URL', () => {
  it('is a 400 on the POS API and on the browser host, before any route', async () => {
    for (const path of ['/%E0%A4%A', '/pos/v1/%E0%A4%A', '/pos/v1/dispense%']) {
      const r = await call(pos.port, 'GET', path, undefined, { authorization: `Bearer ${pos.token}` });
      expect(r.status).toBe(400);
    }
    const host = await startBrowserHost({ ws: t.ws, handlers: allHandlers, staticDir: null, port: 0 });
    try {
      for (const path of ['/%E0%A4%A', '/api/%E0%A4%A', '/%']) expect((await call(host.port, 'GET', path)).status).toBe(400);
    } finally {
      await host.close();
    }
  });
});

describe('a client that hangs up', () => {
  it('is one log line, not a stack, and many of them are rate-limited into a count', async () => {
    const lines: string[] = [];
    let now = 0;
    const log = abortLogger('[test]', (l) => lines.push(l), 10_000, () => now);
    for (let i = 0; i < 300; i++) log({ method: 'POST', url: '/pos/v1/dispense' });
    expect(lines).toHaveLength(1);
    now = 10_001;
    log({ method: 'POST', url: '/pos/v1/dispense' });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/and 299 more/);
    expect(lines.every((l) => l.split('\n').length === 2)).toBe(true);
  });

  it('on the POS API: a body cut off mid-way logs no stack', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const req = request({
            host: '127.0.0.1',
            port: pos.port,
            path: '/pos/v1/dispense',
            method: 'POST',
            headers: { host: `127.0.0.1:${pos.port}`, authorization: `Bearer ${pos.token}`, 'content-type': 'application/json', 'content-length': '500' },
          });
          req.on('error', () => resolve());
          req.write('{"transaction_id":');
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 50);
        });
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(errors).not.toHaveBeenCalled();
      const written = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('[rxledger] POS'));
      expect(written.length).toBe(1);
      expect(written[0]).toMatch(/client closed the connection/);
    } finally {
      errors.mockRestore();
      stderr.mockRestore();
    }
  });
});
