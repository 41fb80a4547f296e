/**
 * Checking pharmacists' stored signatures (Part 11 §11.70) on the workstation. Apart from
 * signatures/index.ts (signing, which needs the workstation and the signing keys), so the
 * ledger's verifier can use it without depending on either.
 */
import type { SignatureManifestation } from '../../../shared/counts/manifestation';
import { checkStoredSignature as checkSignatureWith, signaturesListed, type SignatureToCheck } from '../../../shared/ledger/signature-check';
import type { EntryData } from '../../../shared/schemas/ledger-entry';
import type { Db } from '../../db/open';
import { ledgerCrypto } from '../../ledger/crypto';

export { signaturesListed, type SignatureToCheck } from '../../../shared/ledger/signature-check';

export interface StoredSignature {
  device_id: string;
  seq: number;
  entry_hash: string;
  signer_id: string;
  printed_name: string;
  role: SignatureManifestation['role'];
  meaning: SignatureManifestation['meaning'];
  reason: string | null;
  signed_at: string;
  time_zone: string;
  public_key: string;
  signature: string;
}

/**
 * The Part 11 §11.70 check of one signature (`checkStoredSignature` of the ledger core,
 * src/shared/ledger/signature-check.ts) with the workstation's node:crypto: null when it holds,
 * else the reason. Used by `verifyEntrySignatures` and by sync when a sibling's signature is pulled.
 */
export function checkStoredSignature(s: SignatureToCheck, entry: { hash: string; body: string } | null | undefined): string | null {
  return checkSignatureWith(ledgerCrypto, s, entry);
}

export interface SignatureVerifyReport {
  ok: boolean;
  checked: number;
  failures: { device_id: string; seq: number; signer_id: string | null; reason: string }[];
}

/**
 * Part 11 §11.70 check, for `rxledger verify`: every stored signature must verify with the
 * signer's public key over the hash of the entry it names, that entry must exist with that
 * hash, and its body must name the signer with that key and meaning (so a signature copied
 * onto another entry fails). Every entry of `localDeviceId` that names signers must carry all
 * of them. Run it after the chain itself has verified: the body is what vouches for the key.
 */
export function verifyEntrySignatures(db: Db, localDeviceId?: string): SignatureVerifyReport {
  const failures: SignatureVerifyReport['failures'] = [];
  let checked = 0;
  const entryAt = db.prepare<[string, number], { hash: string; body: string }>('SELECT hash, body FROM ledger_entries WHERE device_id = ? AND seq = ?');
  for (const s of db.prepare<[], StoredSignature>('SELECT * FROM entry_signatures ORDER BY id').iterate()) {
    checked++;
    const problem = checkStoredSignature(s, entryAt.get(s.device_id, s.seq));
    if (problem) failures.push({ device_id: s.device_id, seq: s.seq, signer_id: s.signer_id, reason: problem });
  }
  if (localDeviceId) {
    const rows = db.prepare<[string], { seq: number; body: string }>(
      "SELECT seq, body FROM ledger_entries WHERE device_id = ? AND type IN ('ADJUSTMENT', 'CORRECTION') AND body LIKE '%\"signatures\":[{%' ORDER BY seq",
    );
    const have = db.prepare<[string, number], { signer_id: string }>('SELECT signer_id FROM entry_signatures WHERE device_id = ? AND seq = ?');
    for (const r of rows.iterate(localDeviceId)) {
      const listed = signaturesListed((JSON.parse(r.body) as { data: EntryData }).data);
      const present = new Set(have.all(localDeviceId, r.seq).map((x) => x.signer_id));
      for (const m of listed) {
        if (!present.has(m.user_id)) failures.push({ device_id: localDeviceId, seq: r.seq, signer_id: m.user_id, reason: `the signature of ${m.user_id} named in the entry is missing` });
      }
    }
  }
  return { ok: failures.length === 0, checked, failures };
}
