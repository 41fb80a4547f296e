import { randomBytes } from 'node:crypto';
import { detectCatalogFormat } from '../../shared/catalog/detect';
import type { CatalogFormat } from '../../shared/catalog/types';
import { reprojectLegacyNdcs } from '../ledger/stock';
import type { Workstation } from '../workstation';
import { importCatalogInWorker } from './import-worker-client';
import { CatalogStore, type ImportResult } from './store';

/**
 * A catalog import started from the Settings screen: files arrive in pieces over the IPC
 * transport (browser mode takes 1 MiB a request), then are imported by the same
 * CatalogStore.importBytes as `rxledger catalog import` (one transaction a file, an import
 * record, CATALOG_IMPORTED or CATALOG_IMPORT_REFUSED in the audit trail, for the signed-in user),
 * in a worker thread.
 */
export interface CatalogImportJob {
  jobId: string;
  owner: string;
  state: 'uploading' | 'importing' | 'done' | 'refused';
  files: { name: string; size: number; parts: Buffer[]; received: number }[];
  /** Files imported so far (while importing). */
  imported: number;
  current: string | null;
  results: ImportResult[];
  error: string | null;
}

export class CatalogImportRefused extends Error {
  constructor(
    readonly field: 'files' | null,
    message: string,
  ) {
    super(message);
  }
}

const KEEP = 4;
// Kept beside the workstation rather than on it: a job lives only as long as the screen polls it.
const jobsByWorkstation = new WeakMap<Workstation, Map<string, CatalogImportJob>>();

function jobsOf(ws: Workstation): Map<string, CatalogImportJob> {
  let jobs = jobsByWorkstation.get(ws);
  if (!jobs) jobsByWorkstation.set(ws, (jobs = new Map()));
  return jobs;
}

/** Product files go first, so a package.txt finds the products it names (as importFiles orders them). */
const RANK: Record<CatalogFormat, number> = { 'fda-product': 0, 'openfda-json': 0, 'openfda-csv': 0, 'fda-package': 1 };

export function beginCatalogImport(ws: Workstation, owner: string, files: { name: string; size: number }[]): CatalogImportJob {
  const jobs = jobsOf(ws);
  const job: CatalogImportJob = {
    jobId: `C-${randomBytes(8).toString('hex')}`,
    owner,
    state: 'uploading',
    files: files.map((f) => ({ name: f.name, size: f.size, parts: [], received: 0 })),
    imported: 0,
    current: null,
    results: [],
    error: null,
  };
  jobs.set(job.jobId, job);
  // The oldest jobs not importing go, with the bytes they hold.
  for (const old of jobs.values()) {
    if (jobs.size <= KEEP) break;
    if (old.jobId !== job.jobId && old.state !== 'importing') jobs.delete(old.jobId);
  }
  return job;
}

export function catalogImportJob(ws: Workstation, jobId: string, owner: string): CatalogImportJob | null {
  const job = jobsOf(ws).get(jobId);
  return job && job.owner === owner ? job : null;
}

/** One piece of one file, in order: a piece out of order or past the declared size is refused. */
export function addCatalogChunk(job: CatalogImportJob, file: number, offset: number, bytes: Buffer): number {
  if (job.state !== 'uploading') throw new CatalogImportRefused(null, 'this import has already started; choose the files again');
  const f = job.files[file];
  if (!f) throw new CatalogImportRefused(null, `there is no file ${file} in this import`);
  if (offset !== f.received) throw new CatalogImportRefused(null, `${f.name}: piece at ${offset} arrived, ${f.received} expected`);
  if (f.received + bytes.length > f.size) throw new CatalogImportRefused('files', `${f.name}: more bytes than its size (${f.size})`);
  f.parts.push(bytes);
  f.received += bytes.length;
  return f.received;
}

/** The kind of a received file from its header, as the import will read it; null when it is none RxLedger knows. */
function formatOf(bytes: Buffer): CatalogFormat | null {
  // As CatalogStore's sniff reads a path: latin1 cannot fail on a piece cut mid-character.
  return detectCatalogFormat(bytes.subarray(0, 65536).toString('latin1'));
}

/**
 * Imports every received file. A file that is not a catalog file of a kind RxLedger reads
 * refuses the whole choice before anything is imported (the person picked the wrong file; the
 * others are likely not what they meant either), audited as the CLI audits a refused file.
 */
export function runCatalogImport(ws: Workstation, job: CatalogImportJob): void {
  if (job.state !== 'uploading') throw new CatalogImportRefused(null, 'this import has already run');
  const short = job.files.find((f) => f.received !== f.size);
  if (short) throw new CatalogImportRefused('files', `${short.name}: ${short.received} of ${short.size} bytes arrived; choose the files again`);
  const store = new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() });
  const files = job.files.map((f, i) => ({ name: f.name, bytes: Buffer.concat(f.parts), i }));
  for (const f of job.files) f.parts = [];
  const kinds = files.map((f) => formatOf(f.bytes));
  const wrong = files.filter((_f, i) => kinds[i] === null);
  if (wrong.length) {
    // importBytes refuses it with the parser's own words and records the refusal; nothing is imported.
    const refusals = wrong.map((f) => store.importBytes(f.name, f.bytes, { actor: job.owner }));
    job.results = refusals;
    job.error = `${refusals.map((r) => `the file "${r.file}" is not a drug catalog file: ${(r.error ?? 'its kind is unknown').replace(/\.?$/, '.')}`).join(' ')} Nothing was imported.`;
    job.state = 'refused';
    throw new CatalogImportRefused('files', job.error);
  }
  job.state = 'importing';
  const order = files.map((f, i) => ({ ...f, rank: RANK[kinds[i]!] })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  const results = new Array<ImportResult>(files.length);
  // In a worker thread: the POS API and the screens of this process keep answering meanwhile.
  importCatalogInWorker(ws, order, job.owner, ({ index, result }) => {
    const f = order[index]!;
    job.current = f.name;
    if (!result) return;
    results[f.i] = result;
    job.imported++;
    job.results = results.filter(Boolean);
  }).then(
    () => {
      // Version 0.1 receipts recorded in containers read in units once their package size is known (as the CLI does).
      reprojectLegacyNdcs(ws.db);
      job.results = results;
      job.current = null;
      job.state = 'done';
    },
    (err: unknown) => {
      job.state = 'refused';
      job.current = null;
      job.error = `The import stopped: ${(err as Error)?.message ?? String(err)}. Files listed as imported were committed; the rest were not.`;
    },
  );
}
