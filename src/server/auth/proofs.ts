import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Proves knowledge of an enrollment code without sending it: the MAC key is SHA-256 of the
 * secret, which is also all the server stores, so neither the wire nor the database holds
 * the code itself.
 */
export function enrollProof(secretHashHex: string, message: string): string {
  return createHmac('sha256', Buffer.from(secretHashHex, 'hex')).update(message, 'utf8').digest('base64');
}

export function sameB64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && timingSafeEqual(x, y);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function randomBase32(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += BASE32[b & 31];
  return s;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
