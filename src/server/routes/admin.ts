import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-token';
import { iso, type Sql, type Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { ReferenceKind } from '../../shared/sync/protocol';
import { namedUnit } from '../../shared/units/unit-names';
import { verifyChains } from '../ledger/verify-chains';
import { SIGNATURE_COLUMNS, verifySignatures } from '../ledger/accept-signatures';
import { facilityInfo } from './enroll';
import { parseBody } from './parse';
import { audit, ConsoleRole } from '../console/audit';
import { makeEnrollmentCode } from '../console/enrollment-codes';
import { hashPassword, passwordProblem } from '../console/passwords';

const FacilityAdd = z
  .object({
    facility_id: z.string().regex(/^[A-Z0-9]{6}$/, 'six capital letters or digits, as on the workstation'),
    name: z.string().min(1).max(200),
    dea_number: z.string().regex(/^[A-Z]{2}\d{7}$/, 'a DEA registration number: two letters and seven digits'),
    address: z.string().min(1).max(500),
  })
  .strict();

const ConsoleUserAdd = z
  .object({
    user_id: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lower-case letters, digits, dot, dash or underscore (2–64)'),
    name: z.string().trim().min(1).max(200),
    role: ConsoleRole,
    password: z.string(),
  })
  .strict();

const CodeRequest = z.object({ facility_id: z.string().min(1), expires_in_hours: z.number().int().min(1).max(24 * 30).default(72) }).strict();

const ReferencePut = z
  .object({
    items: z
      .array(
        z
          .object({
            kind: ReferenceKind,
            key: z.string().min(1).max(200),
            facility_id: z.string().nullable().default(null),
            /** Any JSON document (catalog row, user with role and public signing key, policy); null withdraws it. */
            doc: z.unknown(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

/** Serializes reference writes so versions become visible in order (see the migration). */
const REFERENCE_LOCK = 7_460_302;

export function adminRoutes(app: FastifyInstance, store: Store): void {
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/v1/admin/')) await requireAdmin(store, req);
  });

  app.post('/v1/admin/facilities', async (req, reply) => {
    const f = parseBody(FacilityAdd, req.body);
    const inserted = await store.query(
      'INSERT INTO facilities (facility_id, name, dea_number, address) VALUES ($1, $2, $3, $4) ON CONFLICT (facility_id) DO NOTHING RETURNING facility_id',
      [f.facility_id, f.name, f.dea_number, f.address],
    );
    if (inserted.rows.length === 0) {
      const have = await facilityInfo(store, f.facility_id);
      if (have.name !== f.name || have.dea_number !== f.dea_number || have.address !== f.address) {
        throw new HttpError('FACILITY_EXISTS', `facility ${f.facility_id} already exists with other details`);
      }
      return { facility: have, created: false };
    }
    reply.code(201);
    return { facility: f, created: true };
  });

  app.get('/v1/admin/facilities', async () => ({
    facilities: (await store.query('SELECT facility_id, name, dea_number, address FROM facilities ORDER BY facility_id')).rows,
  }));

  app.post('/v1/admin/enrollment-codes', async (req, reply) => {
    const m = parseBody(CodeRequest, req.body);
    const made = await makeEnrollmentCode(store, m.facility_id, m.expires_in_hours, null);
    reply.code(201);
    return { code: made.code, facility_id: made.facility_id, expires_at: made.expires_at };
  });

  app.post('/v1/admin/reference', async (req) => {
    const m = parseBody(ReferencePut, req.body);
    return store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [REFERENCE_LOCK]);
      let version = 0;
      for (const it of m.items) {
        const doc = it.doc === null || it.doc === undefined ? null : JSON.stringify(it.doc);
        const r = await tx.query<{ version: number }>(
          `INSERT INTO reference_items (kind, key, facility_id, version, doc) VALUES ($1, $2, $3, nextval('reference_version'), $4)
           ON CONFLICT (kind, key) DO UPDATE SET facility_id = excluded.facility_id, version = excluded.version, doc = excluded.doc, updated_at = now()
           RETURNING version`,
          [it.kind, it.key, it.facility_id, doc],
        );
        version = r.rows[0]!.version;
      }
      return { stored: m.items.length, version };
    });
  });

  app.get('/v1/admin/stock', async (req) => {
    const q = req.query as { facility_id?: string };
    return { stock: await stockByLot(store, q.facility_id ?? null) };
  });

  app.get('/v1/admin/holds', async () => ({ holds: await activeHolds(store, 'facility') }));

  app.get('/v1/admin/devices', async () => ({ devices: await deviceList(store) }));

  app.post('/v1/admin/console-users', async (req, reply) => {
    const m = parseBody(ConsoleUserAdd, req.body);
    const problem = passwordProblem(m.password);
    if (problem) throw new HttpError('WEAK_PASSWORD', problem);
    const hash = await hashPassword(m.password);
    const inserted = await store.query(
      'INSERT INTO console_users (user_id, display_name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING user_id',
      [m.user_id, m.name, m.role, hash],
    );
    if (inserted.rows.length === 0) throw new HttpError('CONFLICT', `a console user ${m.user_id} or one printed as "${m.name}" already exists`);
    await audit(store, null, 'console user added', 'done', { user_id: m.user_id, name: m.name, role: m.role, by: 'administrator token' });
    reply.code(201);
    return { user: { user_id: m.user_id, name: m.name, role: m.role } };
  });

  app.get('/v1/admin/verify', async (req) => {
    const q = req.query as { facility_id?: string };
    const chains = await verifyChains(store, q.facility_id ?? null);
    // Signatures are checked against the stored entries, which the chain check vouches for.
    const signatures = await verifySignatures(store, q.facility_id ?? null);
    return { ...chains, ok: chains.ok && signatures.ok, signatures };
  });

  app.get('/v1/admin/signatures', async (req) => {
    const q = req.query as { facility_id?: string; device_id?: string };
    const rows = await store.query<Record<string, unknown> & { received_at: Date }>(
      `SELECT s.id, ${SIGNATURE_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}, s.received_at, e.facility_id, e.type, e.ndc, e.lot, e.delta
         FROM entry_signatures s JOIN entries e ON e.device_id = s.device_id AND e.seq = s.seq
        WHERE ($1::text IS NULL OR e.facility_id = $1) AND ($2::text IS NULL OR s.device_id = $2)
        ORDER BY s.id DESC LIMIT 1000`,
      [q.facility_id ?? null, q.device_id ?? null],
    );
    return { signatures: rows.rows.map((r) => ({ ...r, received_at: iso(r.received_at) })) };
  });

  app.get('/v1/admin/alarms', async () => {
    const rows = await store.query<{ id: number; at: Date; kind: string; device_id: string | null; facility_id: string | null; details: string }>(
      'SELECT id, at, kind, device_id, facility_id, details FROM alarms ORDER BY id DESC LIMIT 500',
    );
    return { alarms: rows.rows.map((a) => ({ ...a, at: iso(a.at), details: JSON.parse(a.details) as unknown })) };
  });
}

/**
 * Stock on hand by facility, NDC and lot, from every accepted entry, in dosage units. The server
 * keeps no catalog of package units: `unit` is the one the lot's entries name (`data.unit`, which
 * the workstation's gate sets from its catalog, or from the source where the catalog has none),
 * the latest accepted first; null when none names one, or two name different units (namedUnit).
 */
export async function stockByLot(store: Sql, facilityId: string | null) {
  // A body holding a \u0000 or a lone surrogate escape (a signed entry may) cannot be read as
  // JSON by PostgreSQL at all: its unit is left out rather than the query failing for everyone.
  const rows = await store.query<{ facility_id: string; ndc: string; lot: string; on_hand: number; entries: number; units: string[] | null }>(
    `SELECT facility_id, ndc, COALESCE(lot, '') AS lot, SUM(delta)::bigint AS on_hand, COUNT(*)::bigint AS entries,
            ARRAY_AGG(unit ORDER BY received_at DESC, device_id COLLATE "C", seq DESC) FILTER (WHERE unit IS NOT NULL) AS units
       FROM (SELECT facility_id, ndc, lot, delta, received_at, device_id, seq,
                    CASE WHEN body ~* '\\\\u(0000|d[89a-f])' THEN NULL
                         WHEN json_typeof(body::json #> '{data,unit}') = 'string' THEN body::json #>> '{data,unit}' END AS unit
               FROM entries WHERE ndc IS NOT NULL AND ($1::text IS NULL OR facility_id = $1)) e
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [facilityId],
  );
  return rows.rows.map(({ units, ...r }) => ({ ...r, unit: namedUnit(units ?? []) }));
}

/** Holds placed and not released, by facility (the admin API) or oldest first across facilities (the console). */
export async function activeHolds(store: Sql, order: 'facility' | 'oldest') {
  // As on the workstation (src/main/holds): a HOLD_RELEASED releases the HOLD_PLACED with the
  // same data.hold_id (same facility and NDC); naming it by `corrects` is accepted too.
  const rows = await store.query<{ device_id: string; seq: number; hash: string; facility_id: string; ndc: string | null; lot: string | null; event_time: string; body: string }>(
    `SELECT p.device_id, p.seq, p.hash, p.facility_id, p.ndc, p.lot, p.event_time, p.body
       FROM entries p
      WHERE p.type = 'HOLD_PLACED'
        AND NOT EXISTS (
          SELECT 1 FROM entries r
           WHERE r.type = 'HOLD_RELEASED' AND r.facility_id = p.facility_id
             AND (((r.body::jsonb -> 'data' -> 'hold_id') = (p.body::jsonb -> 'data' -> 'hold_id') AND r.ndc IS NOT DISTINCT FROM p.ndc)
               OR (r.body::jsonb -> 'corrects' ->> 'hash') = p.hash))
      ORDER BY ${order === 'facility' ? 'p.facility_id, p.event_time' : 'p.event_time, p.facility_id'}`,
  );
  return rows.rows.map((r) => {
    const body = JSON.parse(r.body) as { data?: { hold_id?: unknown }; actor?: string };
    return { hold_id: body.data?.hold_id ?? null, device_id: r.device_id, seq: r.seq, hash: r.hash, facility_id: r.facility_id, ndc: r.ndc, lot: r.lot, event_time: r.event_time, actor: body.actor, data: body.data };
  });
}

/** Each device with its accepted head, last contact, how far behind it was at that contact, and its flag. */
export async function deviceList(store: Sql) {
  const rows = await store.query<{
    device_id: string;
    facility_id: string;
    enrolled_at: Date;
    head_seq: number;
    head_hash: string;
    last_push_at: Date | null;
    last_seen_at: Date | null;
    reported_head_seq: number | null;
    flagged: boolean;
    flag_reason: string | null;
    retired_at: Date | null;
    seconds_since_push: number | null;
  }>(
    `SELECT device_id, facility_id, enrolled_at, head_seq, head_hash, last_push_at, last_seen_at, reported_head_seq, flagged, flag_reason, retired_at,
            EXTRACT(EPOCH FROM now() - last_push_at)::bigint AS seconds_since_push
       FROM devices ORDER BY facility_id, device_id`,
  );
  return rows.rows.map((d) => ({
      ...d,
      enrolled_at: iso(d.enrolled_at),
      last_push_at: iso(d.last_push_at),
      last_seen_at: iso(d.last_seen_at),
      retired_at: iso(d.retired_at),
      // As of the device's last contact; a device that has been silent may be further behind.
      entries_behind: Math.max(0, (d.reported_head_seq ?? d.head_seq) - d.head_seq),
    }));
}
