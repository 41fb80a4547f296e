import { checkEntry, signedByDevice } from '../../shared/ledger/entry-check';
import type { EntryBody } from '../../shared/schemas/ledger-entry';
import type { Head, PushResponse, WireEntry, WorkstationHealth } from '../../shared/sync/protocol';
import type { Sql, Store } from '../db/pg-adapter';
import { deviceKey, type DeviceRow } from '../auth/device-signature';
import { ledgerCrypto } from '../crypto';
import { HttpError } from '../errors';
import { serverMetrics } from '../metrics/registry';

class Fork extends Error {
  constructor(
    readonly seq: number,
    readonly storedHash: string | null,
    readonly pushedHash: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Accepts a device's entries in order. The device row is locked FOR UPDATE, so pushes of one
 * device are serialized across every server process; (device_id, seq) is the primary key as
 * a second line. All or nothing per request: a refusal rolls the whole batch back.
 */
export async function acceptEntries(
  store: Store,
  device: DeviceRow,
  entries: WireEntry[],
  localHeadSeq: number | undefined,
  health?: WorkstationHealth,
): Promise<PushResponse> {
  try {
    const r = await store.transaction(async (tx) => {
      const out = await acceptInTransaction(tx, device, entries, localHeadSeq);
      if (health) await recordHealth(tx, device, health);
      return out;
    });
    serverMetrics.entriesAccepted.inc({}, r.accepted);
    return { ...r, health: true, health_suspect_open: true };
  } catch (err) {
    if (!(err instanceof Fork)) throw err;
    serverMetrics.forks.inc();
    // Recorded after the rollback, in its own transaction: the fork itself is never merged.
    await store.transaction(async (tx) => {
      await tx.query('UPDATE devices SET flagged = true, flag_reason = $2 WHERE device_id = $1', [device.device_id, `fork at seq ${err.seq}: ${err.message}`]);
      await tx.query('INSERT INTO alarms (kind, device_id, facility_id, details) VALUES ($1, $2, $3, $4)', [
        'FORK',
        device.device_id,
        device.facility_id,
        JSON.stringify({ seq: err.seq, stored_hash: err.storedHash, pushed_hash: err.pushedHash, reason: err.message }),
      ]);
    });
    throw new HttpError('FORK', `fork at seq ${err.seq} of device ${device.device_id}: ${err.message}. Nothing was merged; the device is blocked until the central office resolves it.`, {
      seq: err.seq,
      stored_hash: err.storedHash,
      pushed_hash: err.pushedHash,
    });
  }
}

async function acceptInTransaction(tx: Sql, device: DeviceRow, entries: WireEntry[], localHeadSeq: number | undefined): Promise<PushResponse> {
  const locked = (
    await tx.query<{ head_seq: number; head_hash: string; flagged: boolean; flag_reason: string | null; retired: boolean }>(
      'SELECT head_seq, head_hash, flagged, flag_reason, retired_at IS NOT NULL AS retired FROM devices WHERE device_id = $1 FOR UPDATE',
      [device.device_id],
    )
  ).rows[0];
  if (!locked) throw new HttpError('UNKNOWN_DEVICE', `device ${device.device_id} is not enrolled with this server`);
  // Checked again under the lock: a retirement signed while this push was authenticated wins.
  if (locked.retired) throw new HttpError('DEVICE_RETIRED', `device ${device.device_id} was retired by the central office; nothing more is accepted from it`);
  if (locked.flagged) throw new HttpError('DEVICE_FLAGGED', `device ${device.device_id} is blocked by the central office: ${locked.flag_reason ?? 'flagged'}`);
  const key = deviceKey(device.public_key);
  let head: Head = { seq: locked.head_seq, hash: locked.head_hash };

  for (const e of entries) {
    if (e.device_id !== device.device_id) {
      throw new HttpError('WRONG_DEVICE', `device ${device.device_id} may push only its own chain (got an entry of ${e.device_id})`);
    }
  }
  const knownSeqs = entries.filter((e) => e.seq <= head.seq).map((e) => e.seq);
  const stored = new Map<number, string>();
  if (knownSeqs.length > 0) {
    const rows = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM entries WHERE device_id = $1 AND seq = ANY($2::bigint[])', [
      device.device_id,
      knownSeqs,
    ]);
    for (const r of rows.rows) stored.set(r.seq, r.hash);
  }

