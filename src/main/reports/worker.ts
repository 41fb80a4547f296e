import { parentPort, workerData } from 'node:worker_threads';
import type { ReportRequest } from '../../shared/reports/types';
import { openDatabase } from '../db/open';
import type { ReportContext } from './compute';
import { renderReport } from './render';

/** Computes and renders one report off the caller's event loop, on its own read-only connection. */
const { dbFile, ctx, request } = workerData as { dbFile: string; ctx: ReportContext; request: ReportRequest };
const db = openDatabase(dbFile, { readonly: true });
// Reads go through the OS page cache without a copy per page: a full scan of a million entries
// is several times faster mapped. Read-only connection, so nothing can be written through it.
db.pragma('mmap_size = 4294967296');
try {
  const r = await renderReport(db, ctx, request, (p) => parentPort?.postMessage({ progress: p }));
  const bytes = new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
  parentPort?.postMessage({ result: { ...r, bytes } });
} catch (err) {
  parentPort?.postMessage({ error: { name: (err as Error).constructor?.name ?? 'Error', message: (err as Error).message ?? String(err) } });
} finally {
  db.close();
}
