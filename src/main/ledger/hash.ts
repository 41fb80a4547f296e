import { createHash } from 'node:crypto';

/** The chain starts from 32 zero bytes. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** hash = SHA-256(prev_hash as 32 raw bytes ‖ UTF-8 of the canonical body). */
export function entryHash(prevHashHex: string, canonicalBody: string): string {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalBody, 'utf8').digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `entryHash` as the 32 raw bytes (what is signed). */
export function entryHashBytes(prevHashHex: string, canonicalBody: string): Buffer {
  return createHash('sha256').update(Buffer.from(prevHashHex, 'hex')).update(canonicalBody, 'utf8').digest();
}
