import { sign } from 'node:crypto';
import { can } from '../../../shared/domain/roles';
import { RxError } from '../../../shared/errors/error-codes';
import { localTimeWithOffset, type Meaning, type ReasonCode, type SignatureManifestation } from '../../../shared/counts';
import type { LedgerEntry } from '../../../shared/schemas/ledger-entry';
import type { User } from '../../auth/users';
import type { Db } from '../../db/open';
import type { Workstation } from '../../workstation';
import { signaturesListed, type StoredSignature } from './check';
import { unlockSigningKey, type SigningKey } from './keys';

export { reencryptSigningKeyOnPasswordChange, activePublicKey } from './keys';
export {
  checkStoredSignature,
  signaturesListed,
  verifyEntrySignatures,
  type SignatureToCheck,
  type SignatureVerifyReport,
  type StoredSignature,
} from './check';

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

export { signatureManifestationLines } from '../../../shared/ledger/manifestation-lines';

export function signaturesOf(db: Db, deviceId: string, seq: number): StoredSignature[] {
  return db
    .prepare<[string, number], StoredSignature>(
      'SELECT device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, signature FROM entry_signatures WHERE device_id = ? AND seq = ? ORDER BY id',
    )
    .all(deviceId, seq);
}
