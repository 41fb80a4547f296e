import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DB_FILE } from '../db/files';
import type { Workstation } from '../workstation';
import type { VerifyReport } from './verify';

/**
 * Full verification in a worker thread. Where workers cannot load TypeScript (inside the
 * test runner) it runs in-line instead: same function, same result, only the thread differs.
 */
export async function runVerifyInWorker(ws: Workstation, onProgress?: (n: number) => void): Promise<VerifyReport> {
  const fromSource = /\.ts($|\?)/.test(import.meta.url);
  const workerUrl = new URL(fromSource ? './verify-worker-boot.mjs' : './verify-worker.js', import.meta.url);
  if (process.env.VITEST) return ws.verify(onProgress);
  try {
    return await new Promise<VerifyReport>((resolve, reject) => {
      const w = new Worker(workerUrl, { workerData: { dbFile: join(ws.dataDir, DB_FILE), deviceId: ws.deviceId, publicKeyB64: ws.deviceKey.publicKeyB64 } });
      w.on('message', (m: { progress?: number; report?: VerifyReport }) => {
        if (m.progress !== undefined) onProgress?.(m.progress);
        if (m.report) resolve(m.report);
      });
      w.on('error', reject);
      w.on('exit', (code) => code !== 0 && reject(new Error(`verification worker exited with ${code}`)));
    });
  } catch (err) {
    console.warn('[rxledger] verification worker unavailable, verifying in-line:', (err as Error).message);
    return ws.verify(onProgress);
  }
}
