import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sha256Hex } from '../crypto';
import { iso, type Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { activeHolds, stockByLot } from '../routes/admin';
import { parseBody } from '../routes/parse';
import { audit, DECIDING_ROLES, type ConsoleRole } from './audit';
import { facilityStatus } from './facility-status';
import { enrollmentCodeRoutes } from './enrollment-codes';
import { dummyHash, verifyPassword } from './passwords';
import { retireRoutes } from './retire';
import { thresholdRoutes } from './thresholds';
import { consoleUserRoutes, passwdRoute } from './users';

export interface ConsoleOptions {
  /** Where the built console page is (out/renderer of `npm run build:renderer`). */
  uiDir: string;
  /** Seconds without a request before a session ends (the workstation's 10 minutes by default). */
  idleSeconds?: number;
  /** The console's public origin behind a proxy (https://console.example); otherwise taken from Host. */
  publicOrigin?: string;
}

const COOKIE = 'rxl_console';
const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;

export interface ConsoleUser {
  user_id: string;
  display_name: string;
  role: ConsoleRole;
  must_change_password: boolean;
}

/** What the console's route modules share: the store, the proven user of a request, the password check. */
export interface ConsoleContext {
  store: Store;
  /** The signed-in user of this request (the hook proved the session). */
  user(req: FastifyRequest): ConsoleUser;
  /** Checks a user's password; failures count toward the lockout. Throws a refusal, audited. */
  checkPassword(userId: string, password: string, action: string, details?: Record<string, unknown>): Promise<ConsoleUser>;
}

/** What a user with a temporary password may still do: see who they are, change it, sign out. */
const BEFORE_CHANGE = new Set(['/console/api/me', '/console/api/passwd', '/console/api/sign-out']);

const SignIn = z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();
const Clear = z.object({ password: z.string().min(1).max(200), reason: z.string().trim().min(10, 'write the reason in at least 10 characters').max(2000) }).strict();

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function cookieToken(req: FastifyRequest): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=') || null;
  }
  return null;
}

function ownOrigin(req: FastifyRequest, publicOrigin: string | undefined): string {
  if (publicOrigin) return publicOrigin.replace(/\/+$/, '');
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0]!.trim();
  return `${proto}://${req.headers.host ?? ''}`;
}

/** The signed-in console user of each request under /console/api/ (set by the session hook below). */
const sessionOf = new WeakMap<FastifyRequest, ConsoleUser>();

/** Who a console request is from (set by the session hook); also for route modules of their own (src/server/console/reports.ts). */
export function consoleUser(req: FastifyRequest): ConsoleUser {
  const u = sessionOf.get(req);
  if (!u) throw new HttpError('NOT_SIGNED_IN', 'sign in to the console first');
  return u;
}

/**
 * The central office's web console: its own users and sessions (in the database, so any server
 * process serves any session), views across facilities, and signed decisions about devices.
 */
