import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../db/open';
import { loadDeviceKey, publicKeyFromRaw } from '../keys/device-key';
import { FileSecretStore, type SecretStore } from '../keys/secret-store';
import { verifyLedger, type VerifyReport } from './verify';

/**
 * Verifies a data folder without opening it as a workstation: read-only, no migrations, no
 * other table touched first. A damaged file is walked as far as it can be read and the damage
 * is reported at the first seq that could not be.
 */
export function verifyFolder(dataDir: string, secrets: SecretStore = new FileSecretStore(dataDir)): VerifyReport {
  const cfgFile = join(dataDir, 'workstation.json');
  if (!existsSync(cfgFile)) throw new Error(`${dataDir} holds no RxLedger workstation`);
  const { device_id: deviceId, public_key: publicKeyB64 } = JSON.parse(readFileSync(cfgFile, 'utf8')) as { device_id: string; public_key?: string };
  // The public key is enough to verify; the private key is read only for folders made before
  // workstation.json carried it (and is out of reach where the desktop app keeps it in the keychain).
  const publicKey = publicKeyB64 ? publicKeyFromRaw(publicKeyB64) : loadDeviceKey(secrets)?.publicKey;
  if (!publicKey) throw new Error(`the device key of ${dataDir} is missing; the ledger cannot be verified against it`);
  let db;
  try {
    db = openDatabase(join(dataDir, 'rxledger.db'), { readonly: true });
  } catch (err) {
    return { ok: false, checked: 0, devices: [], failure: { device_id: deviceId, seq: 1, reason: `unreadable from seq 1 on: the file is truncated or damaged (${(err as Error).message})` }, stockMismatches: [] };
  }
  try {
    return verifyLedger(db, new Map([[deviceId, publicKey]]));
  } finally {
    db.close();
  }
}
