import { checkStoredSignature } from '../../shared/ledger/signature-check';
import type { DeviceRow } from '../auth/device-signature';
import { ledgerCrypto } from '../crypto';
import type { Sql, Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import type { SignaturePushResponse, WireSignature } from '../../shared/sync/protocol';

/** Serializes signature inserts so ids become visible in order (the pull cursor never skips one). */
export const SIGNATURE_LOCK = 7_460_303;

const COLUMNS = ['device_id', 'seq', 'entry_hash', 'signer_id', 'printed_name', 'role', 'meaning', 'reason', 'signed_at', 'time_zone', 'public_key', 'key_id', 'signature'] as const;
export const SIGNATURE_COLUMNS = COLUMNS.join(', ');

const same = (a: WireSignature, b: WireSignature) => COLUMNS.every((c) => a[c] === b[c]);

/**
 * Accepts pharmacist signatures over the device's own accepted entries. Each one is checked
 * with the ledger core's per-signature check (`checkStoredSignature`, the one the workstation uses): the entry is in the
 * accepted chain with that hash, its body names the signer with that key, meaning, role, name
 * and time, and the Ed25519 signature verifies over the hash with that key. Idempotent: a row
 * already held as sent counts as `already`; another row for the same (device, seq, signer) is
 * refused. All or nothing per request.
 */
export async function acceptSignatures(store: Store, device: DeviceRow, sigs: WireSignature[]): Promise<SignaturePushResponse> {
  for (const s of sigs) {
    if (s.device_id !== device.device_id) {
      throw new HttpError('WRONG_DEVICE', `device ${device.device_id} may push only signatures over its own entries (got one over ${s.device_id}#${s.seq})`);
    }
  }
  return store.transaction((tx) => acceptInTransaction(tx, device, sigs));
}

async function acceptInTransaction(tx: Sql, device: DeviceRow, sigs: WireSignature[]): Promise<SignaturePushResponse> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SIGNATURE_LOCK]);
  const seqs = [...new Set(sigs.map((s) => s.seq))];
  const entries = new Map<number, { hash: string; body: string }>();
  for (const r of (await tx.query<{ seq: number; hash: string; body: string }>('SELECT seq, hash, body FROM entries WHERE device_id = $1 AND seq = ANY($2::bigint[])', [device.device_id, seqs])).rows) {
    entries.set(r.seq, { hash: r.hash, body: r.body });
  }
  const held = new Map<string, WireSignature>();
  for (const r of (
    await tx.query<WireSignature>(`SELECT ${SIGNATURE_COLUMNS} FROM entry_signatures WHERE device_id = $1 AND seq = ANY($2::bigint[])`, [device.device_id, seqs])
  ).rows) {
    held.set(`${r.seq}\n${r.signer_id}`, r);
  }
  let accepted = 0;
  let already = 0;
  for (const s of sigs) {
    const key = `${s.seq}\n${s.signer_id}`;
    const have = held.get(key);
    if (have) {
      if (!same(have, s)) {
        throw new HttpError('SIGNATURE_CONFLICT', `${s.device_id}#${s.seq}: a different signature of ${s.signer_id} is already held for this entry; nothing of this request was kept`, {
          seq: s.seq,
        });
      }
      already++;
      continue;
    }
    const entry = entries.get(s.seq);
    if (!entry) {
      throw new HttpError('ENTRY_NOT_PUSHED', `${s.device_id}#${s.seq} is not in the accepted chain; push the entry before its signatures`, { seq: s.seq });
    }
    const problem = checkStoredSignature(ledgerCrypto, s, entry);
    if (problem) throw new HttpError('BAD_SIGNATURE', `the signature of ${s.signer_id} over ${s.device_id}#${s.seq} is refused: ${problem}; nothing of this request was kept`, { seq: s.seq });
    const owner = (await tx.query<{ user_id: string }>('SELECT user_id FROM signing_keys WHERE public_key = $1', [s.public_key])).rows[0];
    if (owner && owner.user_id !== s.signer_id) {
      throw new HttpError('SIGNING_KEY_CONFLICT', `the signing key of ${s.signer_id} over ${s.device_id}#${s.seq} is already held as ${owner.user_id}'s; nothing of this request was kept`, {
        seq: s.seq,
      });
    }
    if (!owner) {
      await tx.query('INSERT INTO signing_keys (public_key, user_id, key_id, first_device_id) VALUES ($1, $2, $3, $4)', [s.public_key, s.signer_id, s.key_id, device.device_id]);
    }
    await tx.query(
      `INSERT INTO entry_signatures (id, ${SIGNATURE_COLUMNS}) VALUES (nextval('signature_id'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      COLUMNS.map((c) => s[c]),
    );
    held.set(key, s);
    accepted++;
  }
  return { accepted, already };
}

export interface SignatureReport {
  ok: boolean;
  checked: number;
  failures: { device_id: string; seq: number; signer_id: string; reason: string }[];
}

/** Re-checks every stored signature (of one facility, or all) against the stored entries. */
export async function verifySignatures(db: Sql, facilityId: string | null = null, pageSize = 2000): Promise<SignatureReport> {
  const report: SignatureReport = { ok: true, checked: 0, failures: [] };
  let after = 0;
  for (;;) {
    const page = (
      await db.query<WireSignature & { id: number; hash: string | null; body: string | null }>(
        `SELECT s.id, ${COLUMNS.map((c) => `s.${c}`).join(', ')}, e.hash, e.body
           FROM entry_signatures s JOIN devices d ON d.device_id = s.device_id
           LEFT JOIN entries e ON e.device_id = s.device_id AND e.seq = s.seq
          WHERE s.id > $1 AND ($2::text IS NULL OR d.facility_id = $2) ORDER BY s.id LIMIT $3`,
        [after, facilityId, pageSize],
      )
    ).rows;
    for (const r of page) {
      report.checked++;
      const problem = checkStoredSignature(ledgerCrypto, r, r.hash === null || r.body === null ? null : { hash: r.hash, body: r.body });
      if (problem) report.failures.push({ device_id: r.device_id, seq: r.seq, signer_id: r.signer_id, reason: problem });
      after = r.id;
    }
    if (page.length < pageSize) break;
  }
  report.ok = report.failures.length === 0;
  return report;
}
