import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { deviceRecordSigningString } from '../shared/sync/protocol';
import type { Sql } from './db/pg-adapter';

/**
 * The server's Ed25519 identity key. It signs every device record the server enrolls; a
 * workstation pins its public half at enrollment and accepts a device's entries only when the
 * device's record carries this key's signature. Kept in the server's database (table
 * `server_identity`), so every server process behind a load balancer signs with the same key
 * and a backup of the database carries it.
 */
export interface ServerIdentity {
  /** Raw 32-byte public key, base64: what workstations pin. */
  publicKeyB64: string;
  signDevice(d: { device_id: string; facility_id: string; public_key: string }): string;
}

export async function loadServerIdentity(db: Sql): Promise<ServerIdentity> {
  let row = (await db.query<{ private_key: string }>('SELECT private_key FROM server_identity WHERE id = 1')).rows[0];
  if (!row) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // Processes starting together may each make one: the first insert wins, every process reads it back.
    await db.query('INSERT INTO server_identity (id, private_key, public_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [
      privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      rawPublicKeyB64(createPublicKey(privateKey)),
    ]);
    row = (await db.query<{ private_key: string }>('SELECT private_key FROM server_identity WHERE id = 1')).rows[0]!;
  }
  const privateKey = createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' });
  return {
    publicKeyB64: rawPublicKeyB64(createPublicKey(privateKey)),
    signDevice: (d) => sign(null, Buffer.from(deviceRecordSigningString(d), 'utf8'), privateKey).toString('base64'),
  };
}

function rawPublicKeyB64(publicKey: KeyObject): string {
  // An Ed25519 SPKI is a fixed 12-byte prefix and the 32 raw bytes.
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}
