import type { KeyObject } from 'node:crypto';
import { deviceRecordSigned } from '../../shared/sync/proofs';
import type { Db } from '../db/open';
import { publicKeyFromRaw } from '../keys/device-key';
import { ledgerCrypto } from './crypto';

/**
 * Which device keys `verify` may use, and why the others are refused. The local device's key
 * is the one derived from its private key (the key file, or the keychain in the desktop app);
 * a sibling's key only when its record carries the central server's signature under the server
 * key pinned at enrollment (or one given from outside with --server-key). Nothing is trusted
 * because a row says so: a shell on the workstation can add rows.
 */
export interface DeviceTrust {
  keys: Map<string, KeyObject>;
  /** device_id → why its entries cannot be verified. */
  refused: Map<string, string>;
  /** The server key the sibling records were checked under, or null (not enrolled). */
  serverKey: string | null;
  /** Set when the server key given from outside is not the one pinned here. */
  problem: string | null;
}

export interface LocalDevice {
  deviceId: string;
  publicKey: KeyObject;
  publicKeyB64: string;
}

export function deviceTrust(db: Db, local: LocalDevice, opts: { serverKey?: string | undefined } = {}): DeviceTrust {
  const keys = new Map<string, KeyObject>([[local.deviceId, local.publicKey]]);
  const refused = new Map<string, string>();
  let pinned: string | null = null;
  let rows: { device_id: string; facility_id: string; public_key: string; server_signature: string | null }[] = [];
  // A damaged file is still walked as far as it can be read: the walk reports the damage.
  try {
    pinned = db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'server_key'").get()?.value ?? null;
  } catch {
    /* no sync_state (an old or damaged file) */
  }
  try {
    rows = db.prepare<[], (typeof rows)[number]>('SELECT device_id, facility_id, public_key, server_signature FROM devices').all();
  } catch {
    try {
      // A folder whose migration 9 has not run yet: no device is server-signed.
      rows = db.prepare<[], Omit<(typeof rows)[number], 'server_signature'>>('SELECT device_id, facility_id, public_key FROM devices').all().map((r) => ({ ...r, server_signature: null }));
    } catch {
      /* reported by the walk */
    }
  }
  let problem: string | null = null;
  const given = opts.serverKey?.trim();
  if (given && pinned && given !== pinned) {
    problem = `the central server key pinned in this folder (${pinned}) is not the one given (${given}): the folder's trust anchor was replaced`;
  }
  const serverKey = given || pinned;
  for (const r of rows) {
    if (r.device_id === local.deviceId) {
      // Enrolled: the server signed the key it enrolled, so a key file replaced together with
      // the database rewritten to match is caught here.
      if (serverKey) {
        const enrolled = { device_id: r.device_id, facility_id: r.facility_id, public_key: local.publicKeyB64 };
        if (!r.server_signature) {
          keys.delete(local.deviceId);
          refused.set(local.deviceId, 'this workstation is enrolled but its device record carries no central server signature (sync once to fetch it)');
        } else if (!deviceRecordSigned(ledgerCrypto, serverKey, enrolled, r.server_signature)) {
          keys.delete(local.deviceId);
          refused.set(local.deviceId, 'the device key is not the one the central server enrolled for this device (its signed enrollment record does not match)');
        }
      }
      continue;
    }
    if (!serverKey) {
      refused.set(r.device_id, `sibling device ${r.device_id} is not vouched for: this workstation holds no central server key (not enrolled), and a key in the database alone is not trusted`);
    } else if (!r.server_signature) {
      refused.set(r.device_id, `sibling device ${r.device_id} carries no central server signature (sync once to fetch it); a key in the database alone is not trusted`);
    } else if (!deviceRecordSigned(ledgerCrypto, serverKey, r, r.server_signature)) {
      refused.set(r.device_id, `sibling device ${r.device_id}: its record is not signed by the central server key ${given ? 'given' : 'pinned at enrollment'}`);
    } else {
      try {
        keys.set(r.device_id, publicKeyFromRaw(r.public_key));
      } catch {
        refused.set(r.device_id, `sibling device ${r.device_id}: its public key is not an Ed25519 key`);
      }
    }
  }
  return { keys, refused, serverKey, problem };
}
