import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, abortLogger, bearerToken, checkHostAndOrigin, decodedPathname, isClientAbort, readBody, tokenMatches } from '../host/loopback-guard';
import { isStorageFullError, STORAGE_FULL_RETRY_AFTER_SECONDS } from '../db/storage-full';
import type { Workstation } from '../workstation';
import { PosService, type PosServiceOptions } from './service';
import { posToken } from './token';

export const POS_PREFIX = '/pos/v1/';
/** A POS request is a few hundred bytes; anything near this is not one. */
export const POS_BODY_LIMIT = 64 * 1024;

export interface PosServerOptions extends PosServiceOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to the workstation's stored POS token (`rxledger pos-token`). */
  token?: string;
  bodyLimit?: number;
  /** Test seam: an existing service. */
  service?: PosService;
  /** Warm the request path up before listening (PosService.warmUp); default true unless RXLEDGER_POS_WARMUP=0. */
  warmUp?: boolean;
}

export interface RunningPosServer {
  server: Server;
  port: number;
  url: string;
  token: string;
  service: PosService;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, reason: string, message: string) =>
  send(res, status, { status: 'refused', reason, message, transaction_id: null, quarantine_id: null });

/**
 * The POS request handler, for a server of its own (startPosServer) or as an extra route of
 * the browser-mode host. Returns false for paths outside /pos/v1/.
 */
export function posHandler(service: PosService, token: string, port: () => number, bodyLimit = POS_BODY_LIMIT) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (!url.pathname.startsWith(POS_PREFIX)) return false;
    // DNS rebinding (a foreign name resolving to 127.0.0.1) and cross-site browser requests.
    const hostProblem = checkHostAndOrigin(req, port());
    if (hostProblem) {
      refuse(res, 403, 'FORBIDDEN', hostProblem);
      return true;
    }
    if (!tokenMatches(bearerToken(req), token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="rxledger-pos"');
      refuse(res, 401, 'UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer TOKEN; see rxledger pos-token)');
      return true;
    }
    const action = url.pathname.slice(POS_PREFIX.length);
    if (action === 'health') {
      send(res, 200, { status: 'ok' });
      return true;
    }
    if (action !== 'dispense' && action !== 'return') {
      refuse(res, 404, 'NOT_FOUND', `no such endpoint ${url.pathname}; use ${POS_PREFIX}dispense or ${POS_PREFIX}return`);
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      refuse(res, 405, 'METHOD_NOT_ALLOWED', 'use POST');
      return true;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json');
      return true;
    }
    let body: Buffer;
    try {
      body = await readBody(req, bodyLimit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        refuse(res, 413, 'BODY_TOO_LARGE', `${err.message}; a POS request is a few hundred bytes`);
        return true;
      }
      throw err;
    }
    const answer = await service.handle(action, body);
    // Every 503 (a busy database, a full disk) is worth retrying: say when.
    if (answer.status === 503) res.setHeader('Retry-After', String(answer.body.status === 'refused' && answer.body.reason === 'STORAGE_FULL' ? STORAGE_FULL_RETRY_AFTER_SECONDS : 1));
    send(res, answer.status, answer.body);
    return true;
  };
}

/** `count` GET /pos/v1/health requests to this server, one after another, on one kept-alive connection. */
async function healthChecks(port: number, token: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          { agent, host: '127.0.0.1', port, path: `${POS_PREFIX}health`, method: 'GET', headers: { authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end();
      });
    }
  } finally {
    agent.destroy();
  }
}

/**
 * The real-time POS API on 127.0.0.1 (docs/pos-api.md): bearer token, Host/Origin checks,
 * body limit, and an answer only after the ledger commit.
 */
export async function startPosServer(ws: Workstation, opts: PosServerOptions = {}): Promise<RunningPosServer> {
  const token = opts.token ?? posToken(ws.secrets);
  const service = opts.service ?? new PosService(ws, opts);
  let port = opts.port ?? 0;
  const handler = posHandler(service, token, () => port, opts.bodyLimit);
  const logAbort = abortLogger('[rxledger] POS:');
  const server = createServer((req, res) => {
    if (decodedPathname(req) === null) return refuse(res, 400, 'BAD_REQUEST', 'the request path is not valid percent-encoding');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    handler(req, res, url)
      .then((handled) => {
        if (!handled) refuse(res, 404, 'NOT_FOUND', `no such endpoint ${url.pathname}`);
      })
      .catch((err) => {
        if (isClientAbort(err) || res.socket?.destroyed === true) {
          logAbort(req);
          if (!res.writableEnded) res.destroy();
          return;
        }
        if (isStorageFullError(err)) {
          if (!res.headersSent) {
            res.setHeader('Retry-After', String(STORAGE_FULL_RETRY_AFTER_SECONDS));
            refuse(res, 503, 'STORAGE_FULL', 'the workstation disk is full; nothing was committed. Send the same request again later');
          } else res.end();
          return;
        }
        console.error('[rxledger] POS request failed:', err);
        if (!res.headersSent) refuse(res, 500, 'INTERNAL', 'internal error; nothing was committed unless a retry of the same transaction_id says so');
        else res.end();
      });
  });
  // Workers started, statements prepared and the request path compiled before the port opens:
  // the first dispenses of the day are answered as fast as the later ones (docs/benchmarks.md).
  // RXLEDGER_POS_WARMUP=0 turns it off, for measuring what it saves (bench/pos.ts).
  if (opts.warmUp ?? process.env.RXLEDGER_POS_WARMUP !== '0') await service.warmUp();
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  // The HTTP side of a request (parser, Host/Origin and token checks, the JSON answer) is warmed
  // with health checks to ourselves: they read nothing and write nothing.
  if (opts.warmUp ?? process.env.RXLEDGER_POS_WARMUP !== '0') await healthChecks(port, token, 40).catch(() => undefined);
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}${POS_PREFIX}`,
    token,
    service,
    close: async () => {
      await new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
      await service.close();
    },
  };
}
