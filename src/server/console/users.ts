import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { iso, type Sql } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { audit, ConsoleRole } from './audit';
import { parseForm } from './input';
import { hashPassword, passwordProblem } from './passwords';
import type { ConsoleContext, ConsoleUser } from './routes';

const password = z.string().max(200);
const AddUser = z
  .object({
    user_id: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lower-case letters, digits, dot, dash or underscore (2–64)'),
    name: z.string().trim().min(1, 'the printed name is required').max(200),
    role: ConsoleRole,
    password,
  })
  .strict();
const Reset = z.object({ password }).strict();
const Passwd = z.object({ current_password: z.string().min(1, 'give your current password').max(200), new_password: password }).strict();

/** A weak password is refused beside its field, before anything is written. */
function checkNew(pw: string, field: string): void {
  const problem = passwordProblem(pw);
  if (problem) throw new HttpError('WEAK_PASSWORD', problem, { field });
}

/** Ends every live session of a user (a reset or a disabled account): they sign in again, or not at all. */
async function endSessions(db: Sql, userId: string, why: string): Promise<void> {
  await db.query('UPDATE console_sessions SET ended_at = now(), end_reason = $2 WHERE user_id = $1 AND ended_at IS NULL', [userId, why]);
}

interface UserRow {
  user_id: string;
  display_name: string;
  role: ConsoleRole;
  disabled: boolean;
  must_change_password: boolean;
  locked_until: Date | null;
  locked_now: boolean;
  created_at: Date;
  password_changed_at: Date | null;
}

const publicRow = (r: UserRow) => ({
  user_id: r.user_id,
  name: r.display_name,
  role: r.role,
  disabled: r.disabled,
  must_change_password: r.must_change_password,
  locked_until: r.locked_now ? iso(r.locked_until) : null,
  created_at: iso(r.created_at),
  password_changed_at: iso(r.password_changed_at),
});

async function userRow(db: Sql, userId: string): Promise<UserRow | undefined> {
  return (
    await db.query<UserRow>(
      `SELECT user_id, display_name, role, disabled, must_change_password, locked_until, (locked_until IS NOT NULL AND locked_until > now()) AS locked_now, created_at, password_changed_at
         FROM console_users WHERE user_id = $1`,
      [userId],
    )
  ).rows[0];
}

/**
 * The console's user management, for administrators only (as on the workstation): add a user
 * with a temporary password, reset a password, disable or enable an account. A temporary
 * password must be changed at the next sign-in; a disabled user cannot sign in and their
 * sessions end at once. Nothing is deleted: decisions keep naming who signed them.
 */
