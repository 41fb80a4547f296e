import { describe, expect, it } from 'vitest';
import type { Invoke } from '../api/client';
import { bytesToBase64, describeFileResult, importCatalogFiles, type CatalogJob, type PickedFile } from './catalog-upload';

const picked = (name: string, bytes: Uint8Array): PickedFile => ({
  name,
  size: bytes.length,
  // A copy of its own: a small Buffer is a view into a shared pool, and .buffer would be all of it.
  slice: (a, b) => ({ arrayBuffer: async () => new Uint8Array(bytes.subarray(a, b)).buffer }),
});

describe('catalog upload from the Settings screen', () => {
  it('base64 of more bytes than one String.fromCharCode call takes', () => {
    const bytes = new Uint8Array(100_000).map((_x, i) => (i * 7) % 256);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('sends each file in order in pieces of the size the workstation names, then runs and follows the job', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    const got: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
    let polls = 0;
    const done: CatalogJob = { jobId: 'C-1', state: 'done', done: 2, total: 2, current: null, results: [], error: null };
    const fake = (async (channel: string, input: Record<string, unknown>) => {
      calls.push([channel, input]);
      if (channel === 'catalog.importBegin') return { jobId: 'C-1', chunkBytes: 4 };
      if (channel === 'catalog.importChunk') {
        const i = input.file as number;
        expect(input.offset).toBe(got[i]!.length);
        got[i] = Buffer.concat([got[i]!, Buffer.from(input.data as string, 'base64')]);
        return { received: got[i]!.length };
      }
      if (channel === 'catalog.importRun') return { ...done, state: 'importing', done: 0 };
      return ++polls < 2 ? { ...done, state: 'importing', done: 1 } : done;
    }) as unknown as Invoke;
    const seen: string[] = [];
    const job = await importCatalogFiles(fake, [picked('product.txt', Buffer.from('PRODUCTID\tx')), picked('package.txt', Buffer.from('abc'))], (j) => seen.push(`${j.state} ${j.done}/${j.total}`), 1);
    expect(job.state).toBe('done');
    expect(got.map((b) => b.toString())).toEqual(['PRODUCTID\tx', 'abc']);
    expect(calls[0]).toEqual(['catalog.importBegin', { files: [{ name: 'product.txt', size: 11 }, { name: 'package.txt', size: 3 }] }]);
    expect(seen).toEqual(['uploading 4/14', 'uploading 8/14', 'uploading 11/14', 'uploading 14/14', 'importing 0/2', 'importing 1/2', 'done 2/2']);
  });

  it('says a refused file the way the CLI does', () => {
    const base = { file: 'x.json', format: null, importId: null, products: 0, packages: 0, skipped: 0, added: 0, updated: 0, unchanged: 0, problems: [], problemCount: 1 };
    expect(describeFileResult({ ...base, error: 'the file is a ZIP archive' })).toBe('x.json: refused: the file is a ZIP archive. Nothing of it was imported.');
    expect(describeFileResult({ ...base, format: 'openfda-csv', importId: 3, packages: 7, added: 7, error: null })).toBe('x.json (openFDA CSV): 0 products, 7 packages, 0 skipped; 7 added, 0 updated, 0 unchanged (import #3)');
  });
});
