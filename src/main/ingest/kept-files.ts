import { randomUUID, createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sha256Hex } from '../ledger/hash';

/** Raw input above this is not copied into the quarantine row but kept as a file (keepRaw). */
export const MAX_INLINE_RAW = 16 << 20;

/** The folder of a workstation's data directory where large quarantined input is kept. */
export const QUARANTINE_FILES_DIR = 'quarantine-files';

export function readSlice(file: string, start: number, end: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes a quarantine item (or an audit row) keeps. Up to `inlineLimit` (MAX_INLINE_RAW)
 * they go into the row; above it they are copied, streamed and fsynced, into `keepDir` as `<sha256>.raw` (the same bytes twice are kept once)
 * and the item names that file — the sender's file may be moved or deleted, the kept copy is
 * not. Without a keepDir (tests of the reader alone) the item names the slice of the source file.
 */
export async function keepRaw(
  file: string,
  start: number,
  end: number,
  knownSha: string | null,
  keepDir: string | undefined,
  inlineLimit = MAX_INLINE_RAW,
): Promise<{ raw: Buffer | null; sha256: string; ref: string }> {
  const length = end - start;
  if (length <= inlineLimit) {
    const raw = readSlice(file, start, end);
    return { raw, sha256: knownSha ?? sha256Hex(raw), ref: '' };
  }
  if (!keepDir) {
    return { raw: null, sha256: knownSha ?? (await hashSlice(file, start, end)), ref: `${file}#offset=${start}&length=${length}` };
  }
  mkdirSync(keepDir, { recursive: true, mode: 0o700 });
  const tmp = join(keepDir, `.incoming-${randomUUID()}`);
  const hash = createHash('sha256');
  try {
    const range = createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 });
    range.on('data', (chunk) => hash.update(chunk));
    await pipeline(range, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    // On disk before the quarantine row that names it is committed (that commit is fsynced too).
    fsyncPath(tmp, 'r');
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const sha256 = hash.digest('hex');
  const name = `${sha256}.raw`;
  if (existsSync(join(keepDir, name))) unlinkSync(tmp);
  else {
    renameSync(tmp, join(keepDir, name));
    try {
      fsyncPath(keepDir, 'r'); // the rename itself; Windows cannot open a folder to sync it
    } catch {
      /* best effort */
    }
  }
  return { raw: null, sha256, ref: `kept:${name}` };
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function hashSlice(file: string, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
