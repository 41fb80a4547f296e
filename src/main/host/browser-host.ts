import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { API_PREFIX, TOKEN_HEADER, type Reply } from '../../shared/ipc/contract';
import { dispatch, type HandlerTable, type HostInfo } from '../ipc/dispatch';
import type { Workstation } from '../workstation';
import { BodyTooLargeError, abortLogger, checkHostAndOrigin, decodedPathname, isClientAbort, readBody, tokenMatches } from './loopback-guard';

export interface ExtraRoute {
  /** Return true when the request was handled. Runs after the Host/Origin check. */
  (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> | boolean;
}

export interface BrowserHostOptions {
  ws: Workstation;
  handlers: HandlerTable;
  staticDir: string | null;
  port?: number;
  token?: string;
  testHooks?: boolean;
  extraRoutes?: ExtraRoute[];
}

export interface RunningHost {
  server: Server;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

const COOKIE = 'rxl_session';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Browser mode: the same workstation as the desktop app, served to a browser on loopback.
 * It speaks the IPC contract over HTTP (POST /api/<channel>) through the same dispatcher as
 * Electron's ipcMain, behind a per-launch token and Host/Origin checks.
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<RunningHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const info: HostInfo = { mode: 'browser', testHooks: opts.testHooks ?? false };
  let port = opts.port ?? 0;
  const logAbort = abortLogger('[rxledger] browser host:');
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (isClientAbort(err) || res.socket?.destroyed === true) {
        logAbort(req);
        if (!res.writableEnded) res.destroy();
        return;
      }
      console.error('[rxledger] request failed:', err);
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
      else res.end();
    });
  });
  // A client that never finishes its request must not hold a connection for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const refused = checkHostAndOrigin(req, port);
    if (refused) return json(res, 403, { ok: false, error: { code: 'FORBIDDEN', message: refused } });
    const pathname = decodedPathname(req);
    if (pathname === null) return json(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'the request path is not valid percent-encoding' } });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    for (const route of opts.extraRoutes ?? []) if (await route(req, res, url)) return;
    if (url.pathname.startsWith(API_PREFIX)) return api(req, res, url.pathname.slice(API_PREFIX.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'method not allowed' } });
    return serveStatic(res, pathname);
  }

  async function api(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'POST') return json(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'use POST' } });
    if (!tokenMatches(header(req, TOKEN_HEADER), token)) {
      return json(res, 401, { ok: false, error: { code: 'NOT_SIGNED_IN', message: 'missing or wrong launch token: open the URL printed by "npm start"' } });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return json(res, 415, { ok: false, error: { code: 'BAD_INPUT', message: 'send application/json' } });
    }
    let input: unknown;
    try {
      const body = await readBody(req, 1 << 20);
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch (err) {
      const tooLarge = err instanceof BodyTooLargeError;
      if (tooLarge) res.setHeader('Connection', 'close');
      return json(res, tooLarge ? 413 : 400, { ok: false, error: { code: 'BAD_INPUT', message: tooLarge ? err.message : 'the body is not JSON' } });
    }
    let sessionId = readCookie(req, COOKIE);
    const reply: Reply = await dispatch(opts.ws, opts.handlers, info, channel, input, {
      sessionId,
      setSessionId(id) {
        sessionId = id;
        res.setHeader('Set-Cookie', `${COOKIE}=${id ?? ''}; HttpOnly; SameSite=Strict; Path=/${id ? '' : '; Max-Age=0'}`);
      },
    });
    json(res, 200, reply);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    if (!opts.staticDir) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'no UI build' } });
    const root = resolve(opts.staticDir);
    let file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) return json(res, 403, { ok: false, error: { code: 'FORBIDDEN', message: 'outside the UI folder' } });
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) return json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'UI not built: run npm start' } });
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600');
    res.end(readFileSync(file));
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  opts.ws.sessions.startSweeper();
  return {
    server,
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || null;
  }
  return null;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
