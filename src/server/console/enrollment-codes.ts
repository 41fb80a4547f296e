import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { randomBase32 } from '../auth/proofs';
import { sha256Hex } from '../crypto';
import { iso, type Sql } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { facilityInfo } from '../routes/enroll';
import { parseForm } from './input';
import { audit } from './audit';
import type { ConsoleContext } from './routes';

/**
 * A single-use enrollment code for a facility: only the id half and a hash of the secret half
 * are kept, so the whole code is shown once, to whoever made it. `createdBy` is the console
 * user, or null for the administrator token.
 */
export async function makeEnrollmentCode(db: Sql, facilityId: string, hours: number, createdBy: string | null): Promise<{ code: string; code_id: string; facility_id: string; expires_at: string | null }> {
  await facilityInfo(db, facilityId);
  const codeId = randomBase32(8);
  const secret = randomBase32(24);
  const row = (
    await db.query<{ expires_at: Date }>(
      `INSERT INTO enrollment_codes (code_id, secret_hash, facility_id, expires_at, created_by) VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5) RETURNING expires_at`,
      [codeId, sha256Hex(secret), facilityId, hours, createdBy],
    )
  ).rows[0]!;
  return { code: `${codeId}-${secret}`, code_id: codeId, facility_id: facilityId, expires_at: iso(row.expires_at) };
}

const MakeCode = z
  .object({
    facility_id: z.string().regex(/^[A-Z0-9]{6}$/, 'a facility ID: six capital letters or digits'),
    expires_in_hours: z.number().int().min(1, 'at least 1 hour').max(24 * 30, 'at most 720 hours (30 days)').default(72),
  })
  .strict();

/**
 * Enrollment codes from the console. Making one is for an administrator only: a code lets a new
 * key into a facility's chain of trust, which is the administrator's job (as the token's); a
 * compliance officer and a regional manager see the list. The list never shows a secret.
 */
export function enrollmentCodeRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx;
  app.get('/console/api/enrollment-codes', async (req) => {
    const u = ctx.user(req);
    const rows = await store.query<{ code_id: string; facility_id: string; created_at: Date; expires_at: Date; used_at: Date | null; used_by_device: string | null; created_by: string | null; expired: boolean }>(
      `SELECT code_id, facility_id, created_at, expires_at, used_at, used_by_device, created_by, (expires_at <= now()) AS expired
         FROM enrollment_codes ORDER BY created_at DESC LIMIT 500`,
    );
    await audit(store, u.user_id, 'view enrollment codes', 'done', {});
    return {
      codes: rows.rows.map((r) => ({
        code_id: r.code_id,
        facility_id: r.facility_id,
        created_at: iso(r.created_at),
        expires_at: iso(r.expires_at),
        used_at: iso(r.used_at),
        used_by_device: r.used_by_device,
        created_by: r.created_by ?? 'administrator token',
        status: r.used_at ? 'used' : r.expired ? 'expired' : 'unused',
      })),
    };
  });

  app.post('/console/api/enrollment-codes', async (req, reply) => {
    const u = ctx.user(req);
    const action = 'make enrollment code';
    if (u.role !== 'administrator') {
      await audit(store, u.user_id, action, 'refused', { code: 'FORBIDDEN', role: u.role });
      throw new HttpError('FORBIDDEN', 'Only an administrator may make an enrollment code.');
    }
    const m = parseForm(MakeCode, req.body);
    const made = await makeEnrollmentCode(store, m.facility_id, m.expires_in_hours, u.user_id).catch(async (err: unknown) => {
      if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { code: err.code, facility_id: m.facility_id });
      throw err;
    });
    // The code id is audited, never the secret.
    await audit(store, u.user_id, action, 'done', { code_id: made.code_id, facility_id: made.facility_id, expires_at: made.expires_at });
    reply.code(201);
    return made;
  });
}