export function consoleUserRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx;
  const administrator = async (u: ConsoleUser, action: string, details: Record<string, unknown>) => {
    if (u.role === 'administrator') return;
    await audit(store, u.user_id, action, 'refused', { ...details, code: 'FORBIDDEN', role: u.role });
    throw new HttpError('FORBIDDEN', 'Only an administrator manages console users.');
  };
  /** Runs an action, auditing a refusal with its code (the caller audits what was done). */
  const refusing = async <T>(u: ConsoleUser, action: string, details: Record<string, unknown>, fn: () => Promise<T>): Promise<T> =>
    fn().catch(async (err: unknown) => {
      if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { ...details, code: err.code, ...(err.extra.field ? { field: err.extra.field } : {}) });
      throw err;
    });

  app.get('/console/api/users', async (req) => {
    const u = ctx.user(req);
    await administrator(u, 'view users', {});
    const rows = await store.query<UserRow>(
      `SELECT user_id, display_name, role, disabled, must_change_password, locked_until, (locked_until IS NOT NULL AND locked_until > now()) AS locked_now, created_at, password_changed_at
         FROM console_users ORDER BY user_id`,
    );
    await audit(store, u.user_id, 'view users', 'done', {});
    return { users: rows.rows.map(publicRow) };
  });

  app.post('/console/api/users', async (req, reply) => {
    const u = ctx.user(req);
    const action = 'add console user';
    await administrator(u, action, {});
    const added = await refusing(u, action, {}, async () => {
      const m = parseForm(AddUser, req.body);
      checkNew(m.password, 'password');
      const hash = await hashPassword(m.password);
      return store.transaction(async (tx) => {
        const taken = (await tx.query<{ user_id: string; display_name: string }>('SELECT user_id, display_name FROM console_users WHERE user_id = $1 OR display_name = $2', [m.user_id, m.name])).rows[0];
        if (taken) {
          const field = taken.user_id === m.user_id ? 'user_id' : 'name';
          throw new HttpError('CONFLICT', field === 'user_id' ? `a console user ${m.user_id} already exists` : `"${m.name}" is already another user's printed name`, { field });
        }
        await tx.query('INSERT INTO console_users (user_id, display_name, role, password_hash, must_change_password) VALUES ($1, $2, $3, $4, true)', [m.user_id, m.name, m.role, hash]);
        await audit(tx, u.user_id, action, 'done', { user_id: m.user_id, name: m.name, role: m.role });
        return (await userRow(tx, m.user_id))!;
      });
    });
    reply.code(201);
    return { user: publicRow(added) };
  });

  app.post('/console/api/users/:userId/reset-password', async (req) => {
    const u = ctx.user(req);
    const target = (req.params as { userId: string }).userId;
    const action = 'reset console password';
    await administrator(u, action, { user_id: target });
    const row = await refusing(u, action, { user_id: target }, async () => {
      const m = parseForm(Reset, req.body);
      checkNew(m.password, 'password');
      const hash = await hashPassword(m.password);
      return store.transaction(async (tx) => {
        const r = await tx.query('UPDATE console_users SET password_hash = $2, must_change_password = true, failed_attempts = 0, locked_until = NULL WHERE user_id = $1 RETURNING user_id', [target, hash]);
        if (r.rows.length === 0) throw new HttpError('NOT_FOUND', `no console user ${target}`);
        await endSessions(tx, target, 'password reset');
        await audit(tx, u.user_id, action, 'done', { user_id: target });
        return (await userRow(tx, target))!;
      });
    });
    return { user: publicRow(row) };
  });

  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/console/api/users/:userId/${path}`, async (req) => {
      const u = ctx.user(req);
      const target = (req.params as { userId: string }).userId;
      const action = disabled ? 'disable console user' : 'enable console user';
      await administrator(u, action, { user_id: target });
      const row = await refusing(u, action, { user_id: target }, async () => {
        if (target === u.user_id) throw new HttpError('CONFLICT', 'You cannot disable or enable your own account: ask another administrator.');
        return store.transaction(async (tx) => {
          const r = await tx.query('UPDATE console_users SET disabled = $2 WHERE user_id = $1 RETURNING user_id', [target, disabled]);
          if (r.rows.length === 0) throw new HttpError('NOT_FOUND', `no console user ${target}`);
          if (disabled) await endSessions(tx, target, 'disabled');
          await audit(tx, u.user_id, action, 'done', { user_id: target });
          return (await userRow(tx, target))!;
        });
      });
      return { user: publicRow(row) };
    });
  }
}

/**
 * `POST /console/api/passwd`: a user changes their own password (the current one proves it is
 * them and counts toward the lockout). Clears a temporary password's forced change.
 */
export function passwdRoute(app: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx;
  app.post('/console/api/passwd', async (req) => {
    const u = ctx.user(req);
    const action = 'change own password';
    const m = await Promise.resolve()
      .then(() => {
        const p = parseForm(Passwd, req.body);
        checkNew(p.new_password, 'new_password');
        if (p.new_password === p.current_password) throw new HttpError('WEAK_PASSWORD', 'the new password must differ from the current one', { field: 'new_password' });
        return p;
      })
      .catch(async (err: unknown) => {
        if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { code: err.code, field: err.extra.field ?? null });
        throw err;
      });
    // Checked after the form, so a form error never costs a lockout attempt; a wrong current
    // password is audited and counted by the check itself.
    await ctx.checkPassword(u.user_id, m.current_password, action).catch((err: unknown) => {
      if (err instanceof HttpError && err.code === 'BAD_CREDENTIALS') throw new HttpError('BAD_CREDENTIALS', err.message.replace(/^User ID or password is wrong\./, 'The current password is wrong.'), { field: 'current_password' });
      throw err;
    });
    const hash = await hashPassword(m.new_password);
    await store.transaction(async (tx) => {
      await tx.query('UPDATE console_users SET password_hash = $2, must_change_password = false, password_changed_at = now() WHERE user_id = $1', [u.user_id, hash]);
      await audit(tx, u.user_id, action, 'done', {});
    });
    return { ok: true, must_change_password: false };
  });
}
