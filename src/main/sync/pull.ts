import type { KeyObject } from 'node:crypto';
import { EntryBody } from '../../shared/schemas/ledger-entry';
import { can } from '../../shared/domain/roles';
import { PullResponse, type PullResponse as PullResponseT, type WireEntry, type WireSignature } from '../../shared/sync/protocol';
import { publicKeyFromRaw } from '../keys/device-key';
import { GENESIS_PREV_HASH } from '../ledger/hash';
import { applyToStock } from '../ledger/stock';
import { unitsOfEntry } from '../ledger/legacy-basis';
import { PackageUnitsLookup } from '../catalog/package-units';
import { checkRow } from '../ledger/verify';
import { checkStoredSignature } from '../holds/signatures';
import type { Workstation } from '../workstation';
import { pinDevices, pinServerKey } from './enroll';
import { SyncError } from './errors';
import type { SyncClient } from './http-client';
import { applyReference, centralUser, syncActor, type ReferenceApplied } from './reference';
import { SyncState } from './state';

export interface PullResult {
  /** Sibling entries verified and stored. */
  pulled: number;
  reference: number;
  devices: number;
  /** Pharmacist signatures over sibling entries, verified and stored. */
  signatures: number;
  /** What the reference items changed locally. */
  applied: ReferenceApplied;
}

/**
 * Pulls reference data and the entries of sibling workstations of this facility, by cursor
 * (for entries: the last seq held of each sibling chain). Each page is verified with
 * checkRow against the pinned sibling key and stored with its stock effect in one
 * transaction: a page with one bad entry stores nothing.
 */
export async function pullFromServer(ws: Workstation, client: SyncClient, opts: { limit?: number } = {}): Promise<PullResult> {
  const db = ws.db;
  const state = new SyncState(db);
  const result: PullResult = { pulled: 0, reference: 0, devices: 0, signatures: 0, applied: { catalog: 0, policy: 0, users: 0, not_applied: 0 } };
  const heads = db.prepare<[string], { device_id: string; seq: number }>(
    'SELECT device_id, MAX(seq) AS seq FROM ledger_entries WHERE device_id != ? GROUP BY device_id',
  );
  for (let page = 0; page < 10_000; page++) {
    const known: Record<string, number> = {};
    for (const h of heads.all(ws.deviceId)) known[h.device_id] = h.seq;
    const res = await client.signedPost(
      '/v1/pull',
      {
        reference_cursor: state.num('reference_cursor') ?? 0,
        devices: known,
        local_head_seq: ws.ledger.head().seq,
        signature_cursor: state.num('signature_pull_cursor') ?? 0,
        ...(opts.limit ? { limit: opts.limit } : {}),
      },
      PullResponse,
    );
    result.devices = res.devices.length;
    db.transaction(() => {
      pinServerKey(ws, res.server_key, res.device_signature);
      pinDevices(db, ws.deviceId, res.devices, ws.clock.now().toISOString(), res.server_key);
      result.pulled += storeSiblingEntries(ws, res.entries);
      result.signatures += storeSiblingSignatures(ws, res.signatures, state.get('server_url'));
      if (res.signature_cursor !== undefined) state.set({ signature_pull_cursor: res.signature_cursor });
      result.reference += storeReference(ws, res);
      const applied = applyReference(ws, res.reference, state.get('server_url'));
      for (const k of Object.keys(applied) as (keyof ReferenceApplied)[]) result.applied[k] += applied[k];
    }).immediate();
    if (!res.more) break;
  }
  return result;
}

type Row = Parameters<typeof checkRow>[0];

