import type { ChannelOutput } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';

export type CatalogJob = ChannelOutput<'catalog.importStatus'>;

/** Bytes to base64 without building one huge string of char codes (btoa takes a binary string). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A file as the panel needs it: a name, a size and its bytes piece by piece (a File in the browser). */
export interface PickedFile {
  name: string;
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Sends the chosen files to the workstation in pieces (browser mode takes 1 MiB a request; the
 * FDA's files are tens of megabytes), then starts the import and follows it until it ends.
 * `onProgress` sees the upload, then the files imported. A refusal rejects with the
 * workstation's error ("files: …" names the file field).
 */
export async function importCatalogFiles(invoke: Invoke, files: readonly PickedFile[], onProgress: (job: CatalogJob) => void, pollMs = 250): Promise<CatalogJob> {
  const { jobId, chunkBytes } = await invoke('catalog.importBegin', { files: files.map((f) => ({ name: f.name, size: f.size })) });
  const total = files.reduce((n, f) => n + f.size, 0);
  let sent = 0;
  for (const [i, f] of files.entries()) {
    for (let offset = 0; offset < f.size; offset += chunkBytes) {
      const piece = new Uint8Array(await f.slice(offset, Math.min(f.size, offset + chunkBytes)).arrayBuffer());
      await invoke('catalog.importChunk', { jobId, file: i, offset, data: bytesToBase64(piece) });
      sent += piece.length;
      onProgress({ jobId, state: 'uploading', done: sent, total, current: f.name, results: [], error: null });
    }
  }
  let job = await invoke('catalog.importRun', { jobId });
  onProgress(job);
  while (job.state === 'importing' || job.state === 'uploading') {
    await new Promise((r) => setTimeout(r, pollMs));
    job = await invoke('catalog.importStatus', { jobId });
    onProgress(job);
  }
  return job;
}

const FORMAT_NAMES: Record<string, string> = { 'fda-product': 'FDA product.txt', 'fda-package': 'FDA package.txt', 'openfda-json': 'openFDA JSON', 'openfda-csv': 'openFDA CSV' };

/** One line per file, as `rxledger catalog import` prints it. */
export function describeFileResult(r: CatalogJob['results'][number]): string {
  if (r.error) return `${r.file}: refused: ${r.error}. Nothing of it was imported.`;
  return (
    `${r.file} (${FORMAT_NAMES[r.format ?? ''] ?? r.format}): ${r.products} products, ${r.packages} packages, ${r.skipped} skipped; ` +
    `${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged (import #${r.importId})`
  );
}
