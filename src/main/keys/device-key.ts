import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ed25519PublicKey } from '../../shared/ledger/crypto';
import { ledgerCrypto } from '../ledger/crypto';
import type { SecretStore } from './secret-store';

/** The device's Ed25519 key: it signs every ledger entry this workstation writes. */
export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte public key, base64: how it is stored and sent to the server. */
  publicKeyB64: string;
}

const SECRET_NAME = 'device-signing';

export function loadDeviceKey(store: SecretStore): DeviceKey | null {
  const der = store.read(SECRET_NAME);
  if (!der) return null;
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return fromPrivate(privateKey);
}

export function createDeviceKey(store: SecretStore): DeviceKey {
  if (store.read(SECRET_NAME)) throw new Error('a device key already exists; refusing to replace it (the ledger is signed with it)');
  const { privateKey } = generateKeyPairSync('ed25519');
  store.write(SECRET_NAME, privateKey.export({ format: 'der', type: 'pkcs8' }));
  return fromPrivate(privateKey);
}

function fromPrivate(privateKey: KeyObject): DeviceKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyB64: rawPublicKeyB64(publicKey) };
}

export function rawPublicKeyB64(publicKey: KeyObject): string {
  // The SPKI DER of an Ed25519 key is a fixed 12-byte prefix and the 32 raw bytes.
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/** A public key from its raw 32 bytes in base64 (throws when it is not one). */
export function publicKeyFromRaw(b64: string): KeyObject {
  return ed25519PublicKey(ledgerCrypto, b64);
}

export function signHash(key: KeyObject, hashHex: string): string {
  return signHashBytes(key, Buffer.from(hashHex, 'hex'));
}

/** `signHash` over the 32 raw bytes of the hash (no hex round trip on the append path). */
export function signHashBytes(key: KeyObject, hash: Uint8Array): string {
  return sign(null, hash, key).toString('base64');
}
