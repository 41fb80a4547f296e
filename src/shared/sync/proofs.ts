import { ed25519PublicKey, verifyEd25519, type LedgerCrypto } from '../ledger/crypto';
import { bytesToBase64, hexToBytes } from '../ledger/encoding';
import { deviceRecordSigningString } from './protocol';

/**
 * Proves knowledge of an enrollment code without sending it: the MAC key is SHA-256 of the
 * secret, which is also all the server stores, so neither the wire nor the database holds
 * the code itself. The workstation makes it, the server makes it again to compare.
 */
export function enrollProof(crypto: LedgerCrypto, secretHashHex: string, message: string): string {
  return bytesToBase64(crypto.hmacSha256(hexToBytes(secretHashHex), message));
}

/**
 * Whether the server identity key `serverKeyB64` signed this device record. False (never a
 * throw) for a malformed key or signature: a verifier reports it as an untrusted device.
 */
export function deviceRecordSigned<K>(
  crypto: LedgerCrypto<K>,
  serverKeyB64: string,
  record: { device_id: string; facility_id: string; public_key: string },
  signatureB64: string | null | undefined,
): boolean {
  if (!signatureB64) return false;
  let key: K;
  try {
    key = ed25519PublicKey(crypto, serverKeyB64);
  } catch {
    return false;
  }
  return verifyEd25519(crypto, key, new TextEncoder().encode(deviceRecordSigningString(record)), signatureB64);
}
