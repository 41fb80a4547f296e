import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReportRequest } from '../../shared/reports/types';
import { DB_FILE } from '../db/files';
import type { Workstation } from '../workstation';
import { ReportInputError, type Progress, type ReportContext } from './compute';
import { ReportTooLargeError } from '../../reports-pdf/pdf';
import { renderReport, type RenderedReport } from './render';

/**
 * Computes a report in a worker thread on its own read-only connection, so the UI and the POS
 * API stay responsive while a million entries are read. Inside the test runner (where a worker
 * cannot load TypeScript) it runs in-line: same function, same bytes, only the thread differs.
 */
export async function runReportInWorker(ws: Workstation, ctx: ReportContext, request: ReportRequest, onProgress?: (p: Progress) => void): Promise<RenderedReport> {
  if (process.env.VITEST || process.env.RXLEDGER_REPORTS_INLINE) return renderReport(ws.db, ctx, request, onProgress);
  const fromSource = /\.ts($|\?)/.test(import.meta.url);
  // The desktop build bundles this file into out/main/index.js and the worker beside it as
  // reports-worker.js (electron.vite.config.ts entry 'reports-worker').
  const workerUrl = new URL(fromSource ? './worker-boot.mjs' : './reports-worker.js', import.meta.url);
  return new Promise<RenderedReport>((resolve, reject) => {
    let settled = false;
    const w = new Worker(workerUrl, { workerData: { dbFile: join(ws.dataDir, DB_FILE), ctx, request } });
    w.on('message', (m: { progress?: Progress; result?: Omit<RenderedReport, 'bytes'> & { bytes: Uint8Array }; error?: { name: string; message: string } }) => {
      if (m.progress) onProgress?.(m.progress);
      if (m.result) {
        settled = true;
        resolve({ ...m.result, bytes: Buffer.from(m.result.bytes.buffer, m.result.bytes.byteOffset, m.result.bytes.byteLength) });
      }
      if (m.error) {
        settled = true;
        const E = m.error.name === 'ReportInputError' ? ReportInputError : m.error.name === 'ReportTooLargeError' ? ReportTooLargeError : Error;
        reject(new E(m.error.message));
      }
    });
    w.on('error', (err) => {
      settled = true;
      reject(err);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`the report worker stopped (exit code ${code}) before it finished`));
    });
  });
}
