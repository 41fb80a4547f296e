import { z } from 'zod';

/**
 * Bytes per upload piece. Both transports carry JSON and browser mode takes bodies up to 1 MiB,
 * so a piece is sent as base64 (4/3 larger) well under that; the FDA's product.txt is tens of
 * megabytes, too large for one call.
 */
export const CATALOG_CHUNK_BYTES = 512 * 1024;
/** The FDA's whole NDC Directory files are well under this; anything larger is not one of them. */
export const CATALOG_MAX_FILE_BYTES = 200 * 1024 * 1024;

const JobId = z.string().min(1).max(64);

export const CatalogImportFileView = z.object({
  file: z.string(),
  /** fda-product, fda-package, openfda-json, openfda-csv; null when the file was refused. */
  format: z.string().nullable(),
  importId: z.number().int().nullable(),
  products: z.number().int(),
  packages: z.number().int(),
  skipped: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** Why the whole file was refused (nothing of it imported); null when it was imported. */
  error: z.string().nullable(),
  /** The first problems (rows skipped or imported with a field left empty); problemCount says how many in all. */
  problems: z.array(z.object({ where: z.string(), ndc: z.string().nullable(), message: z.string(), imported: z.boolean() })),
  problemCount: z.number().int(),
});
export type CatalogImportFileView = z.infer<typeof CatalogImportFileView>;

export const CatalogImportJobView = z.object({
  jobId: z.string(),
  state: z.enum(['uploading', 'importing', 'done', 'refused']),
  /** Bytes received of all files while uploading; files imported while importing. */
  done: z.number().int(),
  total: z.number().int(),
  /** The file being imported now. */
  current: z.string().nullable(),
  results: z.array(CatalogImportFileView),
  /** Why nothing was imported (a file of the wrong kind), naming the file. */
  error: z.string().nullable(),
});
export type CatalogImportJobView = z.infer<typeof CatalogImportJobView>;

/**
 * Catalog import from the Settings screen (what `rxledger catalog import` does): the files are
 * sent in pieces, then imported while the screen polls the job.
 */
export const catalogChannels = {
  'catalog.importBegin': {
    permission: 'facility.manage',
    input: z
      .object({
        files: z
          .array(z.object({ name: z.string().trim().min(1).max(300), size: z.number().int().min(1, 'the file is empty').max(CATALOG_MAX_FILE_BYTES, 'the file is larger than any FDA NDC Directory file') }).strict())
          .min(1, 'choose product.txt and package.txt (or an openFDA file)')
          .max(10),
      })
      .strict(),
    output: z.object({ jobId: z.string(), chunkBytes: z.number().int() }),
  },
  'catalog.importChunk': {
    permission: 'facility.manage',
    input: z
      .object({
        jobId: JobId,
        file: z.number().int().min(0).max(9),
        offset: z.number().int().min(0),
        data: z.string().min(1).max(Math.ceil(CATALOG_CHUNK_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
    output: z.object({ received: z.number().int() }),
  },
  /** Every file received: check each is a catalog file, then import them (product files first). */
  'catalog.importRun': { permission: 'facility.manage', input: z.object({ jobId: JobId }).strict(), output: CatalogImportJobView },
  'catalog.importStatus': { permission: 'facility.manage', input: z.object({ jobId: JobId }).strict(), output: CatalogImportJobView },
} as const;
