import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open';
import { publicKeyFromRaw } from '../keys/device-key';
import { verifyLedger } from './verify';

/** Runs a full verification off the caller's event loop (the UI stays responsive on a large ledger). */
const { dbFile, keys } = workerData as { dbFile: string; keys: [string, string][] };
const db = openDatabase(dbFile, { readonly: true });
try {
  const report = verifyLedger(db, new Map(keys.map(([id, k]) => [id, publicKeyFromRaw(k)])), (n) => parentPort?.postMessage({ progress: n }));
  parentPort?.postMessage({ report });
} finally {
  db.close();
}