  const fresh: { e: WireEntry; body: EntryBody }[] = [];
  let already = 0;
  for (const e of entries) {
    if (e.seq <= head.seq) {
      const have = stored.get(e.seq) ?? null;
      if (have === e.hash) {
        already++;
        continue;
      }
      if (!signedByDevice(ledgerCrypto, e, key)) throw invalid(e.seq, 'the entry does not verify with the device key');
      throw new Fork(e.seq, have, e.hash, 'a different entry than the one already accepted at this seq');
    }
    if (e.seq !== head.seq + 1) {
      throw new HttpError('GAP', `device ${device.device_id}: expected seq ${head.seq + 1}, got ${e.seq}; push from seq ${head.seq + 1}`, {
        expected_seq: head.seq + 1,
        head,
      });
    }
    // The entry as sent: the wire carries no copied columns, they are written from the checked body below.
    const checked = checkEntry(ledgerCrypto, e, head.seq + 1, head.hash, key);
    serverMetrics.entriesVerified.inc({ result: checked.ok ? 'ok' : 'refused' });
    if (!checked.ok) {
      // A correctly signed entry that continues from another history is a fork, not noise.
      if (e.prev_hash !== head.hash && signedByDevice(ledgerCrypto, e, key)) throw new Fork(e.seq, head.hash, e.prev_hash, 'the entry continues from a different previous entry');
      throw invalid(checked.seq, checked.reason);
    }
    // An entry is recorded for the device's own facility only: a device cannot write into
    // another pharmacy's records, even signing them with its own key (issue 13).
    if (checked.body.facility_id !== device.facility_id) {
      throw new HttpError('FACILITY_MISMATCH',
        `seq ${e.seq} refused: the entry is for facility ${checked.body.facility_id}, but device ${device.device_id} is enrolled for facility ${device.facility_id}; nothing of this push was stored`,
        { seq: e.seq, entry_facility: checked.body.facility_id, device_facility: device.facility_id },
      );
    }
    fresh.push({ e, body: checked.body });
    stored.set(e.seq, e.hash);
    head = { seq: e.seq, hash: e.hash };
  }

  if (fresh.length > 0) {
    const col = <K extends keyof WireEntry>(k: K) => fresh.map((r) => r.e[k]);
    const copied = <K extends keyof EntryBody>(k: K) => fresh.map((r) => r.body[k]);
    await tx.query(
      `INSERT INTO entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[])`,
      [
        col('device_id'),
        col('seq'),
        col('prev_hash'),
        col('hash'),
        col('signature'),
        col('body'),
        copied('type'),
        copied('facility_id'),
        copied('ndc'),
        copied('lot'),
        copied('delta'),
        copied('event_time'),
        copied('recorded_at'),
      ],
    );
  }
  await tx.query(
    `UPDATE devices SET head_seq = $2, head_hash = $3, last_push_at = now(), last_seen_at = now(),
       reported_head_seq = GREATEST(COALESCE(reported_head_seq, 0), $4) WHERE device_id = $1`,
    [device.device_id, head.seq, head.hash, localHeadSeq ?? head.seq],
  );
  return { head, accepted: fresh.length, already };
}

/**
 * The health a workstation sent with its push, replacing what it sent before. The caller has
 * checked that it names the device's own facility.
 */
async function recordHealth(tx: Sql, device: DeviceRow, h: WorkstationHealth): Promise<void> {
  await tx.query(
    `INSERT INTO device_health (device_id, facility_id, outbox_depth, quarantine_open, suspect_open, pos_p99_ms, pos_samples, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (device_id) DO UPDATE SET facility_id = excluded.facility_id, outbox_depth = excluded.outbox_depth, quarantine_open = excluded.quarantine_open,
       suspect_open = excluded.suspect_open, pos_p99_ms = excluded.pos_p99_ms, pos_samples = excluded.pos_samples, reported_at = excluded.reported_at`,
    [device.device_id, device.facility_id, h.outbox_depth, h.quarantine_open, h.suspect_open ?? null, h.pos_p99_ms, h.pos_samples],
  );
}

function invalid(seq: number, reason: string): HttpError {
  const code = /signature/.test(reason) ? 'BAD_SIGNATURE' : 'INVALID_ENTRY';
  return new HttpError(code, `seq ${seq} refused: ${reason}`, { seq });
}
