import { verifyEd25519, type LedgerCrypto } from './crypto';
import { hexToBytes, toHex } from './encoding';

/** The chain starts from 32 zero bytes. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** `entryHash` as the 32 raw bytes (what the device key signs). */
export function entryHashBytes(crypto: LedgerCrypto, prevHashHex: string, canonicalBody: string): Uint8Array {
  return crypto.sha256(hexToBytes(prevHashHex), canonicalBody);
}

/** hash = SHA-256(prev_hash as 32 raw bytes ‖ UTF-8 of the canonical body), lowercase hex (docs/ledger.md). */
export function entryHash(crypto: LedgerCrypto, prevHashHex: string, canonicalBody: string): string {
  return toHex(entryHashBytes(crypto, prevHashHex, canonicalBody));
}

/** Whether `signatureBase64` is `key`'s Ed25519 signature over the 32 raw bytes of the hash (how devices and pharmacists sign entries). */
export function verifyHashSignature<K>(crypto: LedgerCrypto<K>, key: K, hashHex: string, signatureBase64: string): boolean {
  return verifyEd25519(crypto, key, hexToBytes(hashHex), signatureBase64);
}
