import { checkEntry, type CopiedColumns, type EntryRecord } from '../../shared/ledger/entry-check';
import { GENESIS_PREV_HASH } from '../../shared/ledger/hash';
import { deviceKey } from '../auth/device-signature';
import { ledgerCrypto } from '../crypto';
import type { Sql } from '../db/pg-adapter';

export interface ChainReport {
  ok: boolean;
  checked: number;
  devices: { device_id: string; entries: number; head_seq: number; head_hash: string }[];
  failure: { device_id: string; seq: number; reason: string } | null;
}

/**
 * The server side of "verification passes on both sides": every stored chain re-checked with
 * the ledger core's entry check, the one the workstation's verifier uses (stored columns
 * included), and each device's recorded head compared with its chain.
 */
export async function verifyChains(db: Sql, facilityId: string | null = null, pageSize = 5000): Promise<ChainReport> {
  const devices = (
    await db.query<{ device_id: string; public_key: string; head_seq: number; head_hash: string }>(
      'SELECT device_id, public_key, head_seq, head_hash FROM devices WHERE ($1::text IS NULL OR facility_id = $1) ORDER BY device_id',
      [facilityId],
    )
  ).rows;
  const report: ChainReport = { ok: true, checked: 0, devices: [], failure: null };
  for (const d of devices) {
    const key = deviceKey(d.public_key);
    let expected = 1;
    let prev = GENESIS_PREV_HASH;
    for (;;) {
      const page = (
        await db.query<EntryRecord & CopiedColumns>(
          `SELECT device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at
             FROM entries WHERE device_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
          [d.device_id, expected, pageSize],
        )
      ).rows;
      for (const e of page) {
        const checked = checkEntry(ledgerCrypto, e, expected, prev, key, e);
        if (!checked.ok) return { ...report, ok: false, failure: { device_id: d.device_id, seq: checked.seq, reason: checked.reason } };
        expected++;
        prev = e.hash;
        report.checked++;
      }
      if (page.length < pageSize) break;
    }
    if (expected - 1 !== d.head_seq || prev !== d.head_hash) {
      return { ...report, ok: false, failure: { device_id: d.device_id, seq: expected - 1, reason: `recorded head seq ${d.head_seq} does not match the stored chain (ends at ${expected - 1})` } };
    }
    report.devices.push({ device_id: d.device_id, entries: expected - 1, head_seq: d.head_seq, head_hash: d.head_hash });
  }
  return report;
}
