import type { LedgerCrypto } from '../ledger/crypto';
import { bytesToBase64, hexToBytes } from '../ledger/encoding';

/**
 * Proves knowledge of an enrollment code without sending it: the MAC key is SHA-256 of the
 * secret, which is also all the server stores, so neither the wire nor the database holds
 * the code itself. The workstation makes it, the server makes it again to compare.
 */
export function enrollProof(crypto: LedgerCrypto, secretHashHex: string, message: string): string {
  return bytesToBase64(crypto.hmacSha256(hexToBytes(secretHashHex), message));
}