export function consoleRoutes(app: FastifyInstance, store: Store, opts: ConsoleOptions): void {
  const idleSeconds = opts.idleSeconds ?? 600;

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/console')) return;
    // A browser names the page that sent a request; a page elsewhere must not drive the console
    // with this browser's cookie. SameSite=Strict covers the cookie, this covers the rest.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== ownOrigin(req, opts.publicOrigin)) {
      await audit(store, null, `${req.method} ${req.url.split('?')[0]}`, 'refused', { code: 'ORIGIN_REFUSED', origin });
      throw new HttpError('ORIGIN_REFUSED', `a console request from ${origin} is refused: the console answers only its own pages`);
    }
    if (!req.url.startsWith('/console/api/') || req.url === '/console/api/sign-in') return;
    const token = cookieToken(req);
    if (!token) {
      await audit(store, null, `${req.method} ${req.url.split('?')[0]}`, 'refused', { code: 'NOT_SIGNED_IN' });
      throw new HttpError('NOT_SIGNED_IN', 'sign in to the console first');
    }
    // One statement both checks the idle limit and records this request, so two processes
    // serving the same session cannot disagree about it.
    const row = (
      await store.query<ConsoleUser & { ended: boolean }>(
        `UPDATE console_sessions s
            SET last_seen_at = CASE WHEN s.ended_at IS NULL AND s.last_seen_at > now() - make_interval(secs => $2) THEN now() ELSE s.last_seen_at END,
                ended_at = CASE WHEN s.ended_at IS NULL AND s.last_seen_at <= now() - make_interval(secs => $2) THEN now() ELSE s.ended_at END,
                end_reason = CASE WHEN s.ended_at IS NULL AND s.last_seen_at <= now() - make_interval(secs => $2) THEN 'idle' ELSE s.end_reason END
           FROM console_users u
          WHERE s.token_hash = $1 AND u.user_id = s.user_id
        RETURNING u.user_id, u.display_name, u.role, u.must_change_password, (s.ended_at IS NOT NULL OR u.disabled) AS ended`,
        [sha256Hex(token), idleSeconds],
      )
    ).rows[0];
    if (!row || row.ended) {
      await audit(store, row?.user_id ?? null, `${req.method} ${req.url.split('?')[0]}`, 'refused', { code: 'SESSION_ENDED' });
      throw new HttpError('SESSION_ENDED', 'the console session ended (idle for too long, or signed out); sign in again');
    }
    const path = req.url.split('?')[0]!;
    if (row.must_change_password && !BEFORE_CHANGE.has(path)) {
      await audit(store, row.user_id, `${req.method} ${path}`, 'refused', { code: 'MUST_CHANGE_PASSWORD' });
      throw new HttpError('MUST_CHANGE_PASSWORD', 'Your password was set by an administrator: choose your own before anything else.');
    }
    sessionOf.set(req, { user_id: row.user_id, display_name: row.display_name, role: row.role, must_change_password: row.must_change_password });
  });


  /**
   * The password check shared by sign-in and a signed decision: failures count toward the
   * lockout either way, as on the workstation.
   */
  const checkPassword = async (userId: string, password: string, action: string, details: Record<string, unknown> = {}): Promise<ConsoleUser> => {
    const row = (
      await store.query<ConsoleUser & { password_hash: string; disabled: boolean; locked_until: Date | null; locked_now: boolean }>(
        'SELECT user_id, display_name, role, must_change_password, password_hash, disabled, locked_until, (locked_until IS NOT NULL AND locked_until > now()) AS locked_now FROM console_users WHERE user_id = $1',
        [userId],
      )
    ).rows[0];
    // An unknown ID is answered exactly as a known one with a wrong password: same scrypt work,
    // same count of attempts left, same lockout (kept in its own table).
    const table = row ? 'console_users' : 'console_unknown_failures';
    const auditUser = row ? userId : null;
    if (!row) {
      await store.query('INSERT INTO console_unknown_failures (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
    }
    const lock = row ?? (await store.query<{ locked_until: Date | null; locked_now: boolean }>('SELECT locked_until, (locked_until IS NOT NULL AND locked_until > now()) AS locked_now FROM console_unknown_failures WHERE user_id = $1', [userId])).rows[0]!;
    if (row?.disabled) {
      await audit(store, userId, action, 'refused', { ...details, code: 'DISABLED' });
      throw new HttpError('DISABLED', 'This console account is disabled.');
    }
    if (lock.locked_now) {
      await audit(store, auditUser, action, 'refused', { ...details, code: 'LOCKED', user: userId, locked_until: iso(lock.locked_until) });
      throw new HttpError('LOCKED', `Account locked after ${MAX_FAILURES} failed attempts until ${iso(lock.locked_until)}.`, { locked_until: iso(lock.locked_until) });
    }
    const ok = await verifyPassword(password, row ? row.password_hash : await dummyHash());
    if (!row || !ok) {
      // Counted in the database: a guesser spreading attempts over server processes gains nothing.
      const r = (
        await store.query<{ failed_attempts: number; locked_until: Date | null }>(
          `UPDATE ${table} SET failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
                  locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
            WHERE user_id = $1 RETURNING failed_attempts, locked_until`,
          [userId, MAX_FAILURES, LOCK_MINUTES],
        )
      ).rows[0]!;
      const lockedNow = r.failed_attempts === 0;
      await audit(store, auditUser, action, 'refused', { ...details, code: lockedNow ? 'LOCKED' : 'BAD_CREDENTIALS', user: userId, failures: lockedNow ? MAX_FAILURES : r.failed_attempts });
      if (lockedNow) throw new HttpError('LOCKED', `Too many failed attempts: account locked for ${LOCK_MINUTES} minutes, until ${iso(r.locked_until)}.`, { locked_until: iso(r.locked_until) });
      const left = MAX_FAILURES - r.failed_attempts;
      throw new HttpError('BAD_CREDENTIALS', `User ID or password is wrong. ${left} attempt${left === 1 ? '' : 's'} left before the account locks.`);
    }
    await store.query('UPDATE console_users SET failed_attempts = 0, locked_until = NULL WHERE user_id = $1', [userId]);
    return { user_id: row.user_id, display_name: row.display_name, role: row.role, must_change_password: row.must_change_password };
  };
  const ctx: ConsoleContext = { store, user: consoleUser, checkPassword };

  const secure = (req: FastifyRequest) => (opts.publicOrigin ?? String(req.headers['x-forwarded-proto'] ?? '')).startsWith('https');

  app.post('/console/api/sign-in', async (req, reply) => {
    const m = parseBody(SignIn, req.body);
    const u = await checkPassword(m.user, m.password, 'sign in');
    const token = randomBytes(32).toString('base64url');
    await store.query('INSERT INTO console_sessions (token_hash, user_id) VALUES ($1, $2)', [sha256Hex(token), u.user_id]);
    await audit(store, u.user_id, 'sign in', 'done', {});
    void reply.header('set-cookie', `${COOKIE}=${token}; Path=/console; HttpOnly; SameSite=Strict${secure(req) ? '; Secure' : ''}`);
    return { user: publicUser(u), idle_seconds: idleSeconds, must_change_password: u.must_change_password };
  });

  app.post('/console/api/sign-out', async (req, reply) => {
    const u = consoleUser(req);
    await store.query("UPDATE console_sessions SET ended_at = now(), end_reason = 'signed out' WHERE token_hash = $1 AND ended_at IS NULL", [sha256Hex(cookieToken(req) ?? '')]);
    await audit(store, u.user_id, 'sign out', 'done', {});
    void reply.header('set-cookie', `${COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });

  app.get('/console/api/me', async (req) => ({ user: publicUser(consoleUser(req)), idle_seconds: idleSeconds, must_change_password: consoleUser(req).must_change_password }));

  app.get('/console/api/devices', async (req) => {
    const u = consoleUser(req);
    const facilities = await facilityStatus(store);
    await audit(store, u.user_id, 'view devices', 'done', {});
    return { facilities };
  });

  app.get('/console/api/holds', async (req) => {
    const u = consoleUser(req);
    const holds = await activeHolds(store, 'oldest');
    await audit(store, u.user_id, 'view holds', 'done', {});
    return { holds };
  });

  app.get('/console/api/stock', async (req) => {
    const u = consoleUser(req);
    const rows = await stockByLot(store, null);
    await audit(store, u.user_id, 'view stock', 'done', {});
    return { stock: rows };
  });

  app.post('/console/api/devices/:deviceId/clear', async (req) => {
    const u = consoleUser(req);
    const deviceId = (req.params as { deviceId: string }).deviceId;
    const action = 'clear device flag';
    if (!DECIDING_ROLES.includes(u.role)) {
      await audit(store, u.user_id, action, 'refused', { code: 'FORBIDDEN', device_id: deviceId, role: u.role });
      throw new HttpError('FORBIDDEN', 'Only an administrator or a compliance officer may clear a device; a regional manager may not.');
    }
    const m = parseBody(Clear, req.body);
    // The signature is the password given again now, not the session: 21 CFR 11.200(a)(1).
    await checkPassword(u.user_id, m.password, action, { device_id: deviceId });
    const meaning = 'I investigated this device and clear its block so it may push again';
    const decided = await store.transaction(async (tx) => {
      const dev = (await tx.query<{ flagged: boolean; flag_reason: string | null; retired_at: Date | null }>('SELECT flagged, flag_reason, retired_at FROM devices WHERE device_id = $1 FOR UPDATE', [deviceId])).rows[0];
      if (!dev) throw new HttpError('NOT_FOUND', `no device ${deviceId} on this server`);
      if (dev.retired_at) throw new HttpError('CONFLICT', `device ${deviceId} is retired; a retired device is not cleared`);
      if (!dev.flagged) throw new HttpError('CONFLICT', `device ${deviceId} is not blocked; nothing to clear`);
      const d = (
        await tx.query<{ id: number; signed_at: Date }>(
          `INSERT INTO device_decisions (device_id, decision, prior_flag_reason, reason, user_id, printed_name, role, meaning)
           VALUES ($1, 'clear', $2, $3, $4, $5, $6, $7) RETURNING id, signed_at`,
          [deviceId, dev.flag_reason, m.reason, u.user_id, u.display_name, u.role, meaning],
        )
      ).rows[0]!;
      await tx.query('UPDATE devices SET flagged = false, flag_reason = NULL WHERE device_id = $1', [deviceId]);
      await audit(tx, u.user_id, action, 'done', { device_id: deviceId, decision_id: d.id, prior_flag_reason: dev.flag_reason, reason: m.reason });
      return { id: d.id, signed_at: iso(d.signed_at), prior_flag_reason: dev.flag_reason };
    }).catch(async (err: unknown) => {
      if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { code: err.code, device_id: deviceId });
      throw err;
    });
    return { decision: { ...decided, device_id: deviceId, decision: 'clear', reason: m.reason, printed_name: u.display_name, role: u.role, meaning } };
  });

  retireRoutes(app, ctx);
  enrollmentCodeRoutes(app, ctx);
  consoleUserRoutes(app, ctx);
  passwdRoute(app, ctx);
  thresholdRoutes(app, ctx);

  // The page itself: one HTML file and the built assets it names, nothing else from the folder.
  app.get('/console', async (_req, reply) => reply.redirect('/console/'));
  app.get('/console/', async (_req, reply) => {
    const file = join(opts.uiDir, 'console.html');
    if (!existsSync(file)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The console page is not built: run "npm run build:renderer" on this server.');
    }
    return reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-store').send(readFileSync(file));
  });
  app.get('/console/assets/:file', async (req, reply) => {
    const name = (req.params as { file: string }).file;
    const type = TYPES[extname(name)];
    const file = join(opts.uiDir, 'assets', name);
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.') || !type || !existsSync(file)) throw new HttpError('NOT_FOUND', `no such file: ${name}`);
    return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
  });
}

function publicUser(u: ConsoleUser) {
  return { user_id: u.user_id, name: u.display_name, role: u.role };
}
