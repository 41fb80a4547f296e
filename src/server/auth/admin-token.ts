import type { FastifyRequest } from 'fastify';
import type { Sql } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { sha256Hex } from '../crypto';
import { randomToken } from './proofs';

/** Issues an administrator token; only its hash is stored, so the database never holds a usable token. */
export async function createAdminToken(db: Sql): Promise<string> {
  const token = `rxa_${randomToken(32)}`;
  await db.query('INSERT INTO admin_tokens (token_hash) VALUES ($1)', [sha256Hex(token)]);
  return token;
}

export async function countAdminTokens(db: Sql): Promise<number> {
  return (await db.query<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM admin_tokens')).rows[0]?.n ?? 0;
}

export async function requireAdmin(db: Sql, req: FastifyRequest): Promise<void> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new HttpError('ADMIN_TOKEN_MISSING', 'this endpoint needs the administrator token (Authorization: Bearer …)');
  const row = await db.query('SELECT 1 FROM admin_tokens WHERE token_hash = $1', [sha256Hex(m[1]!)]);
  if (row.rows.length === 0) throw new HttpError('ADMIN_TOKEN_REFUSED', 'the administrator token is not valid for this server');
}
