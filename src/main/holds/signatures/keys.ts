import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import type { Db } from '../../db/open';
import { rawPublicKeyB64 } from '../../keys/device-key';

/**
 * Each user's own Ed25519 signing key (Part 11 §11.70). The PKCS#8 private key is encrypted
 * with AES-256-GCM under a key derived from the user's password with scrypt; only the
 * ciphertext, salt, IV and tag are stored. The password unlocks it for one signing and the
 * clear key is never written anywhere.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const MAXMEM = 64 * 1024 * 1024;

export interface SigningKey {
  keyId: string;
  userId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyB64: string;
}

interface KeyRow {
  key_id: string;
  user_id: string;
  public_key: string;
  kdf: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export class SigningKeyError extends Error {}

function derive(password: string, kdf: string): Buffer {
  const [name, n, r, p, salt] = kdf.split('$');
  if (name !== 'scrypt' || !salt) throw new SigningKeyError('unknown key derivation');
  return scryptSync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), 32, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM });
}

function seal(userId: string, keyId: string, der: Buffer, password: string): { kdf: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const kdf = ['scrypt', N, R, P, randomBytes(16).toString('base64')].join('$');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(password, kdf), iv);
  cipher.setAAD(Buffer.from(`rxledger-signing-key:${userId}:${keyId}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  return { kdf, iv, tag: cipher.getAuthTag(), ciphertext };
}

function open(row: KeyRow, password: string): KeyObject {
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(password, row.kdf), row.iv);
    decipher.setAAD(Buffer.from(`rxledger-signing-key:${row.user_id}:${row.key_id}`, 'utf8'));
    decipher.setAuthTag(row.tag);
    const der = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new SigningKeyError(`the signing key of ${row.user_id} cannot be unlocked with this password`);
  }
}

const activeRow = (db: Db, userId: string) =>
  db.prepare<[string], KeyRow>('SELECT key_id, user_id, public_key, kdf, iv, tag, ciphertext FROM user_signing_keys WHERE user_id = ? AND retired_at IS NULL').get(userId);

/** The user's public key, or null before their first signature. */
export function activePublicKey(db: Db, userId: string): string | null {
  return activeRow(db, userId)?.public_key ?? null;
}

/**
 * Unlocks the user's signing key with the password just verified, creating it at the first
 * signing. A key that no longer opens (the password was reset by an administrator, who never
 * knew the old one) is retired — old signatures keep verifying with its public key, which the
 * signed entries carry — and a new key is made.
 */
export function unlockSigningKey(db: Db, userId: string, password: string, now: Date): SigningKey {
  const row = activeRow(db, userId);
  if (row) {
    try {
      const privateKey = open(row, password);
      const publicKey = createPublicKey(privateKey);
      return { keyId: row.key_id, userId, privateKey, publicKey, publicKeyB64: row.public_key };
    } catch (err) {
      if (!(err instanceof SigningKeyError)) throw err;
      db.prepare('UPDATE user_signing_keys SET retired_at = ? WHERE key_id = ?').run(now.toISOString(), row.key_id);
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = `K-${randomBytes(8).toString('hex')}`;
  const sealed = seal(userId, keyId, privateKey.export({ format: 'der', type: 'pkcs8' }), password);
  const publicKeyB64 = rawPublicKeyB64(publicKey);
  try {
    db.prepare(
      `INSERT INTO user_signing_keys (key_id, user_id, public_key, kdf, iv, tag, ciphertext, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(keyId, userId, publicKeyB64, sealed.kdf, sealed.iv, sealed.tag, sealed.ciphertext, now.toISOString(), now.toISOString());
  } catch (err) {
    // Another process made this user's first key at the same moment (two signings racing, as
    // signer in one and co-signer in the other): use theirs, sealed under the same password.
    const theirs = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? activeRow(db, userId) : undefined;
    if (!theirs) throw err;
    const key = open(theirs, password);
    return { keyId: theirs.key_id, userId, privateKey: key, publicKey: createPublicKey(key), publicKeyB64: theirs.public_key };
  }
  return { keyId, userId, privateKey, publicKey, publicKeyB64 };
}

/**
 * Hook for UserStore.changePassword: re-encrypts the user's signing key under the new
 * password, in the caller's transaction. Without it the key would be lost at the next
 * signing (and replaced, which is allowed but needless).
 */
export function reencryptSigningKeyOnPasswordChange(db: Db, userId: string, current: string, next: string, now: Date = new Date()): void {
  const row = activeRow(db, userId);
  if (!row) return;
  let der: Buffer;
  try {
    der = open(row, current).export({ format: 'der', type: 'pkcs8' });
  } catch {
    return; // not openable with the current password: it will be replaced at the next signing
  }
  const sealed = seal(userId, row.key_id, der, next);
  db.prepare('UPDATE user_signing_keys SET kdf = ?, iv = ?, tag = ?, ciphertext = ?, updated_at = ? WHERE key_id = ?').run(
    sealed.kdf,
    sealed.iv,
    sealed.tag,
    sealed.ciphertext,
    now.toISOString(),
    row.key_id,
  );
}
