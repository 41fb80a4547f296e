import { RxError } from '../../shared/errors/error-codes';
import type { EntryBody, EntryRef, LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { toView } from '../ledger/query';
import { signaturesOf, type StoredSignature } from './signatures';
import { cachedStatement } from '../db/statement-cache';

/**
 * Compliance holds are ledger entries: HOLD_PLACED names the count, HOLD_RELEASED names the
 * signed adjustment. A hold is active while no HOLD_RELEASED with its hold_id exists. They are
 * read from the ledger of every chain held here (siblings' too), so a hold placed at another
 * workstation of the facility stops dispensing here once it has been pulled.
 */
export interface ActiveHold {
  hold_id: string;
  facility_id: string;
  ndc: string;
  /** null: the hold covers every lot of the NDC. */
  lot: string | null;
  count_id: string | null;
  placed_at: string;
  placed_by: string;
  placed_device_id: string;
  message: string;
}

const ACTIVE_SQL = `
  SELECT p.device_id, p.seq, p.hash, p.prev_hash, p.signature, p.body FROM ledger_entries p
   WHERE p.type = 'HOLD_PLACED' AND p.facility_id = @facility AND p.ndc = @ndc
     AND (@lot IS NULL OR p.lot IS NULL OR p.lot = @lot)
     AND (@except IS NULL OR json_extract(p.body, '$.data.hold_id') != @except)
     AND NOT EXISTS (
       SELECT 1 FROM ledger_entries r
        WHERE r.type = 'HOLD_RELEASED' AND r.facility_id = p.facility_id AND r.ndc = p.ndc
          AND json_extract(r.body, '$.data.hold_id') = json_extract(p.body, '$.data.hold_id'))
   ORDER BY p.event_time, p.device_id, p.seq LIMIT 1`;

interface EntryRow {
  device_id: string;
  seq: number;
  hash: string;
  prev_hash: string;
  signature: string;
  body: string;
}

function toActive(row: EntryRow): ActiveHold {
  const b = JSON.parse(row.body) as EntryBody;
  const holdId = String(b.data.hold_id);
  const lotText = b.lot ? `lot ${b.lot}` : 'all lots';
  return {
    hold_id: holdId,
    facility_id: b.facility_id,
    ndc: b.ndc ?? '',
    lot: b.lot,
    count_id: typeof b.data.count_id === 'string' ? b.data.count_id : null,
    placed_at: b.event_time,
    placed_by: b.actor,
    placed_device_id: row.device_id,
    message: `${b.ndc} (${lotText}) is on compliance hold ${holdId} since ${b.event_time}: a count found a variance over tolerance. A pharmacist must sign an adjustment to release it.`,
  };
}

/**
 * The active hold covering (facility, NDC, lot), or null. `lot` null asks about any lot of the
 * NDC; a hold without a lot holds every lot. What the POS API and the ingestion gate call
 * before a dispense or an adjustment.
 */
export function findActiveHold(db: Db, facilityId: string, ndc: string, lot: string | null, exceptHoldId: string | null = null): ActiveHold | null {
  const row = cachedStatement<[{ facility: string; ndc: string; lot: string | null; except: string | null }], EntryRow>(db, ACTIVE_SQL).get({ facility: facilityId, ndc, lot: lot || null, except: exceptHoldId });
  return row ? toActive(row) : null;
}

/** Throws RxError HOLD_ACTIVE (code 'HOLD_ACTIVE') when a hold covers the stock; for adjustments and the ingestion gate. */
export function assertNoActiveHold(db: Db, facilityId: string, ndc: string, lot: string | null, what = 'This adjustment'): void {
  const hold = findActiveHold(db, facilityId, ndc, lot);
  if (hold) throw new RxError('HOLD_ACTIVE', `${what} is refused: ${hold.message}`);
}

export function countActiveHolds(db: Db, facilityId?: string): number {
  return (
    db
      .prepare<[{ facility: string | null }], { n: number }>(
        `SELECT COUNT(*) AS n FROM ledger_entries p
          WHERE p.type = 'HOLD_PLACED' AND (@facility IS NULL OR p.facility_id = @facility)
            AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.type = 'HOLD_RELEASED' AND r.facility_id = p.facility_id AND r.ndc = p.ndc
                             AND json_extract(r.body, '$.data.hold_id') = json_extract(p.body, '$.data.hold_id'))`,
      )
      .get({ facility: facilityId ?? null })!.n
  );
}

export interface HoldSummary {
  hold_id: string;
  status: 'active' | 'released';
  facility_id: string;
  ndc: string;
  lot: string | null;
  schedule: EntryBody['schedule'];
  count_id: string | null;
  count_time: string | null;
  expected: number | null;
  counted: number | null;
  variance: number | null;
  allowed: number | null;
  tolerance_version: number | null;
  placed_at: string;
  placed_by: string;
  placed: EntryRef;
  count_entry: EntryRef | null;
  released_at: string | null;
  released_by: string | null;
  released: EntryRef | null;
  adjustment: EntryRef | null;
}

const ref = (r: { device_id: string; seq: number; hash: string }): EntryRef => ({ device_id: r.device_id, seq: r.seq, hash: r.hash });
const int = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const asRef = (v: unknown): EntryRef | null => (v && typeof v === 'object' && 'hash' in v ? (v as EntryRef) : null);

function summary(p: EntryRow, r: EntryRow | null): HoldSummary {
  const b = JSON.parse(p.body) as EntryBody;
  const rb = r ? (JSON.parse(r.body) as EntryBody) : null;
  return {
    hold_id: String(b.data.hold_id),
    status: r ? 'released' : 'active',
    facility_id: b.facility_id,
    ndc: b.ndc ?? '',
    lot: b.lot,
    schedule: b.schedule,
    count_id: typeof b.data.count_id === 'string' ? b.data.count_id : null,
    count_time: typeof b.data.count_time === 'string' ? b.data.count_time : null,
    expected: int(b.data.expected),
    counted: int(b.data.counted),
    variance: int(b.data.variance),
    allowed: int(b.data.allowed),
    tolerance_version: int(b.data.tolerance_version),
    placed_at: b.event_time,
    placed_by: b.actor,
    placed: ref(p),
    count_entry: asRef(b.data.count_entry),
    released_at: rb?.event_time ?? null,
    released_by: rb?.actor ?? null,
    released: r ? ref(r) : null,
    adjustment: rb ? asRef(rb.data.adjustment) : null,
  };
}

const LIST_SQL = `
  SELECT p.device_id, p.seq, p.hash, p.prev_hash, p.signature, p.body,
         r.device_id AS r_device_id, r.seq AS r_seq, r.hash AS r_hash, r.prev_hash AS r_prev_hash, r.signature AS r_signature, r.body AS r_body
    FROM ledger_entries p
    LEFT JOIN ledger_entries r ON r.type = 'HOLD_RELEASED' AND r.facility_id = p.facility_id AND r.ndc = p.ndc
         AND json_extract(r.body, '$.data.hold_id') = json_extract(p.body, '$.data.hold_id')
   WHERE p.type = 'HOLD_PLACED' AND (@hold IS NULL OR json_extract(p.body, '$.data.hold_id') = @hold)
   ORDER BY (r.hash IS NULL) DESC, p.event_time DESC`;

type JoinRow = EntryRow & { r_device_id: string | null; r_seq: number | null; r_hash: string | null; r_prev_hash: string | null; r_signature: string | null; r_body: string | null };

function rows(db: Db, holdId: string | null): HoldSummary[] {
  const seen = new Set<string>();
  const out: HoldSummary[] = [];
  for (const j of db.prepare<[{ hold: string | null }], JoinRow>(LIST_SQL).all({ hold: holdId })) {
    const r = j.r_hash ? { device_id: j.r_device_id!, seq: j.r_seq!, hash: j.r_hash, prev_hash: j.r_prev_hash!, signature: j.r_signature!, body: j.r_body! } : null;
    const s = summary(j, r);
    if (seen.has(s.hold_id)) continue;
    seen.add(s.hold_id);
    out.push(s);
  }
  return out;
}

/** Every hold, active ones first, newest first. */
export function listHolds(db: Db, filter: { status?: 'active' | 'released' | undefined } = {}): HoldSummary[] {
  const all = rows(db, null);
  return filter.status ? all.filter((h) => h.status === filter.status) : all;
}

export function getHold(db: Db, holdId: string): HoldSummary | null {
  return rows(db, holdId)[0] ?? null;
}

export interface HoldDetail {
  hold: HoldSummary;
  /** The COUNT entry that found the variance. */
  count: LedgerEntryView | null;
  /** Stock movements of the held NDC/lot after the count time, oldest first. */
  movementsSince: LedgerEntryView[];
  /** Every entry naming this hold (placed, later counts, the adjustment, the release), with signatures. */
  history: (LedgerEntryView & { signatures: StoredSignature[] })[];
}

export function holdDetail(db: Db, holdId: string): HoldDetail | null {
  const hold = getHold(db, holdId);
  if (!hold) return null;
  const sel = 'SELECT device_id, seq, hash, prev_hash, signature, body FROM ledger_entries';
  const count = hold.count_entry ? db.prepare<[string, number], EntryRow>(`${sel} WHERE device_id = ? AND seq = ?`).get(hold.count_entry.device_id, hold.count_entry.seq) : undefined;
  const since = hold.count_time ?? hold.placed_at;
  const movementsSince = db
    .prepare<[{ f: string; ndc: string; lot: string | null; since: string }], EntryRow>(
      `${sel} WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot) AND delta != 0 AND event_time > @since ORDER BY event_time, device_id, seq`,
    )
    .all({ f: hold.facility_id, ndc: hold.ndc, lot: hold.lot, since })
    .map(toView);
  const history = db
    .prepare<[{ f: string; ndc: string; hold: string }], EntryRow>(
      `${sel} WHERE facility_id = @f AND ndc = @ndc AND type IN ('HOLD_PLACED', 'HOLD_RELEASED', 'ADJUSTMENT', 'COUNT') AND json_extract(body, '$.data.hold_id') = @hold ORDER BY recorded_at, device_id, seq`,
    )
    .all({ f: hold.facility_id, ndc: hold.ndc, hold: holdId })
    .map((r) => ({ ...toView(r), signatures: signaturesOf(db, r.device_id, r.seq) }));
  const countView = count ? toView(count) : null;
  if (countView && !history.some((h) => h.hash === countView.hash)) history.unshift({ ...countView, signatures: [] });
  return { hold, count: countView, movementsSince, history };
}
