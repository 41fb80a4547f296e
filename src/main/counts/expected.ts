/** What the ledger says was on hand at a count, and what moved since: the book side of a count. */

import type { LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { PackageUnitsLookup } from '../catalog/package-units';
import { legacyContainerEntries } from '../ledger/legacy-basis';
import { toView } from '../ledger/query';

/**
 * Expected on hand at the count time: the sum of the ledger's deltas up to and including that
 * event time, from the ledger itself (not the projection), so a dispense recorded during the
 * count is placed where it happened and does not turn into a variance. lot null: every lot.
 */
export function expectedAt(db: Db, facilityId: string, ndc: string, lot: string | null, at: string): number {
  const recorded = db
    .prepare<[{ f: string; ndc: string; lot: string | null; at: string }], { n: number }>(
      'SELECT COALESCE(SUM(delta), 0) AS n FROM ledger_entries WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot) AND event_time <= @at',
    )
    .get({ f: facilityId, ndc, lot, at })!.n;
  // Version 0.1 receipts recorded in containers count in dosage units here too.
  const units = new PackageUnitsLookup(db);
  const legacy = legacyContainerEntries(db, (n) => units.of(n), { facilityId, ndc, lot: lot ?? undefined, to: at });
  return recorded + legacy.reduce((s, e) => s + (e.extra ?? 0), 0);
}

/** Stock movements after `since` (the count time), oldest first: what the review shows beside a variance. */
export function movementsSince(db: Db, facilityId: string, ndc: string, lot: string | null, since: string): LedgerEntryView[] {
  return db
    .prepare<[{ f: string; ndc: string; lot: string | null; since: string }], { device_id: string; seq: number; hash: string; prev_hash: string; signature: string; body: string }>(
      `SELECT device_id, seq, hash, prev_hash, signature, body FROM ledger_entries
        WHERE facility_id = @f AND ndc = @ndc AND (@lot IS NULL OR lot = @lot) AND delta != 0 AND event_time > @since ORDER BY event_time, device_id, seq`,
    )
    .all({ f: facilityId, ndc, lot, since })
    .map(toView);
}
