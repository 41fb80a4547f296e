import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pausedChunkedUpload } from '../../src/testing/paused-upload';
import { cleanupAll, prepareServer, spawnServer, storageFor, type ServerProcess } from './helpers';

/** Reads a raw socket until the server answers or closes; returns the status line, if any. */
function readStatus(sock: Socket): Promise<{ status: number | null; closed: boolean }> {
  return new Promise((resolve) => {
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(buf);
      if (m) resolve({ status: Number(m[1]), closed: false });
    });
    sock.on('close', () => resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(buf) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)![1]) : null, closed: true }));
    sock.on('error', () => {});
  });
}

function rawSocket(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.once('error', reject);
  });
}

const health = async (url: string) => (await fetch(`${url}/v1/health`)).status;

describe('the server refuses abusive requests and keeps answering others (PGlite)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    const storage = await storageFor('pglite');
    await prepareServer(storage);
    // A short request timeout so the slow-client case ends quickly; the default is 30 s.
    server = await spawnServer(storage, ['--request-timeout-ms', '1500']);
  });
  afterAll(cleanupAll);

  it('refuses a body announced as 1 GB before reading it', async () => {
    const sock = await rawSocket(server.url);
    const answer = readStatus(sock);
    sock.write(
      'POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{"entries":[',
    );
    const r = await answer;
    sock.destroy();
    expect(r.status).toBe(413);
    expect(await health(server.url)).toBe(200);
  });

  it('stops reading a chunked body that grows past the limit (1 GB never sent)', async () => {
    const u = new URL(server.url);
    let sent = 0;
    const status = await new Promise<number | null>((resolve) => {
      const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/v1/push', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        resolve(res.statusCode ?? null);
        res.resume();
      });
      req.on('error', () => resolve(null));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 1024 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    // Refused once the 8 MB limit was passed: the server read a few MB, not a gigabyte.
    expect(status).toBe(413);
    expect(sent).toBeLessThan(256 * 1024 * 1024);
    expect(await health(server.url)).toBe(200);
  });

  it('lets a client that is still sending read its 413 (lingering close), instead of a broken pipe', async () => {
    const u = new URL(server.url);
    const r = await pausedChunkedUpload({ port: Number(u.port), path: '/v1/push', headers: { Host: '127.0.0.1', 'Content-Type': 'application/json' }, chunkBytes: 1024 * 1024, chunksBefore: 10, chunksAfter: 3 });
    expect(r.error).toBeNull();
    expect(r.status).toBe(413);
    expect(r.answer).toMatch(/connection: close/i);
    expect(r.answer).toContain('BODY_TOO_LARGE');
    expect(await health(server.url)).toBe(200);
  });

  it('closes a slow client that never finishes its request, while answering others meanwhile', async () => {
    const slow = await rawSocket(server.url);
    const answer = readStatus(slow);
    slow.write('POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"entr');
    const slowHeaders = await rawSocket(server.url);
    const answer2 = readStatus(slowHeaders);
    slowHeaders.write('POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // Others are served while those two hang.
    for (let i = 0; i < 5; i++) expect(await health(server.url)).toBe(200);
    const r = await answer;
    const r2 = await answer2;
    expect(r.status).toBe(408);
    expect(r2.status).toBe(408);
    slow.destroy();
    slowHeaders.destroy();
    expect(await health(server.url)).toBe(200);
  });

  it('answers malformed requests with a clear status and message', async () => {
    const bad = await fetch(`${server.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('BAD_JSON');
    const shape = await fetch(`${server.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code_id":1}' });
    expect(shape.status).toBe(400);
    expect(((await shape.json()) as { message: string }).message).toMatch(/code_id/);
    const nowhere = await fetch(`${server.url}/v1/nothing`);
    expect(nowhere.status).toBe(404);
    expect(await health(server.url)).toBe(200);
  });
});
