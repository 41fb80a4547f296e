import { SignatureManifestation } from '../counts/manifestation';
import type { EntryData } from '../schemas/ledger-entry';
import { ed25519PublicKey, type LedgerCrypto } from './crypto';
import { verifyHashSignature } from './hash';

/** The manifestations an entry body names in `data.signatures` (empty for unsigned entries). */
export function signaturesListed(data: EntryData | Record<string, unknown>): SignatureManifestation[] {
  const raw = (data as { signatures?: unknown }).signatures;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => {
    const p = SignatureManifestation.safeParse(r);
    return p.success ? [p.data] : [];
  });
}

/** The fields of a pharmacist's stored signature that its check reads (a row of entry_signatures, local, pulled or pushed). */
export interface SignatureToCheck {
  signer_id: string;
  entry_hash: string;
  printed_name: string;
  role: string;
  meaning: string;
  signed_at: string;
  public_key: string;
  signature: string;
}

/**
 * The Part 11 §11.70 check of one signature, pure (no database): the signed entry must be
 * given (`undefined` when it is not held), have the hash the signature names, name the signer
 * in its body's `data.signatures` with the same public key, meaning, role, printed name and
 * signed_at, and the Ed25519 signature must verify over the 32 raw bytes of the hash with that
 * key. Null when it holds, else the reason. Used by `rxledger verify`, by sync when a sibling's
 * signature is pulled, and by the central server on push and in its verify.
 */
export function checkStoredSignature<K>(crypto: LedgerCrypto<K>, s: SignatureToCheck, entry: { hash: string; body: string } | null | undefined): string | null {
  if (!entry) return 'the signed entry is not in the ledger';
  if (entry.hash !== s.entry_hash) return `signature names hash ${s.entry_hash.slice(0, 12)}… but the entry's hash is ${entry.hash.slice(0, 12)}…`;
  let listed: SignatureManifestation[] = [];
  try {
    listed = signaturesListed(((JSON.parse(entry.body) as { data?: EntryData }).data ?? {}) as EntryData);
  } catch {
    return 'the signed entry body is not JSON';
  }
  const m = listed.find((x) => x.user_id === s.signer_id);
  if (!m) return `the entry does not name ${s.signer_id} as a signer (a signature moved from another record?)`;
  if (m.public_key !== s.public_key || m.meaning !== s.meaning || m.signed_at !== s.signed_at || m.printed_name !== s.printed_name || m.role !== s.role) {
    return `the stored manifestation of ${s.signer_id} differs from the one in the entry`;
  }
  let good = false;
  try {
    good = verifyHashSignature(crypto, ed25519PublicKey(crypto, m.public_key), entry.hash, s.signature);
  } catch {
    good = false;
  }
  return good ? null : `the signature of ${s.signer_id} does not verify over the entry hash with the signer's public key`;
}
