import type { FastifyInstance } from 'fastify';
import { verifyEd25519 } from '../../shared/ledger/crypto';
import { enrollProof } from '../../shared/sync/proofs';
import type { Sql, Store } from '../db/pg-adapter';
import { deviceKey } from '../auth/device-signature';
import { sameB64 } from '../auth/proofs';
import { ledgerCrypto } from '../crypto';
import { HttpError } from '../errors';
import { EnrollRequest, enrollSigningString, type EnrollResponse, type FacilityInfo, type SiblingDevice } from '../../shared/sync/protocol';
import { parseBody } from './parse';
import type { ServerIdentity } from '../identity';

export function enrollRoutes(app: FastifyInstance, store: Store, identity: ServerIdentity): void {
  app.get('/v1/server-key', async () => ({ public_key: identity.publicKeyB64, algorithm: 'Ed25519' as const }));

  app.post('/v1/enroll', async (req) => {
    const m = parseBody(EnrollRequest, req.body);
    let key;
    try {
      key = deviceKey(m.public_key);
    } catch {
      throw new HttpError('BAD_PUBLIC_KEY', 'public_key must be a raw 32-byte Ed25519 key in base64');
    }
    const message = enrollSigningString(m);
    return store.transaction(async (tx): Promise<EnrollResponse> => {
      const code = (
        await tx.query<{ secret_hash: string; facility_id: string; used_at: Date | null; used_by_device: string | null; expired: boolean }>(
          'SELECT secret_hash, facility_id, used_at, used_by_device, expires_at < now() AS expired FROM enrollment_codes WHERE code_id = $1 FOR UPDATE',
          [m.code_id],
        )
      ).rows[0];
      if (!code || !sameB64(enrollProof(ledgerCrypto, code.secret_hash, message), m.proof)) {
        throw new HttpError('ENROLLMENT_CODE_REFUSED', 'the enrollment code is not one this server issued; check it or ask the central office for a new one');
      }
      if (code.used_at) {
        throw new HttpError('ENROLLMENT_CODE_USED', `this enrollment code was already used (${code.used_at instanceof Date ? code.used_at.toISOString() : code.used_at}); each code enrolls one workstation once. Ask the central office for a new one.`);
      }
      if (code.expired) throw new HttpError('ENROLLMENT_CODE_EXPIRED', 'this enrollment code has expired; ask the central office for a new one');
      if (code.facility_id !== m.facility_id) {
        throw new HttpError('FACILITY_MISMATCH', `this code enrolls into facility ${code.facility_id}, but the workstation belongs to facility ${m.facility_id}`);
      }
      if (!verifyEd25519(ledgerCrypto, key, Buffer.from(message, 'utf8'), m.signature)) {
        throw new HttpError('BAD_ENROLL_SIGNATURE', 'the enrollment request is not signed by the key it presents');
      }
      const existing = (await tx.query<{ public_key: string; facility_id: string; retired_at: Date | null }>('SELECT public_key, facility_id, retired_at FROM devices WHERE device_id = $1', [m.device_id])).rows[0];
      if (existing && (existing.public_key !== m.public_key || existing.facility_id !== m.facility_id)) {
        throw new HttpError('DEVICE_KEY_MISMATCH', `device ${m.device_id} is already enrolled with another key or facility; a device ID is never reused`);
      }
      if (existing?.retired_at) {
        throw new HttpError('DEVICE_RETIRED', `device ${m.device_id} was retired by the central office and cannot be enrolled again; a new workstation enrolls with its own device ID`);
      }
      const deviceSignature = identity.signDevice(m);
      if (!existing) {
        await tx.query('INSERT INTO devices (device_id, facility_id, public_key, last_seen_at, server_signature) VALUES ($1, $2, $3, now(), $4)', [
          m.device_id,
          m.facility_id,
          m.public_key,
          deviceSignature,
        ]);
      } else {
        await tx.query('UPDATE devices SET server_signature = $2 WHERE device_id = $1 AND server_signature IS NULL', [m.device_id, deviceSignature]);
      }
      await tx.query('UPDATE enrollment_codes SET used_at = now(), used_by_device = $2 WHERE code_id = $1', [m.code_id, m.device_id]);
      const facility = await facilityInfo(tx, m.facility_id);
      const head = (await tx.query<{ head_seq: number; head_hash: string }>('SELECT head_seq, head_hash FROM devices WHERE device_id = $1', [m.device_id])).rows[0]!;
      return {
        facility,
        device_id: m.device_id,
        head: { seq: head.head_seq, hash: head.head_hash },
        devices: await siblings(tx, identity, m.facility_id, m.device_id),
        server_key: identity.publicKeyB64,
        device_signature: deviceSignature,
      };
    });
  });
}

export async function facilityInfo(db: Sql, facilityId: string): Promise<FacilityInfo> {
  const f = (await db.query<FacilityInfo>('SELECT facility_id, name, dea_number, address FROM facilities WHERE facility_id = $1', [facilityId])).rows[0];
  if (!f) throw new HttpError('UNKNOWN_FACILITY', `facility ${facilityId} does not exist on this server`);
  return f;
}

/**
 * The facility's other devices, each with the identity key's signature over its record. A
 * device enrolled before the server had an identity key is signed the first time it is listed
 * (Ed25519 signatures are deterministic, so processes doing it at once write the same text).
 */
export async function siblings(db: Sql, identity: ServerIdentity, facilityId: string, deviceId: string): Promise<SiblingDevice[]> {
  const rows = (
    await db.query<Omit<SiblingDevice, 'server_signature'> & { server_signature: string | null }>(
      'SELECT device_id, facility_id, public_key, head_seq, server_signature FROM devices WHERE facility_id = $1 AND device_id <> $2 ORDER BY device_id',
      [facilityId, deviceId],
    )
  ).rows;
  const out: SiblingDevice[] = [];
  for (const r of rows) {
    let sig = r.server_signature;
    if (!sig) {
      sig = identity.signDevice(r);
      await db.query('UPDATE devices SET server_signature = $2 WHERE device_id = $1 AND server_signature IS NULL', [r.device_id, sig]);
    }
    out.push({ device_id: r.device_id, facility_id: r.facility_id, public_key: r.public_key, head_seq: Number(r.head_seq), server_signature: sig });
  }
  return out;
}
