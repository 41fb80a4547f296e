import { sha256Hex as sha256HexWith } from '../../shared/ledger/crypto';
import { entryHash as entryHashWith, entryHashBytes as entryHashBytesWith } from '../../shared/ledger/hash';
import { ledgerCrypto } from './crypto';

export { GENESIS_PREV_HASH } from '../../shared/ledger/hash';

/** The ledger core's hashes (src/shared/ledger/hash.ts) with the workstation's node:crypto. */
export const entryHash = (prevHashHex: string, canonicalBody: string): string => entryHashWith(ledgerCrypto, prevHashHex, canonicalBody);

export const sha256Hex = (data: string | Uint8Array): string => sha256HexWith(ledgerCrypto, data);

/** `entryHash` as the 32 raw bytes (what is signed), as a Buffer over the digest (no copy). */
export function entryHashBytes(prevHashHex: string, canonicalBody: string): Buffer {
  const bytes = entryHashBytesWith(ledgerCrypto, prevHashHex, canonicalBody);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
