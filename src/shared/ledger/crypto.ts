import { base64ToBytes, toHex } from './encoding';

/**
 * The cryptography the ledger core and the sync protocol need, injected: shared code may not
 * import `node:crypto` (it also runs in the renderer), and a pure-JavaScript SHA-256 or Ed25519
 * would be many times slower than Node's. Each process kind builds one implementation over
 * `node:crypto` at its edge (`src/main/ledger/crypto.ts` for the workstation,
 * `src/server/crypto.ts` for the central server); everything else — the ledger's text forms,
 * the hash chain, the checks — is here, once.
 *
 * `K` is the implementation's parsed public key (a `KeyObject` under Node), so a key that
 * verifies many entries is parsed once.
 */
export interface LedgerCrypto<K = unknown> {
  /** SHA-256 of the parts, one after the other; a string part counts as its UTF-8 bytes. */
  sha256(...parts: (string | Uint8Array)[]): Uint8Array;
  /** HMAC-SHA256 of the message (UTF-8) under the key. */
  hmacSha256(key: Uint8Array, message: string): Uint8Array;
  /** An Ed25519 public key from its SubjectPublicKeyInfo (DER); throws when it is not one. */
  ed25519PublicKey(spki: Uint8Array): K;
  /** Whether `signature` is the Ed25519 signature of `message` by `key`. */
  ed25519Verify(key: K, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Lowercase hex SHA-256 (strings as UTF-8): payload fingerprints, token hashes, request bodies. */
export function sha256Hex(crypto: LedgerCrypto, data: string | Uint8Array): string {
  return toHex(crypto.sha256(data));
}

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 raw key bytes follow it. */
const SPKI_ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** An Ed25519 public key from its text in the ledger and the protocol: the 32 raw bytes, base64. */
export function ed25519PublicKey<K>(crypto: LedgerCrypto<K>, rawBase64: string): K {
  const raw = base64ToBytes(rawBase64);
  if (!raw || raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  const spki = new Uint8Array(SPKI_ED25519_PREFIX.length + 32);
  spki.set(SPKI_ED25519_PREFIX);
  spki.set(raw, SPKI_ED25519_PREFIX.length);
  return crypto.ed25519PublicKey(spki);
}

/** Whether `signatureBase64` (64 bytes, base64) is `key`'s Ed25519 signature of `message`. */
export function verifyEd25519<K>(crypto: LedgerCrypto<K>, key: K, message: Uint8Array, signatureBase64: string): boolean {
  const signature = base64ToBytes(signatureBase64);
  return signature !== null && signature.length === 64 && crypto.ed25519Verify(key, message, signature);
}