function storeSiblingEntries(ws: Workstation, entries: WireEntry[]): number {
  const units = new PackageUnitsLookup(ws.db);
  const unitsOf = (n: string) => units.of(n);
  const db = ws.db;
  const keyOf = db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ? AND is_local = 0');
  const headOf = db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM ledger_entries WHERE device_id = ? ORDER BY seq DESC LIMIT 1');
  const hashAt = db.prepare<[string, number], { hash: string }>('SELECT hash FROM ledger_entries WHERE device_id = ? AND seq = ?');
  const insert = db.prepare(
    `INSERT INTO ledger_entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at)
     VALUES (@device_id, @seq, @prev_hash, @hash, @signature, @body, @type, @facility_id, @ndc, @lot, @delta, @event_time, @recorded_at)`,
  );
  const keys = new Map<string, KeyObject>();
  let stored = 0;
  for (const e of entries) {
    if (e.device_id === ws.deviceId) continue;
    let key = keys.get(e.device_id);
    if (!key) {
      const pinned = keyOf.get(e.device_id);
      if (!pinned) throw new SyncError('refused', `the central server sent entries of device ${e.device_id} without vouching for its key`);
      key = publicKeyFromRaw(pinned.public_key);
      keys.set(e.device_id, key);
    }
    const head = headOf.get(e.device_id) ?? { seq: 0, hash: GENESIS_PREV_HASH };
    if (e.seq <= head.seq) {
      if (hashAt.get(e.device_id, e.seq)?.hash !== e.hash) {
        throw new SyncError('refused', `sibling device ${e.device_id} seq ${e.seq}: the central server sent a different entry than the one held here (a fork); nothing of this page was stored`);
      }
      continue;
    }
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(e.body);
    } catch {
      // checkRow names it
    }
    const b = EntryBody.safeParse(parsed);
    const row: Row = {
      ...e,
      type: b.success ? b.data.type : '',
      facility_id: b.success ? b.data.facility_id : '',
      ndc: b.success ? b.data.ndc : null,
      lot: b.success ? b.data.lot : null,
      delta: b.success ? b.data.delta : 0,
      event_time: b.success ? b.data.event_time : '',
      recorded_at: b.success ? b.data.recorded_at : '',
    };
    const problem = checkRow(row, head.seq + 1, head.hash, key);
    if (problem || !b.success) {
      throw new SyncError('refused', `sibling device ${e.device_id} seq ${problem?.seq ?? e.seq} does not verify: ${problem?.reason ?? 'bad body'}; nothing of this page was stored`);
    }
    insert.run(row);
    // A sibling still on version 0.1 may send receipts recorded in containers: stock is in units.
    applyToStock(db, b.data, unitsOfEntry(b.data, unitsOf).delta);
    stored++;
  }
  return stored;
}

function storeReference(ws: Workstation, res: PullResponseT): number {
  if (res.reference.length === 0) return 0;
  const put = ws.db.prepare(
    `INSERT INTO sync_reference (kind, key, facility_id, version, doc) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kind, key) DO UPDATE SET facility_id = excluded.facility_id, version = excluded.version, doc = excluded.doc`,
  );
  for (const r of res.reference) put.run(r.kind, r.key, r.facility_id, r.version, r.doc);
  new SyncState(ws.db).set({ reference_cursor: res.reference_cursor });
  return res.reference.length;
}

/**
 * Stores the pharmacist signatures over sibling entries (entry_signatures is append-only:
 * inserts only). Each is checked with the same per-signature check as `rxledger verify`
 * against the sibling entry held here; one that fails refuses the whole page. A repeat of a
 * row already held is skipped; another row for the same (device, seq, signer) is refused.
 * The central user directory (sync_users) is read as a cross-check: a signer it lists with
 * other keys, or without the pharmacist role, is audited (SYNC_SIGNER_UNLISTED) and still
 * stored, because the sibling device's signed entry is what vouches for the key.
 */
function storeSiblingSignatures(ws: Workstation, sigs: WireSignature[], serverUrl: string | null): number {
  if (sigs.length === 0) return 0;
  const db = ws.db;
  const entryAt = db.prepare<[string, number], { hash: string; body: string }>('SELECT hash, body FROM ledger_entries WHERE device_id = ? AND seq = ?');
  const heldSig = db.prepare<[string, number, string], WireSignature>(
    `SELECT device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature
       FROM entry_signatures WHERE device_id = ? AND seq = ? AND signer_id = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO entry_signatures (device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature)
     VALUES (@device_id, @seq, @entry_hash, @signer_id, @printed_name, @role, @meaning, @reason, @signed_at, @time_zone, @public_key, @key_id, @signature)`,
  );
  let stored = 0;
  for (const s of sigs) {
    const where = `${s.device_id}#${s.seq}`;
    if (s.device_id === ws.deviceId) continue;
    const have = heldSig.get(s.device_id, s.seq, s.signer_id);
    if (have) {
      if (have.signature !== s.signature || have.public_key !== s.public_key || have.entry_hash !== s.entry_hash) {
        throw new SyncError('refused', `the central server sent another signature of ${s.signer_id} over ${where} than the one held here; nothing of this page was stored`);
      }
      continue;
    }
    const problem = checkStoredSignature(s, entryAt.get(s.device_id, s.seq));
    if (problem) throw new SyncError('refused', `the signature of ${s.signer_id} over sibling entry ${where} does not verify: ${problem}; nothing of this page was stored`);
    insert.run(s);
    stored++;
    const listed = centralUser(ws, s.signer_id);
    const issues: string[] = [];
    if (listed && listed.signing_keys.length > 0 && !listed.signing_keys.includes(s.public_key)) issues.push('the central user directory lists other signing keys for this user');
    if (listed && s.role !== 'witness' && !can(listed.role, 'sign')) issues.push(`the central user directory lists this user as ${listed.role}`);
    if (issues.length > 0) {
      ws.audit.record({ actor: syncActor(serverUrl), action: 'SYNC_SIGNER_UNLISTED', target: where, details: { signer_id: s.signer_id, public_key: s.public_key, issues } });
    }
  }
  return stored;
}
