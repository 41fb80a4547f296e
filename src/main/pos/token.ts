import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../keys/secret-store';

export const POS_TOKEN_SECRET = 'pos-token';

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
