import type { KeyObject } from 'node:crypto';
import { checkEntry, type CopiedColumns, type EntryProblem, type EntryRecord } from '../../shared/ledger/entry-check';
import { GENESIS_PREV_HASH } from '../../shared/ledger/hash';
import type { Db } from '../db/open';
import { publicKeyFromRaw } from '../keys/device-key';
import { ledgerCrypto } from './crypto';
import { checkStock, type StockMismatch } from './stock';
import { verifyEntrySignatures } from '../signatures/check';

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
 * fails and why. Public keys come from `trustedKeys` (the local key file, the keys the server
 * vouched for), never only from the database being checked: a forger who can rewrite rows
 * could rewrite a key stored beside them too.
 */
export function verifyLedger(
  db: Db,
  trustedKeys: Map<string, KeyObject>,
  onProgress?: (checked: number) => void,
): VerifyReport {
  const devices: VerifyReport['devices'] = [];
  let checked = 0;
  const deviceIds = listDevices(db, trustedKeys);
  for (const deviceId of deviceIds) {
    const key = trustedKeys.get(deviceId) ?? storedKey(db, deviceId);
    const state = { expectedSeq: 1, prevHash: GENESIS_PREV_HASH };
    const fail = (reason: string, seq = state.expectedSeq): VerifyReport => ({
      ok: false,
      checked,
      devices,
      failure: { device_id: deviceId, seq, reason },
      stockMismatches: [],
    });
    if (!key) return fail(`no trusted public key for device ${deviceId}`);
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
        const problem = checkRow(row, state.expectedSeq, state.prevHash, key);
        if (problem) return fail(problem.reason, problem.seq);
        state.expectedSeq++;
        state.prevHash = row.hash;
        checked++;
        if (onProgress && checked % 10_000 === 0) onProgress(checked);
      }
    } catch (err) {
      return fail(`unreadable after seq ${state.expectedSeq - 1}: ${(err as Error).message} (the file is truncated or damaged)`);
    }
    devices.push({ device_id: deviceId, entries: state.expectedSeq - 1, head_seq: state.expectedSeq - 1, head_hash: state.prevHash });
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

function listDevices(db: Db, trustedKeys: Map<string, KeyObject>): string[] {
  const ids = new Set<string>(trustedKeys.keys());
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

function storedKey(db: Db, deviceId: string): KeyObject | null {
  try {
    const row = db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ?').get(deviceId);
    return row ? publicKeyFromRaw(row.public_key) : null;
  } catch {
    return null;
  }
}

/**
 * Everything one row must satisfy: the ledger core's entry check (src/shared/ledger/entry-check.ts)
 * with the workstation's node:crypto, its copied columns included. Null when it holds.
 */
export function checkRow(row: Row, expectedSeq: number, prevHash: string, key: KeyObject): EntryProblem | null {
  const r = checkEntry(ledgerCrypto, row, expectedSeq, prevHash, key, row);
  return r.ok ? null : { seq: r.seq, reason: r.reason };
}
