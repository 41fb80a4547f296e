import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { iso, type Sql } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { facilityInfo } from '../routes/enroll';
import { parseForm } from './input';
import { audit, DECIDING_ROLES } from './audit';
import type { ConsoleContext } from './routes';

/** What a threshold can be set on; a value strictly above it is "over". */
export const THRESHOLD_KINDS = ['entries_behind', 'hours_since_push', 'hold_open_hours', 'quarantine_open', 'suspect_open'] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];
export type Thresholds = Record<ThresholdKind, number | null>;

export const THRESHOLD_WORDS: Record<ThresholdKind, string> = {
  entries_behind: 'entries not yet on the server',
  hours_since_push: 'hours since the last push',
  hold_open_hours: 'hours a hold has been open',
  quarantine_open: 'quarantined items awaiting a decision',
  suspect_open: 'open DSCSA suspect investigations',
};

const count = z.number().int().min(0).max(1_000_000_000).nullable();
const hours = z.number().min(0).max(24 * 365).nullable();
export const ThresholdsInput = z
  .object({
    /** "global" for every facility, or one facility's ID (its values override the global ones). */
    scope: z.union([z.literal('global'), z.string().regex(/^[A-Z0-9]{6}$/, 'a facility ID (six capital letters or digits) or "global"')]),
    entries_behind: count,
    hours_since_push: hours,
    hold_open_hours: hours,
    quarantine_open: count,
    suspect_open: count,
  })
  .strict();

const NONE: Thresholds = { entries_behind: null, hours_since_push: null, hold_open_hours: null, quarantine_open: null, suspect_open: null };

interface Row extends Thresholds {
  scope: string;
  updated_by: string;
  updated_at: Date;
}

async function rows(db: Sql): Promise<Row[]> {
  const r = await db.query<Row>(`SELECT scope, ${THRESHOLD_KINDS.join(', ')}, updated_by, updated_at FROM alert_thresholds ORDER BY scope`);
  return r.rows.map((x) => ({ ...x, ...pick(x) }));
}

/** The five values of a row or an input; BIGINT arrives as a string from node-postgres. */
const pick = (r: Partial<Record<ThresholdKind, unknown>> | undefined): Thresholds =>
  r ? (Object.fromEntries(THRESHOLD_KINDS.map((k) => [k, r[k] === null || r[k] === undefined ? null : Number(r[k])])) as Thresholds) : { ...NONE };

/** The thresholds in force for each facility: its own values where set, else the global ones. */
export async function effectiveThresholds(db: Sql): Promise<(facilityId: string) => Thresholds> {
  const all = await rows(db);
  const global = pick(all.find((r) => r.scope === 'global'));
  const own = new Map(all.filter((r) => r.scope !== 'global').map((r) => [r.scope, pick(r)]));
  return (facilityId) => {
    const f = own.get(facilityId);
    return Object.fromEntries(THRESHOLD_KINDS.map((k) => [k, f?.[k] ?? global[k]])) as Thresholds;
  };
}

/** One value over its threshold, with both numbers, for the page and /metrics. */
export interface Over {
  kind: ThresholdKind;
  value: number;
  threshold: number;
}

export function over(t: Thresholds, values: Partial<Record<ThresholdKind, number | null>>): Over[] {
  const out: Over[] = [];
  for (const kind of THRESHOLD_KINDS) {
    const threshold = t[kind];
    const value = values[kind];
    if (threshold !== null && value !== null && value !== undefined && value > threshold) out.push({ kind, value, threshold });
  }
  return out;
}

/**
 * `GET /console/api/thresholds` (anyone signed in) and `POST /console/api/thresholds`
 * (administrator or compliance officer; audited with the values before and after).
 */
export function thresholdRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx;
  app.get('/console/api/thresholds', async (req) => {
    const u = ctx.user(req);
    const all = await rows(store);
    await audit(store, u.user_id, 'view thresholds', 'done', {});
    return { thresholds: all.map((r) => ({ ...pick(r), scope: r.scope, updated_by: r.updated_by, updated_at: iso(r.updated_at) })) };
  });

  app.post('/console/api/thresholds', async (req) => {
    const u = ctx.user(req);
    const action = 'set alert thresholds';
    if (!DECIDING_ROLES.includes(u.role)) {
      await audit(store, u.user_id, action, 'refused', { code: 'FORBIDDEN', role: u.role });
      throw new HttpError('FORBIDDEN', 'Only an administrator or a compliance officer may set alert thresholds.');
    }
    const m = parseForm(ThresholdsInput, req.body);
    if (m.scope !== 'global') await facilityInfo(store, m.scope);
    const values = THRESHOLD_KINDS.map((k) => m[k]);
    const saved = await store.transaction(async (tx) => {
      const before = (await tx.query<Row>(`SELECT ${THRESHOLD_KINDS.join(', ')} FROM alert_thresholds WHERE scope = $1 FOR UPDATE`, [m.scope])).rows[0];
      const r = (
        await tx.query<{ updated_at: Date }>(
          `INSERT INTO alert_thresholds (scope, ${THRESHOLD_KINDS.join(', ')}, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
           ON CONFLICT (scope) DO UPDATE SET ${THRESHOLD_KINDS.map((k) => `${k} = excluded.${k}`).join(', ')}, updated_by = excluded.updated_by, updated_at = excluded.updated_at
           RETURNING updated_at`,
          [m.scope, ...values, u.user_id],
        )
      ).rows[0]!;
      await audit(tx, u.user_id, action, 'done', { scope: m.scope, before: before ? pick(before) : null, after: pick(m) });
      return r;
    });
    return { thresholds: { ...pick(m), scope: m.scope, updated_by: u.user_id, updated_at: iso(saved.updated_at) } };
  });
}
