import { sign } from 'node:crypto';
import { EnrollResponse, enrollSigningString, parseEnrollmentCode, type SiblingDevice } from '../../shared/sync/protocol';
import { enrollProof } from '../../shared/sync/proofs';
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
    pinDevices(ws.db, ws.deviceId, res.devices, ws.clock.now().toISOString());
  }).immediate();
  ws.audit.record({ actor: opts.actor ?? 'system', action: 'SYNC_ENROLLED', target: client.baseUrl, details: { facility_id: res.facility.facility_id, device_id: ws.deviceId } });
  return { serverUrl: client.baseUrl, facility: res.facility, siblings: res.devices.length };
}

/**
 * Pins the public keys the server vouches for. A key is pinned on first sight and never
 * replaced: a server that later offers another key for a known device is refused, because
 * that is what a substituted key would look like.
 */
export function pinDevices(db: Db, localDeviceId: string, devices: SiblingDevice[], now: string): void {
  const get = db.prepare<[string], { public_key: string }>('SELECT public_key FROM devices WHERE device_id = ?');
  const put = db.prepare('INSERT INTO devices (device_id, facility_id, public_key, is_local, added_at) VALUES (?, ?, ?, 0, ?)');
  for (const d of devices) {
    if (d.device_id === localDeviceId) continue;
    const have = get.get(d.device_id);
    if (!have) put.run(d.device_id, d.facility_id, d.public_key, now);
    else if (have.public_key !== d.public_key) {
      throw new SyncError('refused', `the central server offers a different public key for sibling device ${d.device_id} than the one pinned here; its entries are not accepted. Call the central office.`);
    }
  }
}
