import { randomBytes } from 'node:crypto';
import { RxError } from '../../shared/errors/error-codes';
import { CountScope, describeScope } from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';
import type { EntryBody, EntryRef } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import type { Workstation } from '../workstation';

/** Count sessions: their scope and lines (from stock on hand), create, get, list, cancel, shelf locations. */

export interface CountItem {
  ndc: string;
  /** null: the whole NDC, every lot. */
  lot: string | null;
  schedule: Schedule | null;
  name: string | null;
  expiry: string | null;
  location: string | null;
}

export interface CountSession {
  count_id: string;
  facility_id: string;
  scope: CountScope;
  scope_label: string;
  blind: boolean;
  items: CountItem[];
  created_by: string;
  created_at: string;
  status: 'open' | 'submitted' | 'cancelled';
  submitted_by: string | null;
  submitted_at: string | null;
  tolerance_version: number | null;
}

interface SessionRow {
  count_id: string;
  facility_id: string;
  scope: string;
  blind: number;
  items: string;
  created_by: string;
  created_at: string;
  status: CountSession['status'];
  submitted_by: string | null;
  submitted_at: string | null;
  tolerance_version: number | null;
}

export const toSession = (r: SessionRow): CountSession => {
  const scope = CountScope.parse(JSON.parse(r.scope));
  return {
    count_id: r.count_id,
    facility_id: r.facility_id,
    scope,
    scope_label: describeScope(scope),
    blind: r.blind === 1,
    items: JSON.parse(r.items) as CountItem[],
    created_by: r.created_by,
    created_at: r.created_at,
    status: r.status,
    submitted_by: r.submitted_by,
    submitted_at: r.submitted_at,
    tolerance_version: r.tolerance_version,
  };
};

export const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`;

export function isStocked(db: Db, facilityId: string, ndc: string): boolean {
  return !!db.prepare('SELECT 1 FROM ledger_entries WHERE facility_id = ? AND ndc = ? LIMIT 1').get(facilityId, ndc);
}

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

export function describe(db: Db, facilityId: string, ndc: string, lot: string | null): Omit<CountItem, 'ndc' | 'lot'> {
  const schedule =
    db.prepare<[string, string], { schedule: Schedule | null }>('SELECT schedule FROM stock WHERE facility_id = ? AND ndc = ? AND schedule IS NOT NULL LIMIT 1').get(facilityId, ndc)?.schedule ??
    null;
  const name = hasTable(db, 'catalog_packages')
    ? (db.prepare<[string], { name: string | null }>('SELECT name FROM catalog_packages WHERE ndc11 = ?').get(ndc)?.name ?? null)
    : null;
  const expiry =
    lot === null
      ? null
      : (db
          .prepare<[string, string, string], { e: string | null }>(
            "SELECT json_extract(body, '$.expiry') AS e FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND lot = ? AND json_extract(body, '$.expiry') IS NOT NULL ORDER BY recorded_at DESC LIMIT 1",
          )
          .get(facilityId, ndc, lot)?.e ?? null);
  const location = db.prepare<[string, string], { location: string }>('SELECT location FROM stock_locations WHERE facility_id = ? AND ndc = ?').get(facilityId, ndc)?.location ?? null;
  return { schedule, name, expiry, location };
}

/**
 * The lines a scope covers, from stock on hand: one per lot, or one for the whole NDC when
 * part of its stock has no lot recorded.
 */
export function itemsForScope(db: Db, facilityId: string, scope: CountScope): CountItem[] {
  if (scope.kind === 'recount') {
    return pendingRecounts(db, facilityId).map((p) => ({ ndc: p.ndc, lot: p.lot, ...describe(db, facilityId, p.ndc, p.lot) }));
  }
  const stock = db
    .prepare<[string], { ndc: string; lot: string; schedule: Schedule | null; on_hand: number }>('SELECT ndc, lot, schedule, on_hand FROM stock WHERE facility_id = ? ORDER BY ndc, lot')
    .all(facilityId);
  const byNdc = new Map<string, { lot: string; schedule: Schedule | null; on_hand: number }[]>();
  for (const s of stock) byNdc.set(s.ndc, [...(byNdc.get(s.ndc) ?? []), s]);
  let ndcs: string[];
  switch (scope.kind) {
    case 'all_cii':
      ndcs = [...byNdc].filter(([, rows]) => rows.some((r) => r.schedule === 'CII')).map(([n]) => n);
      break;
    case 'schedule':
      ndcs = [...byNdc].filter(([, rows]) => rows.some((r) => r.schedule === scope.schedule)).map(([n]) => n);
      break;
    case 'location': {
      const at = new Set(
        db.prepare<[string, string], { ndc: string }>('SELECT ndc FROM stock_locations WHERE facility_id = ? AND lower(location) = lower(?)').all(facilityId, scope.location).map((r) => r.ndc),
      );
      ndcs = [...byNdc.keys()].filter((n) => at.has(n));
      break;
    }
    case 'ndcs': {
      const missing = scope.ndcs.filter((n) => !isStocked(db, facilityId, n));
      if (missing.length) throw new RxError('NOT_FOUND', `Not stocked at ${facilityId}: ${missing.join(', ')}. Nothing was created.`);
      ndcs = [...new Set(scope.ndcs)];
      break;
    }
    case 'expiring':
      ndcs = [...byNdc.keys()];
      break;
  }
  const items: CountItem[] = [];
  for (const ndc of ndcs) {
    const rows = (byNdc.get(ndc) ?? []).filter((r) => r.on_hand !== 0 || scope.kind === 'ndcs');
    if (rows.length === 0 && scope.kind === 'ndcs') {
      items.push({ ndc, lot: null, ...describe(db, facilityId, ndc, null) });
      continue;
    }
    if (rows.some((r) => r.lot === '')) {
      if (scope.kind !== 'expiring') items.push({ ndc, lot: null, ...describe(db, facilityId, ndc, null) });
      continue;
    }
    for (const r of rows) {
      const item = { ndc, lot: r.lot, ...describe(db, facilityId, ndc, r.lot) };
      if (scope.kind === 'expiring' && !(item.expiry ?? '').startsWith(scope.month)) continue;
      items.push(item);
    }
  }
  return items;
}

export function createCount(
  ws: Workstation,
  input: { scope: CountScope; blind?: boolean; actor: string; items?: CountItem[] },
): CountSession {
  const scope = CountScope.parse(input.scope);
  const items = input.items ?? itemsForScope(ws.db, ws.facilityId, scope);
  if (items.length === 0) throw new RxError('NOT_FOUND', `Nothing to count for ${describeScope(scope)} at ${ws.facilityId}: no stock on hand matches.`);
  const countId = newId('C');
  const at = ws.clock.now().toISOString();
  ws.db
    .transaction(() => {
      ws.db
        .prepare(
          `INSERT INTO count_sessions (count_id, facility_id, scope, blind, items, created_by, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
        )
        .run(countId, ws.facilityId, JSON.stringify(scope), input.blind === false ? 0 : 1, JSON.stringify(items), input.actor, at);
      ws.audit.record({ actor: input.actor, action: 'COUNT_STARTED', target: countId, details: { scope, blind: input.blind !== false, lines: items.length } });
    })
    .immediate();
  return getCount(ws.db, countId)!;
}

