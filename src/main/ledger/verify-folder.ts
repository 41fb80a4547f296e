import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviceRecordSigned } from '../../shared/sync/proofs';
import { openDatabase, type Db } from '../db/open';
import { loadDeviceKey, publicKeyFromRaw } from '../keys/device-key';
import { FileSecretStore, type SecretStore } from '../keys/secret-store';
import { ledgerCrypto } from './crypto';
import { deviceTrust, type LocalDevice } from './trust';
import { parseAnchor, serverHeadAnchor, verifyLedger, type Anchor, type VerifyReport } from './verify';

export interface VerifyFolderOptions {
  /** --anchor values: `HEAD_HASH` or `DEVICE:SEQ:HASH`. */
  anchors?: string[] | undefined;
  /** The central server's identity key from outside the folder (GET /v1/server-key), checked against the pinned one. */
  serverKey?: string | undefined;
}

export class BadAnchorError extends Error {}

/**
 * Verifies a data folder without opening it as a workstation: read-only, no migrations, no
 * other table touched first. A damaged file is walked as far as it can be read and the damage
 * is reported at the first seq that could not be.
 *
 * The local device's public key is the one derived from its private key (`device-signing.key`).
 * Where that is out of reach (the desktop app keeps it in the OS keychain) it is the key in the
 * device's enrollment record signed by the central server. workstation.json's `public_key` is
 * never used: it sits beside the database it would vouch for.
 */
export function verifyFolder(dataDir: string, secrets: SecretStore = new FileSecretStore(dataDir), opts: VerifyFolderOptions = {}): VerifyReport {
  const cfgFile = join(dataDir, 'workstation.json');
  if (!existsSync(cfgFile)) throw new Error(`${dataDir} holds no RxLedger workstation`);
  const { device_id: deviceId } = JSON.parse(readFileSync(cfgFile, 'utf8')) as { device_id: string };
  const anchors: Anchor[] = [];
  for (const text of opts.anchors ?? []) {
    const a = parseAnchor(text, deviceId);
    if (!a) throw new BadAnchorError(`--anchor ${text}: give the 64-hex head hash, or DEVICE:SEQ:HASH as a report prints its ledger head`);
    anchors.push(a);
  }
  const key = loadDeviceKey(secrets);
  let db: Db;
  try {
    db = openDatabase(join(dataDir, 'rxledger.db'), { readonly: true });
  } catch (err) {
    return { ok: false, checked: 0, devices: [], failure: { device_id: deviceId, seq: 1, reason: `unreadable from seq 1 on: the file is truncated or damaged (${(err as Error).message})` }, stockMismatches: [] };
  }
  try {
    const local: LocalDevice | null = key ? { deviceId, publicKey: key.publicKey, publicKeyB64: key.publicKeyB64 } : enrolledKey(db, deviceId, opts.serverKey);
    if (!local) {
      throw new Error(
        `the device key of ${dataDir} is not here (${secrets.kind}) and this workstation has no enrollment record signed by the central server: ` +
          'its ledger cannot be verified against a key from outside the database. If the desktop app keeps the key in its keychain, verify there.',
      );
    }
    const server = serverHeadAnchor(db, deviceId);
    return verifyLedger(db, deviceTrust(db, local, { serverKey: opts.serverKey }), { anchors: server ? [server, ...anchors] : anchors });
  } finally {
    db.close();
  }
}

/** The local key as the central server signed it at enrollment, when the private key is out of reach. */
function enrolledKey(db: Db, deviceId: string, givenServerKey: string | undefined): LocalDevice | null {
  try {
    const serverKey = givenServerKey ?? db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'server_key'").get()?.value;
    const row = db
      .prepare<[string], { device_id: string; facility_id: string; public_key: string; server_signature: string | null }>(
        'SELECT device_id, facility_id, public_key, server_signature FROM devices WHERE device_id = ? AND is_local = 1',
      )
      .get(deviceId);
    if (!serverKey || !row || !deviceRecordSigned(ledgerCrypto, serverKey, row, row.server_signature)) return null;
    return { deviceId, publicKey: publicKeyFromRaw(row.public_key), publicKeyB64: row.public_key };
  } catch {
    return null;
  }
}
