import { RxError } from '../../shared/errors/error-codes';
import { CATALOG_CHUNK_BYTES, type catalogChannels, type CatalogImportJobView } from '../../shared/ipc/catalog-channels';
import { addCatalogChunk, beginCatalogImport, CatalogImportRefused, catalogImportJob, runCatalogImport, type CatalogImportJob } from '../catalog/import-jobs';
import type { ImportResult } from '../catalog/store';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';

/** The screen lists this many problems per file; the import record keeps them all (rxledger catalog imports). */
const PROBLEMS_SHOWN = 20;

const fileView = (r: ImportResult) => ({
  file: r.file,
  format: r.format,
  importId: r.import_id,
  products: r.products,
  packages: r.packages,
  skipped: r.skipped,
  added: r.added,
  updated: r.updated,
  unchanged: r.unchanged,
  error: r.error,
  problems: r.problems.slice(0, PROBLEMS_SHOWN).map((p) => ({ where: p.where, ndc: p.ndc, message: p.message, imported: p.imported })),
  problemCount: r.problems.length,
});

function jobView(job: CatalogImportJob): CatalogImportJobView {
  const uploading = job.state === 'uploading';
  return {
    jobId: job.jobId,
    state: job.state,
    done: uploading ? job.files.reduce((n, f) => n + f.received, 0) : job.imported,
    total: uploading ? job.files.reduce((n, f) => n + f.size, 0) : job.files.length,
    current: job.current,
    results: job.results.map(fileView),
    error: job.error,
  };
}

function jobOf(ws: Workstation, jobId: string, userId: string): CatalogImportJob {
  const job = catalogImportJob(ws, jobId, userId);
  if (!job) throw new RxError('NOT_FOUND', `No catalog import ${jobId} of yours is here (the workstation may have restarted). Choose the files again.`);
  return job;
}

/** "files: …" puts a refusal beside the file field; nothing of the choice was imported. */
function refused(err: unknown): never {
  if (err instanceof CatalogImportRefused) throw new RxError('BAD_INPUT', err.field ? `${err.field}: ${err.message}` : err.message);
  throw err;
}

export const catalogHandlers: { [C in keyof typeof catalogChannels]: Handler<C> } = {
  'catalog.importBegin': (input, { ws, session }) => ({ jobId: beginCatalogImport(ws, session!.user.user_id, input.files).jobId, chunkBytes: CATALOG_CHUNK_BYTES }),
  'catalog.importChunk': (input, { ws, session }) => {
    const job = jobOf(ws, input.jobId, session!.user.user_id);
    try {
      return { received: addCatalogChunk(job, input.file, input.offset, Buffer.from(input.data, 'base64')) };
    } catch (err) {
      refused(err);
    }
  },
  'catalog.importRun': (input, { ws, session }) => {
    const job = jobOf(ws, input.jobId, session!.user.user_id);
    try {
      runCatalogImport(ws, job);
    } catch (err) {
      refused(err);
    }
    return jobView(job);
  },
  'catalog.importStatus': (input, { ws, session }) => jobView(jobOf(ws, input.jobId, session!.user.user_id)),
};
