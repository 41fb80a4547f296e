import { deltaAllowed, EntryBody } from '../schemas/ledger-entry';
import { canonicalBody, checkedBody } from './body-check';
import type { LedgerCrypto } from './crypto';
import { entryHash, verifyHashSignature } from './hash';

/** One ledger entry as it is kept and sent: the chain fields and the canonical body text exactly as hashed. */
export interface EntryRecord {
  device_id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  signature: string;
  body: string;
}

/** Body fields a table copies into columns for its queries (docs/ledger.md); they must equal the body. */
export interface CopiedColumns {
  type: string;
  facility_id: string;
  ndc: string | null;
  lot: string | null;
  delta: number;
  event_time: string;
  recorded_at: string;
}

/** The entry that failed (for a gap: the seq that is missing) and why. */
export interface EntryProblem {
  seq: number;
  reason: string;
}

export type EntryCheck = { ok: true; body: EntryBody } | ({ ok: false } & EntryProblem);

/** The entry's hash is that of its own prev_hash and body, and the device key signed it: the device wrote it, wherever it continues from. */
export function signedByDevice<K>(crypto: LedgerCrypto<K>, e: EntryRecord, key: K): boolean {
  return entryHash(crypto, e.prev_hash, e.body) === e.hash && verifyHashSignature(crypto, key, e.hash, e.signature);
}

/**
 * Everything one entry must satisfy (docs/ledger.md "Verifying"), in the order that gives the
 * most useful reason: its place in the chain (`expectedSeq`, `prevHash`), the body against the
 * field table and its canonical bytes, the hash, the device key's signature, the body's own
 * device and seq, the copied columns where the record has them (a database row; an entry off
 * the wire has none), and the delta rule. The workstation's verifier, sync's pull and the
 * central server all check entries here. On success, the parsed body.
 */
export function checkEntry<K>(crypto: LedgerCrypto<K>, e: EntryRecord, expectedSeq: number, prevHash: string, key: K, columns?: CopiedColumns): EntryCheck {
  const fail = (seq: number, reason: string): EntryCheck => ({ ok: false, seq, reason });
  if (e.seq !== expectedSeq) {
    return e.seq > expectedSeq
      ? fail(expectedSeq, `entry missing: the chain jumps from seq ${expectedSeq - 1} to ${e.seq}`)
      : fail(e.seq, `seq ${e.seq} out of order (expected ${expectedSeq})`);
  }
  if (e.prev_hash !== prevHash) return fail(e.seq, 'prev_hash does not match the hash of the entry before it');
  let parsed: unknown;
  try {
    parsed = JSON.parse(e.body);
  } catch {
    return fail(e.seq, 'body is not JSON');
  }
  // checkedBody accepts only what the schema accepts; anything else is judged (and explained) by zod.
  let b = checkedBody(parsed);
  if (!b) {
    const body = EntryBody.safeParse(parsed);
    if (!body.success) return fail(e.seq, `body does not match the entry format: ${body.error.issues[0]?.message}`);
    b = body.data;
  }
  if (canonicalBody(b) !== e.body) return fail(e.seq, 'body is not in canonical form');
  if (entryHash(crypto, prevHash, e.body) !== e.hash) return fail(e.seq, 'hash does not match the body (the entry was changed)');
  if (!verifyHashSignature(crypto, key, e.hash, e.signature)) return fail(e.seq, 'signature does not verify with the device key');
  if (b.device_id !== e.device_id || b.seq !== e.seq) return fail(e.seq, `body says device ${b.device_id} seq ${b.seq}: the entry was moved`);
  if (columns) {
    const copies: [string, unknown, unknown][] = [
      ['type', columns.type, b.type],
      ['facility_id', columns.facility_id, b.facility_id],
      ['ndc', columns.ndc, b.ndc],
      ['lot', columns.lot, b.lot],
      ['delta', columns.delta, b.delta],
      ['event_time', columns.event_time, b.event_time],
      ['recorded_at', columns.recorded_at, b.recorded_at],
    ];
    for (const [name, col, val] of copies) {
      if (col !== val) return fail(e.seq, `column ${name} (${String(col)}) differs from the signed body (${String(val)})`);
    }
  }
  if (!deltaAllowed(b.type, b.delta)) return fail(e.seq, `a ${b.type} with delta ${b.delta} breaks the entry rules`);
  return { ok: true, body: b };
}
