import type { PushResponse, WireEntry, WireSignature } from '../../shared/sync/protocol';
import { MAX_PUSH_SIGNATURES, PushResponse as PushResponseSchema, SignaturePushResponse } from '../../shared/sync/protocol';
import type { Workstation } from '../workstation';
import { SyncError } from './errors';
import { workstationHealth } from './health';
import type { SyncClient } from './http-client';
import { SyncState } from './state';

export interface PushResult {
  /** Entries the server acknowledged in this run (new to it, or already had). */
  pushed: number;
  accepted: number;
  already: number;
  batches: number;
  head: { seq: number; hash: string } | null;
}

/**
 * Pushes this device's unsent entries oldest first, in batches. The outbox says what is
 * unsent; the entries themselves are read from the ledger, so when the server asks for an
 * earlier seq (it lost entries, or a reply was lost) they can be sent again. Outbox rows are
 * deleted only up to the head the server returned, and only when that head's hash is ours.
 */
export async function pushOutbox(ws: Workstation, client: SyncClient, opts: { batchSize: number; onBatch?: (r: PushResult) => void }): Promise<PushResult> {
  const db = ws.db;
  const state = new SyncState(db);
  const pending = db.prepare<[string], { n: number; min: number | null }>('SELECT COUNT(*) AS n, MIN(seq) AS min FROM outbox WHERE device_id = ?');
  const read = db.prepare<[string, number, number], WireEntry>(
    'SELECT device_id, seq, prev_hash, hash, signature, body FROM ledger_entries WHERE device_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
  );
  const hashAt = db.prepare<[string, number], { hash: string }>('SELECT hash FROM ledger_entries WHERE device_id = ? AND seq = ?');
  const ack = db.prepare('DELETE FROM outbox WHERE device_id = ? AND seq <= ?');
  const result: PushResult = { pushed: 0, accepted: 0, already: 0, batches: 0, head: null };
  let next: number | null = null;
  let gapRetries = 0;

  for (;;) {
    const p = pending.get(ws.deviceId)!;
    if (p.n === 0 || p.min === null) break;
    const from: number = next ?? p.min;
    const batch = read.all(ws.deviceId, from, opts.batchSize);
    if (batch.length === 0) throw new SyncError('refused', `the outbox names seq ${from} and later, but the ledger holds no such entry of this device; run "rxledger verify"`);
    let res: PushResponse;
    try {
      // Health goes only to a server that said it takes it: an older server refuses unknown fields.
      const takes = Number(state.get('server_takes_health') ?? 0);
      const health = takes >= 1 ? { health: workstationHealth(ws, { suspect: takes >= 2 }) } : {};
      res = await client.signedPost('/v1/push', { entries: batch, local_head_seq: ws.ledger.head().seq, ...health }, PushResponseSchema);
    } catch (err) {
      if (err instanceof SyncError && err.code === 'GAP' && typeof err.body.expected_seq === 'number' && gapRetries < 3) {
        // The server's head is behind what the outbox assumed: resend from where it stands.
        gapRetries++;
        next = err.body.expected_seq;
        continue;
      }
      throw err;
    }
    gapRetries = 0;
    if (res.head.seq < batch[batch.length - 1]!.seq) {
      throw new SyncError('transient', `the central server acknowledged up to seq ${res.head.seq} only, below the batch it was sent; will retry`);
    }
    const ours = res.head.seq === 0 ? null : hashAt.get(ws.deviceId, res.head.seq);
    if (res.head.seq > 0 && ours?.hash !== res.head.hash) {
      throw new SyncError('refused', `the central server's head for this device (seq ${res.head.seq}) is not this workstation's entry; nothing was removed from the outbox. Call the central office.`);
    }
    db.transaction(() => {
      ack.run(ws.deviceId, res.head.seq);
      state.set({ server_head_seq: res.head.seq, server_head_hash: res.head.hash, ...(res.health ? { server_takes_health: res.health_suspect_open ? 2 : 1 } : {}) });
    }).immediate();
    result.pushed += batch.length;
    result.accepted += res.accepted;
    result.already += res.already;
    result.batches++;
    result.head = res.head;
    opts.onBatch?.(result);
    next = res.head.seq + 1;
  }
  return result;
}

export interface SignaturePushResult {
  /** Signatures the server acknowledged in this run (new to it, or already had). */
  pushed: number;
  accepted: number;
  already: number;
}

/**
 * Pushes this device's pharmacist signatures (entry_signatures) right after their entries:
 * those with a local id past `signature_push_cursor` whose entry the server has accepted
 * (seq up to the server's head for this device), oldest first. The cursor moves only after
 * the server answered, so a lost answer means a resend, which the server counts as `already`.
 * Signatures of a local entry are written in the entry's transaction, so local ids follow seq.
 */
export async function pushSignatures(ws: Workstation, client: SyncClient, opts: { batchSize?: number } = {}): Promise<SignaturePushResult> {
  const state = new SyncState(ws.db);
  const read = ws.db.prepare<[string, number, number], WireSignature & { id: number }>(
    `SELECT id, device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature
       FROM entry_signatures WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  const batchSize = Math.min(opts.batchSize ?? 500, MAX_PUSH_SIGNATURES);
  const result: SignaturePushResult = { pushed: 0, accepted: 0, already: 0 };
  for (;;) {
    const cursor = state.num('signature_push_cursor') ?? 0;
    const serverHead = state.num('server_head_seq') ?? 0;
    const rows = read.all(ws.deviceId, cursor, batchSize);
    // Stop at the first signature over an entry the server does not hold yet.
    const stop = rows.findIndex((r) => r.seq > serverHead);
    const ready = stop === -1 ? rows : rows.slice(0, stop);
    if (ready.length === 0) break;
    const res = await client.signedPost('/v1/signatures', { signatures: ready.map(({ id: _id, ...s }) => s) }, SignaturePushResponse);
    state.set({ signature_push_cursor: ready[ready.length - 1]!.id });
    result.pushed += ready.length;
    result.accepted += res.accepted;
    result.already += res.already;
    if (ready.length < rows.length || rows.length < batchSize) break;
  }
  return result;
}
