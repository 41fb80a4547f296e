import type { KeyObject } from 'node:crypto';
import { checkEntry, type CopiedColumns, type EntryProblem, type EntryRecord } from '../../shared/ledger/entry-check';
import { GENESIS_PREV_HASH } from '../../shared/ledger/hash';
import type { Db } from '../db/open';
import { ledgerCrypto } from './crypto';
import { checkStock, type StockMismatch } from './stock';
import { verifyEntrySignatures } from '../holds/signatures/check';
import type { DeviceTrust } from './trust';

/**
 * A point of a chain known from outside the folder: a head printed on a report, given with
 * --anchor, or the head the central server accepted. `seq` absent: the hash must be somewhere
 * in the chain (a head printed earlier, the chain has grown since).
 */
export interface Anchor {
  device_id: string;
  seq?: number | undefined;
  hash: string;
  /** Where it came from, for the message: "--anchor", "the central server's accepted head". */
  source: string;
}

export interface VerifyOptions {
  onProgress?: ((checked: number) => void) | undefined;
  anchors?: Anchor[] | undefined;
}

export interface VerifyFailure {
  device_id: string;
  seq: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  devices: { device_id: string; entries: number; head_seq: number; head_hash: string }[];
  failure: VerifyFailure | null;
  stockMismatches: StockMismatch[];
}

/** A row of ledger_entries: the entry and the body fields copied into columns. */
type Row = EntryRecord & CopiedColumns;

/**
 * Recomputes every hash and signature, device by device, and names the first entry that
 * fails and why; then checks each anchor. Public keys come from `trust` (the local key, the
 * keys the central server signed — src/main/ledger/trust.ts), never from the database being
 * checked: a forger who can rewrite rows could rewrite a key stored beside them too.
 */
export function verifyLedger(db: Db, trust: DeviceTrust, opts: VerifyOptions = {}): VerifyReport {
  const { onProgress, anchors = [] } = opts;
  const devices: VerifyReport['devices'] = [];
  let checked = 0;
  if (trust.problem) return { ok: false, checked, devices, failure: { device_id: '', seq: 0, reason: trust.problem }, stockMismatches: [] };
  const deviceIds = listDevices(db, trust.keys, anchors);
  for (const deviceId of deviceIds) {
    const key = trust.keys.get(deviceId) ?? null;
    const mine = anchors.filter((a) => a.device_id === deviceId);
    const anchorHashes = new Set(mine.filter((a) => a.seq === undefined).map((a) => a.hash));
    const seen = new Set<string>();
    const state = { expectedSeq: 1, prevHash: GENESIS_PREV_HASH };
    const fail = (reason: string, seq = state.expectedSeq): VerifyReport => ({
      ok: false,
      checked,
      devices,
      failure: { device_id: deviceId, seq, reason },
      stockMismatches: [],
    });
    // Rowid order walks the table itself: a truncated file is reported at the first entry lost,
    // not where an index happens to break. Entries are inserted in seq order, and the seq check
    // below catches any other order.
    let iter: IterableIterator<Row>;
    try {
      iter = db
      .prepare<[string], Row>(
        'SELECT device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at FROM ledger_entries NOT INDEXED WHERE device_id = ? ORDER BY rowid',
      )
      .iterate(deviceId);
    } catch (err) {
      return fail(`unreadable: ${(err as Error).message} (the file is truncated or damaged)`);
    }
    try {
      for (const row of iter) {
        // A device whose key nobody vouched for fails at its first entry; one with no entries is harmless.
        if (!key) return fail(trust.refused.get(deviceId) ?? `no trusted public key for device ${deviceId}`);
        const problem = checkRow(row, state.expectedSeq, state.prevHash, key);
        if (problem) return fail(problem.reason, problem.seq);
        state.expectedSeq++;
        state.prevHash = row.hash;
        if (anchorHashes.has(row.hash)) seen.add(row.hash);
        checked++;
        if (onProgress && checked % 10_000 === 0) onProgress(checked);
      }
    } catch (err) {
      return fail(`unreadable after seq ${state.expectedSeq - 1}: ${(err as Error).message} (the file is truncated or damaged)`);
    }
    const headSeq = state.expectedSeq - 1;
    for (const a of mine) {
      if (a.seq !== undefined) {
        if (a.seq > headSeq) return fail(`truncated: the chain ends at seq ${headSeq}, but ${a.source} names seq ${a.seq} (hash ${a.hash})`, headSeq + 1);
        const held = hashAt(db, deviceId, a.seq);
        if (held !== a.hash) return fail(`rewritten: entry seq ${a.seq} has hash ${held}, but ${a.source} names ${a.hash}`, a.seq);
      } else if (!seen.has(a.hash)) {
        return fail(`${a.source} names hash ${a.hash}, which is in no entry of this chain (it ends at seq ${headSeq}): its tail was rewritten or truncated`, headSeq + 1);
      }
    }
    devices.push({ device_id: deviceId, entries: headSeq, head_seq: headSeq, head_hash: state.prevHash });
  }
  let stockMismatches: StockMismatch[] = [];
  try {
    stockMismatches = checkStock(db);
  } catch (err) {
    return { ok: false, checked, devices, failure: { device_id: '', seq: 0, reason: `stock projection unreadable: ${(err as Error).message}` }, stockMismatches };
  }
  // Pharmacists' signatures (Part 11 §11.70) are checked once the chain they point into holds.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entry_signatures'").get()) {
    const sigs = verifyEntrySignatures(db);
    const first = sigs.failures[0];
    if (first) {
      return {
        ok: false,
        checked,
        devices,
        failure: { device_id: first.device_id, seq: first.seq, reason: `signature of ${first.signer_id ?? 'unknown signer'}: ${first.reason}` },
        stockMismatches,
      };
    }
  }
  return { ok: stockMismatches.length === 0, checked, devices, failure: null, stockMismatches };
}

