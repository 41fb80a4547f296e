import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A small HTTP proxy on 127.0.0.1 in front of a real server, for fault tests:
 * - pass: forward and answer;
 * - error500: answer 500 without forwarding;
 * - hang: never answer (the client's timeout fires);
 * - drop-response: forward, let the server commit, then cut the connection before the answer
 *   (duplicate delivery on the retry);
 * - reset: cut the connection at once (connection refused/reset).
 */
export type FaultMode = 'pass' | 'error500' | 'hang' | 'drop-response' | 'reset';

export interface FaultProxy {
  url: string;
  counts: Record<FaultMode, number>;
  /** Decides each request; n counts requests to that path, from 1. */
  plan: (req: { method: string; path: string; n: number }) => FaultMode;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const perPath = new Map<string, number>();
  const proxy: FaultProxy = {
    url: '',
    counts: { pass: 0, error500: 0, hang: 0, 'drop-response': 0, reset: 0 },
    plan: () => 'pass',
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (perPath.get(path) ?? 0) + 1;
      perPath.set(path, n);
      const mode = proxy.plan({ method: req.method ?? 'GET', path, n });
      proxy.counts[mode]++;
      if (mode === 'hang') return;
      if (mode === 'reset') return req.socket.destroy();
      if (mode === 'error500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'INJECTED', message: 'injected by the fault proxy' }));
      }
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
        (ures) => {
          const body: Buffer[] = [];
          ures.on('data', (c: Buffer) => body.push(c));
          ures.on('end', () => {
            if (mode === 'drop-response') return req.socket.destroy();
            res.writeHead(ures.statusCode ?? 502, ures.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  proxy.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return proxy;
}
