import { createHash, createHmac, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { LedgerCrypto } from '../../shared/ledger/crypto';

/**
 * The workstation's one implementation of the ledger core's cryptography (src/shared/ledger/crypto.ts):
 * `node:crypto`, nothing added. The central server has its own at its edge (src/server/crypto.ts);
 * the two are the same few calls because each process may import only itself and src/shared
 * (docs/architecture.md).
 */
export const ledgerCrypto: LedgerCrypto<KeyObject> = {
  sha256: (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest(),
  hmacSha256: (key, message) => createHmac('sha256', key).update(message, 'utf8').digest(),
  ed25519PublicKey: (spki) => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }),
  ed25519Verify: (key, message, signature) => verify(null, message, key, signature),
};
