import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DB_FILE } from '../db/files';
import type { Workstation } from '../workstation';
import { CatalogStore, type ImportResult } from './store';

/**
 * Imports files (already in import order) with CatalogStore.importBytes in a worker thread,
 * telling `onFile` as each one starts and ends. Inside the test runner, where workers cannot
 * load TypeScript, it runs in-line: the same function, one file per turn of the event loop.
 */
export async function importCatalogInWorker(
  ws: Workstation,
  files: { name: string; bytes: Buffer }[],
  actor: string,
  onFile: (e: { index: number; result?: ImportResult }) => void,
): Promise<void> {
  if (process.env.VITEST) {
    const store = new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() });
    for (const [index, f] of files.entries()) {
      onFile({ index });
      await new Promise((r) => setImmediate(r));
      onFile({ index, result: store.importBytes(f.name, f.bytes, { actor }) });
    }
    return;
  }
  const fromSource = /\.ts($|\?)/.test(import.meta.url);
  // The desktop build bundles this file into out/main/index.js and the worker beside it as
  // catalog-import-worker.js (electron.vite.config.ts entry 'catalog-import-worker').
  const workerUrl = new URL(fromSource ? './import-worker-boot.mjs' : './catalog-import-worker.js', import.meta.url);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const w = new Worker(workerUrl, {
      workerData: { dbFile: join(ws.dataDir, DB_FILE), actor, clockOffsetMs: ws.clock.now().getTime() - Date.now(), files: files.map((f) => ({ name: f.name, bytes: f.bytes })) },
    });
    w.on('message', (m: { current?: number; result?: ImportResult; index?: number; done?: true; error?: string }) => {
      if (m.current !== undefined) onFile({ index: m.current });
      if (m.result && m.index !== undefined) onFile({ index: m.index, result: m.result });
      if (m.done) {
        settled = true;
        resolve();
      }
      if (m.error) {
        settled = true;
        reject(new Error(m.error));
      }
    });
    w.on('error', (err) => {
      settled = true;
      reject(err);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`the catalog import worker stopped (exit code ${code}) before it finished`));
    });
  });
}