function listDevices(db: Db, trustedKeys: Map<string, KeyObject>, anchors: Anchor[]): string[] {
  const ids = new Set<string>([...trustedKeys.keys(), ...anchors.map((a) => a.device_id)]);
  // A damaged file must still be walked as far as it can be read, so these look-ups may fail quietly:
  // the walk below reports the damage at the seq where it starts.
  try {
    for (const r of db.prepare<[], { device_id: string }>('SELECT device_id FROM devices').all()) ids.add(r.device_id);
    for (const r of db.prepare<[], { device_id: string }>('SELECT DISTINCT device_id FROM ledger_entries').all()) ids.add(r.device_id);
  } catch {
    /* reported by the walk */
  }
  return [...ids].sort();
}

function hashAt(db: Db, deviceId: string, seq: number): string | null {
  return db.prepare<[string, number], { hash: string }>('SELECT hash FROM ledger_entries WHERE device_id = ? AND seq = ?').get(deviceId, seq)?.hash ?? null;
}

/**
 * The head the central server accepted for this device at the last sync (sync_state), as an
 * anchor: a local chain that no longer holds it was truncated or rewritten after it was sent.
 */
export function serverHeadAnchor(db: Db, localDeviceId: string): Anchor | null {
  try {
    const get = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
    const seq = Number(get.get('server_head_seq')?.value ?? 0);
    const hash = get.get('server_head_hash')?.value;
    return seq > 0 && hash ? { device_id: localDeviceId, seq, hash, source: "the central server's accepted head (last sync)" } : null;
  } catch {
    return null;
  }
}

/**
 * An --anchor value: `HEAD_HASH` (64 hex; somewhere in the local chain) or `DEVICE:SEQ:HASH`
 * (the entry at SEQ of DEVICE has HASH), as reports print their ledger heads. Null when it is neither.
 */
export function parseAnchor(text: string, localDeviceId: string): Anchor | null {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/.test(t)) return { device_id: localDeviceId, hash: t, source: `--anchor ${t}` };
  const m = /^(.+):(\d{1,16}):([0-9a-f]{64})$/.exec(t);
  if (!m || !Number.isSafeInteger(Number(m[2])) || Number(m[2]) < 1) return null;
  return { device_id: m[1]!, seq: Number(m[2]), hash: m[3]!, source: `--anchor ${t}` };
}

/**
 * Everything one row must satisfy: the ledger core's entry check (src/shared/ledger/entry-check.ts)
 * with the workstation's node:crypto, its copied columns included. Null when it holds.
 */
export function checkRow(row: Row, expectedSeq: number, prevHash: string, key: KeyObject): EntryProblem | null {
  const r = checkEntry(ledgerCrypto, row, expectedSeq, prevHash, key, row);
  return r.ok ? null : { seq: r.seq, reason: r.reason };
}
