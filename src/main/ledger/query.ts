import type { EntryBody, LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';

interface Row {
  device_id: string;
  seq: number;
  hash: string;
  prev_hash: string;
  signature: string;
  body: string;
}

export function toView(r: Row): LedgerEntryView {
  const b = JSON.parse(r.body) as EntryBody;
  return {
    device_id: r.device_id,
    seq: r.seq,
    hash: r.hash,
    prev_hash: r.prev_hash,
    signature: r.signature,
    type: b.type,
    facility_id: b.facility_id,
    ndc: b.ndc,
    lot: b.lot,
    serial: b.serial,
    expiry: b.expiry,
    schedule: b.schedule,
    quantity: b.quantity,
    delta: b.delta,
    event_time: b.event_time,
    recorded_at: b.recorded_at,
    actor: b.actor,
    corrects: b.corrects,
    data: b.data,
  };
}

/** Newest first; `beforeSeq` pages backwards through the local chain. */
export function listLedger(db: Db, q: { ndc?: string | undefined; beforeSeq?: number | undefined; sinceSeq?: number | undefined; limit?: number | undefined }): LedgerEntryView[] {
  const ndc = q.ndc ? normalizeFilter(q.ndc) : null;
  const rows = db
    .prepare<[{ ndc: string | null; before: number | null; since: number | null; limit: number }], Row>(
      `SELECT device_id, seq, hash, prev_hash, signature, body FROM ledger_entries
        WHERE (@ndc IS NULL OR replace(ndc, '-', '') = @ndc)
          AND (@before IS NULL OR seq < @before) AND (@since IS NULL OR seq > @since)
        ORDER BY recorded_at DESC, seq DESC LIMIT @limit`,
    )
    .all({ ndc, before: q.beforeSeq ?? null, since: q.sinceSeq ?? null, limit: q.limit ?? 200 });
  return rows.map(toView);
}

/** Oldest first, for `rxledger ledger --since` and exports. */
export function* iterateLedger(db: Db, sinceSeq = 0): Generator<LedgerEntryView> {
  for (const r of db
    .prepare<[number], Row>('SELECT device_id, seq, hash, prev_hash, signature, body FROM ledger_entries WHERE seq > ? ORDER BY device_id, seq')
    .iterate(sinceSeq)) {
    yield toView(r);
  }
}

const normalizeFilter = (ndc: string) => ndc.replace(/[^0-9]/g, '');
