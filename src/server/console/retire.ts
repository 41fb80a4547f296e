import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { iso } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { parseForm } from './input';
import { audit, DECIDING_ROLES } from './audit';
import type { ConsoleContext } from './routes';

const Retire = z.object({ password: z.string().min(1).max(200), reason: z.string().trim().min(10, 'write the reason in at least 10 characters').max(2000) }).strict();

export const RETIRE_MEANING = 'I investigated this device and retire it: nothing more is accepted from it; what it pushed stays in the records';

/**
 * `POST /console/api/devices/:id/retire`: a signed decision (the password again, a reason,
 * administrator or compliance officer) that ends a device for good — stolen, broken, replaced,
 * or found untrustworthy after an investigation. Its accepted entries stay in the ledger and the
 * reports; from then on its pushes and pulls are refused with DEVICE_RETIRED and it cannot be
 * enrolled again. Written like a clear: decision row, device row and audit in one transaction.
 */
export function retireRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx;
  app.post('/console/api/devices/:deviceId/retire', async (req) => {
    const u = ctx.user(req);
    const deviceId = (req.params as { deviceId: string }).deviceId;
    const action = 'retire device';
    if (!DECIDING_ROLES.includes(u.role)) {
      await audit(store, u.user_id, action, 'refused', { code: 'FORBIDDEN', device_id: deviceId, role: u.role });
      throw new HttpError('FORBIDDEN', 'Only an administrator or a compliance officer may retire a device; a regional manager may not.');
    }
    const m = parseForm(Retire, req.body);
    // The signature is the password given again now, not the session: 21 CFR 11.200(a)(1).
    await ctx.checkPassword(u.user_id, m.password, action, { device_id: deviceId });
    const decided = await store
      .transaction(async (tx) => {
        const dev = (
          await tx.query<{ flagged: boolean; flag_reason: string | null; retired_at: Date | null }>('SELECT flagged, flag_reason, retired_at FROM devices WHERE device_id = $1 FOR UPDATE', [deviceId])
        ).rows[0];
        if (!dev) throw new HttpError('NOT_FOUND', `no device ${deviceId} on this server`);
        if (dev.retired_at) throw new HttpError('CONFLICT', `device ${deviceId} was already retired at ${iso(dev.retired_at)}`);
        const d = (
          await tx.query<{ id: number; signed_at: Date }>(
            `INSERT INTO device_decisions (device_id, decision, prior_flag_reason, reason, user_id, printed_name, role, meaning)
             VALUES ($1, 'retire', $2, $3, $4, $5, $6, $7) RETURNING id, signed_at`,
            [deviceId, dev.flag_reason, m.reason, u.user_id, u.display_name, u.role, RETIRE_MEANING],
          )
        ).rows[0]!;
        await tx.query('UPDATE devices SET retired_at = $2 WHERE device_id = $1', [deviceId, d.signed_at]);
        // Challenges already handed out are of no further use.
        await tx.query('DELETE FROM auth_nonces WHERE device_id = $1', [deviceId]);
        await audit(tx, u.user_id, action, 'done', { device_id: deviceId, decision_id: d.id, prior_flag_reason: dev.flag_reason, reason: m.reason });
        return { id: d.id, signed_at: iso(d.signed_at), prior_flag_reason: dev.flag_reason };
      })
      .catch(async (err: unknown) => {
        if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { code: err.code, device_id: deviceId });
        throw err;
      });
    return { decision: { ...decided, device_id: deviceId, decision: 'retire', reason: m.reason, printed_name: u.display_name, role: u.role, meaning: RETIRE_MEANING } };
  });
}
