import { sign } from 'node:crypto';
import { EnrollResponse, enrollSigningString, parseEnrollmentCode, type SiblingDevice } from '../../shared/sync/protocol';
import { deviceRecordSigned, enrollProof } from '../../shared/sync/proofs';
import { ledgerCrypto } from '../ledger/crypto';
import { sha256Hex } from '../ledger/hash';
import type { Workstation } from '../workstation';
import { SyncClient } from './http-client';
import { SyncError } from './errors';
import { SyncState } from './state';
import type { Db } from '../db/open';

export interface EnrollResult {
  serverUrl: string;
  facility: { facility_id: string; name: string; dea_number: string; address: string };
  siblings: number;
}

/**
 * Enrolls this workstation: sends its device ID, facility and public key, signed by the device
 * key, with a MAC made from the one-time code (the code itself never travels). Stores the
 * server URL and the facility's registrant details the server holds.
 */
export async function enrollWorkstation(ws: Workstation, serverUrl: string, code: string, opts: { timeoutMs?: number; actor?: string } = {}): Promise<EnrollResult> {
  const parsed = parseEnrollmentCode(code);
  if (!parsed) throw new SyncError('refused', 'that is not an enrollment code (it looks like XXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXX, as printed by "rxledger server enrollment-code")');
  const msg = { code_id: parsed.codeId, device_id: ws.deviceId, facility_id: ws.facilityId, public_key: ws.deviceKey.publicKeyB64 };
  const text = enrollSigningString(msg);
  const client = new SyncClient({ serverUrl, deviceId: ws.deviceId, privateKey: ws.deviceKey.privateKey, timeoutMs: opts.timeoutMs });
  const res = await client.post(
    '/v1/enroll',
    { ...msg, proof: enrollProof(ledgerCrypto, sha256Hex(parsed.secret), text), signature: sign(null, Buffer.from(text, 'utf8'), ws.deviceKey.privateKey).toString('base64') },
    EnrollResponse,
  );
  const state = new SyncState(ws.db);
  ws.db.transaction(() => {
    state.set({
      server_url: client.baseUrl,
      enrolled_at: ws.clock.now().toISOString(),
      server_head_seq: res.head.seq,
      server_head_hash: res.head.hash,
      state: 'online',
      state_at: ws.clock.now().toISOString(),
      message: null,
    });
    ws.setSetting('facility_name', res.facility.name);
    ws.setSetting('facility_address', res.facility.address);
    ws.setSetting('facility_dea_number', res.facility.dea_number);
    pinServerKey(ws, res.server_key, res.device_signature);
    pinDevices(ws.db, ws.deviceId, res.devices, ws.clock.now().toISOString(), res.server_key);
  }).immediate();
  ws.audit.record({ actor: opts.actor ?? 'system', action: 'SYNC_ENROLLED', target: client.baseUrl, details: { facility_id: res.facility.facility_id, device_id: ws.deviceId } });
  return { serverUrl: client.baseUrl, facility: res.facility, siblings: res.devices.length };
}

/**
 * Pins the server's identity key (on first sight: at enrollment, or at the first sync of a
 * workstation enrolled before servers had one, audited) and stores its signature over this
 * device's own record. A server that later presents another key is refused: that is what a
 * substituted server would look like.
 */
export function pinServerKey(ws: Workstation, serverKey: string, deviceSignature: string): void {
  const state = new SyncState(ws.db);
  const pinned = state.get('server_key');
  if (pinned && pinned !== serverKey) {
    throw new SyncError('refused', `the central server presents another identity key (${serverKey}) than the one pinned at enrollment (${pinned}); nothing is accepted from it. Call the central office.`);
  }
  const own = { device_id: ws.deviceId, facility_id: ws.facilityId, public_key: ws.deviceKey.publicKeyB64 };
  if (!deviceRecordSigned(ledgerCrypto, serverKey, own, deviceSignature)) {
    throw new SyncError('refused', 'the central server\'s signature over this device\'s record does not verify under its own key; nothing is accepted from it. Call the central office.');
  }
  if (!pinned) {
    state.set({ server_key: serverKey });
    ws.audit.record({ actor: 'system', action: 'SYNC_SERVER_KEY_PINNED', target: state.get('server_url') ?? '', details: { server_key: serverKey } });
  }
  ws.db.prepare('UPDATE devices SET server_signature = ? WHERE device_id = ? AND (server_signature IS NULL OR server_signature <> ?)').run(deviceSignature, ws.deviceId, deviceSignature);
}

/**
 * Pins the public keys the server vouches for, each with the server key's signature over its
 * record (checked here, and again by every verify). A key is pinned on first sight and never
 * replaced: a server that later offers another key for a known device is refused, because
 * that is what a substituted key would look like.
 */
export function pinDevices(db: Db, localDeviceId: string, devices: SiblingDevice[], now: string, serverKey: string): void {
  const get = db.prepare<[string], { public_key: string; server_signature: string | null }>('SELECT public_key, server_signature FROM devices WHERE device_id = ?');
  const put = db.prepare('INSERT INTO devices (device_id, facility_id, public_key, is_local, added_at, server_signature) VALUES (?, ?, ?, 0, ?, ?)');
  const sign = db.prepare('UPDATE devices SET server_signature = ? WHERE device_id = ?');
  for (const d of devices) {
    if (d.device_id === localDeviceId) continue;
    if (!deviceRecordSigned(ledgerCrypto, serverKey, d, d.server_signature)) {
      throw new SyncError('refused', `the central server's record of sibling device ${d.device_id} is not signed by its identity key; its entries are not accepted. Call the central office.`);
    }
    const have = get.get(d.device_id);
    if (!have) put.run(d.device_id, d.facility_id, d.public_key, now, d.server_signature);
    else if (have.public_key !== d.public_key) {
      throw new SyncError('refused', `the central server offers a different public key for sibling device ${d.device_id} than the one pinned here; its entries are not accepted. Call the central office.`);
    } else if (have.server_signature !== d.server_signature) sign.run(d.server_signature, d.device_id);
  }
}
