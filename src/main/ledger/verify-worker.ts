import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open';
import { publicKeyFromRaw } from '../keys/device-key';
import { deviceTrust } from './trust';
import { serverHeadAnchor, verifyLedger } from './verify';

/** Runs a full verification off the caller's event loop (the UI stays responsive on a large ledger). */
const { dbFile, deviceId, publicKeyB64 } = workerData as { dbFile: string; deviceId: string; publicKeyB64: string };
const db = openDatabase(dbFile, { readonly: true });
try {
  const trust = deviceTrust(db, { deviceId, publicKey: publicKeyFromRaw(publicKeyB64), publicKeyB64 });
  const server = serverHeadAnchor(db, deviceId);
  const report = verifyLedger(db, trust, { onProgress: (n) => parentPort?.postMessage({ progress: n }), anchors: server ? [server] : [] });
  parentPort?.postMessage({ report });
} finally {
  db.close();
}
