import { parentPort, workerData } from 'node:worker_threads';
import { AuditTrail } from '../audit/trail';
import { openDatabase } from '../db/open';
import { CatalogStore } from './store';

/**
 * Imports catalog files off the workstation's event loop: a whole FDA product.txt takes seconds,
 * and in one process with the POS API and the screens nothing else would be answered meanwhile.
 * Its own connection, as `rxledger catalog import` from another process has: SQLite's locks
 * order its transactions with the workstation's, and the audit chain is read from the database.
 */
const { dbFile, actor, clockOffsetMs, files } = workerData as { dbFile: string; actor: string; clockOffsetMs: number; files: { name: string; bytes: Uint8Array }[] };
// The workstation's clock (a test clock in e2e) as an offset from this thread's.
const now = () => new Date(Date.now() + clockOffsetMs);
const db = openDatabase(dbFile);
try {
  const store = new CatalogStore(db, { audit: new AuditTrail(db, now), now });
  for (const [i, f] of files.entries()) {
    parentPort?.postMessage({ current: i });
    parentPort?.postMessage({ result: store.importBytes(f.name, f.bytes, { actor }), index: i });
  }
  parentPort?.postMessage({ done: true });
} catch (err) {
  parentPort?.postMessage({ error: (err as Error)?.message ?? String(err) });
} finally {
  db.close();
}
