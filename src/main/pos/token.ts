import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../keys/secret-store';

export const POS_TOKEN_SECRET = 'pos-token';

/**
 * Who a POS request proves to be: the holder of this workstation's bearer token, i.e. the
 * pharmacy system, not a person. Its entries name it as actor; the request's handler_id is the
 * system's claim of who dispensed (data.claimed_handler_id).
 */
export const POS_SYSTEM_ACTOR = 'pos-system';

/** The POS bearer token, made on first use and kept in the secret store (safeStorage or a 0600 file). */
export function posToken(secrets: SecretStore, opts: { rotate?: boolean } = {}): string {
  if (!opts.rotate) {
    const existing = secrets.read(POS_TOKEN_SECRET);
    if (existing && existing.length >= 32) return existing.toString('utf8').trim();
  }
  const token = randomBytes(32).toString('base64url');
  secrets.write(POS_TOKEN_SECRET, Buffer.from(token, 'utf8'));
  return token;
}