export function getCount(db: Db, countId: string): CountSession | null {
  const r = db.prepare<[string], SessionRow>('SELECT * FROM count_sessions WHERE count_id = ?').get(countId);
  return r ? toSession(r) : null;
}

export function listCounts(db: Db, filter: { status?: CountSession['status'] | undefined; limit?: number } = {}): CountSession[] {
  return db
    .prepare<[{ status: string | null; limit: number }], SessionRow>('SELECT * FROM count_sessions WHERE (@status IS NULL OR status = @status) ORDER BY created_at DESC LIMIT @limit')
    .all({ status: filter.status ?? null, limit: filter.limit ?? 100 })
    .map(toSession);
}

export function cancelCount(ws: Workstation, countId: string, actor: string): void {
  ws.db
    .transaction(() => {
      const s = getCount(ws.db, countId);
      if (!s) throw new RxError('NOT_FOUND', `No count ${countId}.`);
      if (s.status !== 'open') throw new RxError('CONFLICT', `Count ${countId} is already ${s.status}.`);
      ws.db.prepare("UPDATE count_sessions SET status = 'cancelled', submitted_by = ?, submitted_at = ? WHERE count_id = ?").run(actor, ws.clock.now().toISOString(), countId);
      ws.audit.record({ actor, action: 'COUNT_CANCELLED', target: countId });
    })
    .immediate();
}

/** Where an NDC is kept, for counts by location. */
export function setLocation(ws: Workstation, ndc: string, location: string, actor: string): void {
  if (!isStocked(ws.db, ws.facilityId, ndc)) throw new RxError('NOT_FOUND', `${ndc} is not stocked at ${ws.facilityId}.`);
  ws.db
    .prepare(
      `INSERT INTO stock_locations (facility_id, ndc, location, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (facility_id, ndc) DO UPDATE SET location = excluded.location, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .run(ws.facilityId, ndc, location.trim(), ws.clock.now().toISOString(), actor);
}

export interface CountEntryRow {
  device_id: string;
  seq: number;
  hash: string;
  body: string;
}

/** COUNT lines whose variance waits for a second person's recount. */
export function pendingRecounts(db: Db, facilityId: string): { ndc: string; lot: string | null; entry: EntryRef; counted_by: string; count_id: string; count_time: string }[] {
  return db
    .prepare<[string], CountEntryRow>(
      `SELECT c.device_id, c.seq, c.hash, c.body FROM ledger_entries c
        WHERE c.type = 'COUNT' AND c.facility_id = ? AND json_extract(c.body, '$.data.outcome') = 'recount_required'
          AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.type = 'COUNT' AND r.facility_id = c.facility_id AND r.ndc = c.ndc
                           AND json_extract(r.body, '$.data.recount_of.hash') = c.hash)
        ORDER BY c.event_time`,
    )
    .all(facilityId)
    .map((r) => {
      const b = JSON.parse(r.body) as EntryBody;
      return { ndc: b.ndc!, lot: b.lot, entry: { device_id: r.device_id, seq: r.seq, hash: r.hash }, counted_by: b.actor, count_id: String(b.data.count_id), count_time: b.event_time };
    });
}
