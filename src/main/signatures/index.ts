import { sign, verify } from 'node:crypto';
import { can } from '../../shared/domain/roles';
import { RxError } from '../../shared/errors/error-codes';
import { localTimeWithOffset, manifestationText, SignatureManifestation, type Meaning, type ReasonCode } from '../../shared/counts';
import type { EntryData, LedgerEntry, LedgerEntryView } from '../../shared/schemas/ledger-entry';
import type { User } from '../auth/users';
import type { Db } from '../db/open';
import { publicKeyFromRaw } from '../keys/device-key';
import type { Workstation } from '../workstation';
import { unlockSigningKey, type SigningKey } from './keys';

export { reencryptSigningKeyOnPasswordChange, activePublicKey } from './keys';

export interface Credentials {
  userId: string;
  password: string;
}

/** A person cleared to sign: authenticated, with their key unlocked for this one signing. */
export interface ReadySigner {
  user: User;
  key: SigningKey;
  role: SignatureManifestation['role'];
  meaning: SignatureManifestation['meaning'];
}

/** The zone signatures are shown in: the workstation setting, or the computer's own. */
export function signingTimeZone(ws: Workstation): string {
  const configured = ws.setting('time_zone');
  if (configured) return configured;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * §11.200: checks the user ID and password (a wrong password counts toward lockout and is
 * audited as SIGNATURE_AUTH_FAILED) and unlocks the signer's own key. The primary signer must
 * be a pharmacist; a co-signer is a second pharmacist or, of any other role, a witness.
 */
export function authenticateSigner(ws: Workstation, cred: Credentials, as: 'signer' | 'co-signer', meaning: Meaning, action: string): ReadySigner {
  const known = ws.users.get(cred.userId);
  if (known && as === 'signer' && !can(known.role, 'sign')) {
    ws.audit.record({ actor: cred.userId, action: 'SIGNATURE_REFUSED', target: action, details: { reason: `role ${known.role} may not sign` } });
    throw new RxError('FORBIDDEN', `Only a pharmacist can sign ${action}; ${known.name} is a ${known.role}. Nothing was recorded.`);
  }
  const auth = ws.users.authenticate(cred.userId, cred.password, 'signature');
  if (!auth.ok) throw new RxError(auth.code, `${auth.message} Nothing was signed.`);
  const key = unlockSigningKey(ws.db, auth.user.user_id, cred.password, ws.clock.now());
  if (as === 'signer') return { user: auth.user, key, role: 'signer', meaning };
  const pharmacist = can(auth.user.role, 'sign');
  return { user: auth.user, key, role: pharmacist ? 'cosigner' : 'witness', meaning: pharmacist ? 'review' : 'witness' };
}

/** What goes into the signed entry's data.signatures (the §11.50 manifestation). */
export function manifestationsFor(signers: ReadySigner[], now: Date, timeZone: string): SignatureManifestation[] {
  const signedAt = localTimeWithOffset(now, timeZone);
  return signers.map((s) => ({
    user_id: s.user.user_id,
    printed_name: s.user.name,
    role: s.role,
    meaning: s.meaning,
    signed_at: signedAt,
    time_zone: timeZone,
    public_key: s.key.publicKeyB64,
  }));
}

/**
 * Signs the committed entry's hash with each signer's key and stores the signatures beside
 * it. Must run in the entry's own transaction, so the entry and its signatures exist together
 * or not at all.
 */
export function attachSignatures(db: Db, entry: LedgerEntry, signers: ReadySigner[], reason: ReasonCode | null): void {
  const listed = signaturesListed(entry.body.data);
  const insert = db.prepare(
    `INSERT INTO entry_signatures (device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of signers) {
    const m = listed.find((x) => x.user_id === s.user.user_id);
    if (!m) throw new Error(`signer ${s.user.user_id} is not named in the entry`);
    const signature = sign(null, Buffer.from(entry.hash, 'hex'), s.key.privateKey).toString('base64');
    insert.run(entry.device_id, entry.seq, entry.hash, m.user_id, m.printed_name, m.role, m.meaning, reason, m.signed_at, m.time_zone, m.public_key, s.key.keyId, signature);
  }
}

/** The manifestations an entry body names (empty for unsigned entries). */
export function signaturesListed(data: EntryData | Record<string, unknown>): SignatureManifestation[] {
  const raw = (data as { signatures?: unknown }).signatures;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => {
    const p = SignatureManifestation.safeParse(r);
    return p.success ? [p.data] : [];
  });
}

/**
 * For reports and exports: the manifestation lines of an entry ("Signed by … on … — meaning:
 * …"), read from the entry itself, so any view of the entry can print them. Empty when the
 * entry is not signed.
 */
export function signatureManifestationLines(entry: Pick<LedgerEntryView, 'data'>): string[] {
  const reason = typeof entry.data.reason === 'string' ? (entry.data.reason as ReasonCode) : null;
  return signaturesListed(entry.data).map((m, i) => manifestationText(m, i === 0 ? reason : null));
}

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

export function signaturesOf(db: Db, deviceId: string, seq: number): StoredSignature[] {
  return db
    .prepare<[string, number], StoredSignature>(
      'SELECT device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, signature FROM entry_signatures WHERE device_id = ? AND seq = ? ORDER BY id',
    )
    .all(deviceId, seq);
}

/** The fields of a stored signature that its check reads (a row of entry_signatures, local, pulled or pushed). */
export type SignatureToCheck = Pick<StoredSignature, 'signer_id' | 'entry_hash' | 'printed_name' | 'signed_at' | 'public_key' | 'signature'> & { role: string; meaning: string };

/**
 * The Part 11 §11.70 check of one signature, pure (no database): the signed entry must be
 * given (`undefined` when it is not held), have the hash the signature names, name the signer
 * in its body's `data.signatures` with the same public key, meaning, role, printed name and
 * signed_at, and the Ed25519 signature must verify over the 32 raw bytes of the hash with that
 * key. Null when it holds, else the reason. Used by `verifyEntrySignatures` on the workstation,
 * by sync when a sibling's signature is pulled, and by the central server on push.
 */
export function checkStoredSignature(s: SignatureToCheck, entry: { hash: string; body: string } | null | undefined): string | null {
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
    const sig = Buffer.from(s.signature, 'base64');
    good = sig.length === 64 && verify(null, Buffer.from(entry.hash, 'hex'), publicKeyFromRaw(m.public_key), sig);
  } catch {
    good = false;
  }
  return good ? null : `the signature of ${s.signer_id} does not verify over the entry hash with the signer's public key`;
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
