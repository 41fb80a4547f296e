import { RxError } from '../../shared/errors/error-codes';
import { type TolerancePolicy } from '../../shared/counts';
import type { EntryBody, EntryRef, LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { policyVersion } from './tolerance-store';
import { getCount, type CountEntryRow, type CountSession } from './count-sessions';
import { movementsSince } from './expected';
import type { CountLineResult, LineOutcome } from './submit';

export interface ReviewLine extends CountLineResult {
  on_hand_now: number;
  /** Movements after the count time: why the shelf may differ from the count now. */
  movements_since: LedgerEntryView[];
  hold_status: 'active' | 'released' | null;
}

/** After submission: expected, counted, variance, the tolerance used, the hold, and the movements since each line's count time. */
export function reviewCount(db: Db, countId: string): { count: CountSession; policy: TolerancePolicy | null; lines: ReviewLine[] } {
  const count = getCount(db, countId);
  if (!count) throw new RxError('NOT_FOUND', `No count ${countId}.`);
  const entries = db
    .prepare<[string], CountEntryRow>(
      "SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'COUNT' AND json_extract(body, '$.data.count_id') = ? ORDER BY seq",
    )
    .all(countId);
  const lines = entries.map((e): ReviewLine => {
    const b = JSON.parse(e.body) as EntryBody;
    const d = b.data as Record<string, unknown>;
    const holdId = typeof d.hold_id === 'string' ? d.hold_id : null;
    const released = holdId
      ? !!db.prepare("SELECT 1 FROM ledger_entries WHERE type = 'HOLD_RELEASED' AND json_extract(body, '$.data.hold_id') = ?").get(holdId)
      : false;
    return {
      ndc: b.ndc!,
      lot: b.lot,
      schedule: b.schedule,
      count_time: b.event_time,
      counted_by: b.actor,
      expected: Number(d.expected),
      counted: b.quantity,
      variance: Number(d.variance),
      allowed: Number(d.allowed),
      tolerance_version: Number(d.tolerance_version),
      tolerance_basis: String(d.tolerance_basis),
      outcome: d.outcome as LineOutcome,
      hold_id: holdId,
      entry: { device_id: e.device_id, seq: e.seq, hash: e.hash },
      recount_of: (d.recount_of as EntryRef | null) ?? null,
      on_hand_now: db
        .prepare<[{ f: string; ndc: string; lot: string | null }], { n: number }>('SELECT COALESCE(SUM(on_hand), 0) AS n FROM stock WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot)')
        .get({ f: b.facility_id, ndc: b.ndc!, lot: b.lot })!.n,
      movements_since: movementsSince(db, b.facility_id, b.ndc!, b.lot, b.event_time),
      hold_status: holdId ? (released ? 'released' : 'active') : null,
    };
  });
  return { count, policy: count.tolerance_version === null ? null : policyVersion(db, count.tolerance_version), lines };
}
