import type { KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ed25519PublicKey, verifyEd25519 } from '../../shared/ledger/crypto';
import { HEADERS, requestSigningString } from '../../shared/sync/protocol';
import { ledgerCrypto, sha256Hex } from '../crypto';
import type { Sql } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { randomToken } from './proofs';

export interface DeviceRow {
  device_id: string;
  facility_id: string;
  public_key: string;
  flagged: boolean;
  flag_reason: string | null;
  retired_at: Date | null;
}

/** Parsed public keys by their base64 text: a pure cache, nothing a second process needs. */
const keyCache = new Map<string, KeyObject>();
export function deviceKey(publicKeyB64: string): KeyObject {
  let k = keyCache.get(publicKeyB64);
  if (!k) {
    k = ed25519PublicKey(ledgerCrypto, publicKeyB64);
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(publicKeyB64, k);
  }
  return k;
}

const NONCE_TTL_SECONDS = 300;
const MAX_OPEN_NONCES = 100;

/** A single-use challenge, remembered in the database so any server process can check it. */
export async function issueChallenge(db: Sql, deviceId: string): Promise<{ nonce: string; expires_in_seconds: number }> {
  const known = await db.query('SELECT 1 FROM devices WHERE device_id = $1', [deviceId]);
  if (known.rows.length === 0) throw new HttpError('UNKNOWN_DEVICE', `device ${deviceId} is not enrolled with this server; enroll it with a code from the central office`);
  const nonce = randomToken(24);
  await db.query(`INSERT INTO auth_nonces (nonce, device_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [nonce, deviceId, NONCE_TTL_SECONDS]);
  // Expired challenges and a flood of unused ones are dropped so the table stays small.
  await db.query(
    `DELETE FROM auth_nonces WHERE device_id = $1 AND (expires_at < now() OR nonce IN (
       SELECT nonce FROM auth_nonces WHERE device_id = $1 ORDER BY expires_at DESC OFFSET $2))`,
    [deviceId, MAX_OPEN_NONCES],
  );
  return { nonce, expires_in_seconds: NONCE_TTL_SECONDS };
}

/**
 * Checks the device signature over method, path, body hash and a server-issued nonce, then
 * consumes the nonce. Nothing here reads the workstation's clock, so a clock hours off is fine.
 */
export async function authenticateDevice(db: Sql, req: FastifyRequest): Promise<DeviceRow> {
  const deviceId = header(req, HEADERS.device);
  const nonce = header(req, HEADERS.nonce);
  const signature = header(req, HEADERS.signature);
  if (!deviceId || !nonce || !signature) {
    throw new HttpError('AUTH_MISSING', `this endpoint needs a device signature (${HEADERS.device}, ${HEADERS.nonce}, ${HEADERS.signature})`);
  }
  const device = (
    await db.query<DeviceRow>('SELECT device_id, facility_id, public_key, flagged, flag_reason, retired_at FROM devices WHERE device_id = $1', [deviceId])
  ).rows[0];
  if (!device) throw new HttpError('UNKNOWN_DEVICE', `device ${deviceId} is not enrolled with this server`);
  const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  const message = requestSigningString(req.method, req.url, sha256Hex(raw), deviceId, nonce);
  if (!verifyEd25519(ledgerCrypto, deviceKey(device.public_key), Buffer.from(message, 'utf8'), signature)) {
    throw new HttpError('BAD_REQUEST_SIGNATURE', `the request signature does not verify with the key enrolled for device ${deviceId}`);
  }
  const used = await db.query('DELETE FROM auth_nonces WHERE nonce = $1 AND device_id = $2 AND expires_at > now() RETURNING nonce', [nonce, deviceId]);
  if (used.rows.length === 0) {
    throw new HttpError('NONCE_INVALID', 'the challenge is unknown, already used or expired; ask for a new one (POST /v1/auth/challenge)');
  }
  if (device.retired_at) {
    throw new HttpError('DEVICE_RETIRED', `device ${deviceId} was retired by the central office (${device.retired_at instanceof Date ? device.retired_at.toISOString() : String(device.retired_at)}); it may no longer push or pull. What it sent before stays in the records. Enroll a new workstation with a new code.`);
  }
  if (device.flagged) {
    throw new HttpError('DEVICE_FLAGGED', `device ${deviceId} is blocked by the central office: ${device.flag_reason ?? 'flagged'}. Call the central office; nothing more is accepted from it until they clear it.`);
  }
  return device;
}

function header(req: FastifyRequest, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 && v.length < 512 ? v : null;
}
