import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Store } from './db/pg-adapter';
import { HttpError } from './errors';
import { adminRoutes } from './routes/admin';
import { consoleReportRoutes } from './console/reports';
import { consoleRoutes, type ConsoleOptions } from './console/routes';
import { deviceSyncRoutes } from './routes/device-sync';
import { enrollRoutes } from './routes/enroll';
import { reportRoutes } from './routes/reports';
import { lingerOnClose } from '../shared/http/linger';
import { loadServerIdentity } from './identity';
import { instrumentRequests, metricsRoute } from './metrics/route';

export interface AppOptions {
  store: Store;
  /** Largest request body accepted; a push of 1000 entries is well under 2 MB. */
  bodyLimit?: number;
  /** A request (headers and body) must arrive within this, or the connection is closed. */
  requestTimeoutMs?: number;
  logger?: boolean;
  /** The web console: where its page is built, its idle limit, its public origin. */
  console?: Partial<ConsoleOptions>;
  /** The server's clock (reports' "today" and generation time); tests fix it. */
  now?: () => Date;
}

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The central server. Everything that matters (devices, heads, nonces, codes) lives in the
 * database, so any number of these can run against one PostgreSQL behind a load balancer.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Node checks request timeouts on an interval; a short one makes a stalled upload end on
    // time instead of up to 30 s late.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout,
          headersTimeout: Math.min(requestTimeout, 60_000),
          connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(requestTimeout / 4))),
          keepAliveTimeout: 5_000,
        },
        handler as (req: IncomingMessage, res: ServerResponse) => void,
      ) as Server,
  });

  // Device requests are signed over the exact body bytes, so the raw buffer is kept.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body;
    if (body.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new HttpError('BAD_JSON', 'the request body is not valid JSON'), undefined);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, ...err.extra });
    }
    const e = err as Error & { statusCode?: number; code?: string };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
    if (status === 413) {
      // The rest of the body is not read: the connection closes after the answer, lingering so
      // the client sees the 413 rather than a reset.
      lingerOnClose(req.raw.socket);
      return reply.header('connection', 'close').code(413).send({ error: 'BODY_TOO_LARGE', message: `the request body is larger than this server accepts (${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes); send smaller batches` });
    }
    if (status < 500) return reply.code(status).send({ error: e.code ?? 'BAD_REQUEST', message: e.message });
    req.log.error(err);
    if (!opts.logger) process.stderr.write(`rxledger server: ${req.method} ${req.url}: ${e.stack ?? e.message}\n`);
    return reply.code(503).send({ error: 'SERVER_ERROR', message: 'the server could not complete the request; nothing was accepted from it, try again' });
  });

  instrumentRequests(app);

  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NOT_FOUND', message: `no such endpoint: ${req.method} ${req.url}` }));

  app.get('/v1/health', async () => {
    await opts.store.query('SELECT 1');
    return { ok: true, storage: opts.store.kind };
  });

  const identity = await loadServerIdentity(opts.store);
  enrollRoutes(app, opts.store, identity);
  deviceSyncRoutes(app, opts.store, identity);
  adminRoutes(app, opts.store);
  reportRoutes(app, opts.store, opts.now ?? (() => new Date()));
  metricsRoute(app, opts.store);
  consoleRoutes(app, opts.store, {
    ...opts.console,
    uiDir: opts.console?.uiDir ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer'),
  });
  consoleReportRoutes(app, opts.store, opts.now ?? (() => new Date()));
  return app;
}
