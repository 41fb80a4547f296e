import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { IngestGate } from './gate';
import { keepRaw } from './kept-files';
import type { FileResult } from './ndjson-file';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from './retry';

const HEAD_BYTES = 64 << 10;

/**
 * The least text that decides: a first line shorter than this is judged with the lines after it.
 * Random bytes begin with a short clean "line" (a newline among their first bytes) often enough
 * to be taken for text now and then; two short clean lines in a row they almost never are.
 */
const DECIDING_BYTES = 64;

/**
 * True when the file's first non-empty line (at most its first 64 KB; with the lines after it
 * while it is shorter than 64 bytes) holds a NUL byte or is not UTF-8: neither X12 nor NDJSON,
 * both of which start with a line of text. Read line by line such a file would become thousands
 * of meaningless quarantine items. Only the beginning decides: a text file damaged further on is
 * still read line by line, its bad lines quarantined.
 */
export function fileLooksBinary(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    // The first non-empty line: blank lines before it decide nothing.
    let from = 0;
    while (from < n && (buf[from] === 10 || buf[from] === 13)) from++;
    let end = from;
    do {
      const nl = buf.subarray(end, n).indexOf(10);
      end = nl >= 0 ? end + nl + 1 : n;
    } while (end - from < DECIDING_BYTES && end < n);
    const head = buf.subarray(from, end);
    if (head.includes(0)) return true;
    // A multi-byte character may be cut at the end of the head: leave up to 3 bytes out.
    for (let cut = 0; cut <= Math.min(3, head.length); cut++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
        return false;
      } catch {
        /* try a shorter head */
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Quarantines a binary file whole, as one item (NOT_TEXT), kept as a file when large. Nothing is committed. */
export async function ingestBinaryFile(file: string, deps: { gate: IngestGate; keepDir?: string; retry?: RetryPolicy }): Promise<FileResult> {
  const size = statSync(file).size;
  const kept = await keepRaw(file, 0, size, null, deps.keepDir);
  const issue = `${basename(file)} is binary (a NUL byte or bytes that are not UTF-8 in its first line): it is neither an X12 file nor NDJSON; kept whole, ${size} bytes`;
  const out = await withRetry(
    () =>
      deps.gate.db
        .transaction(() =>
          deps.gate.processInTransaction({
            source: `file:${basename(file)}`,
            raw: kept.raw ?? Buffer.alloc(0),
            rawSha256: kept.sha256,
            correlationId: randomUUID(),
            context: { file, bytes: size },
            candidate: { ok: false, reasons: ['NOT_TEXT'], issues: [issue] },
            ...(kept.raw ? {} : { quarantineCopy: { raw: null, rawRef: kept.ref } }),
          }),
        )
        .immediate(),
    isTransientSqliteError,
    deps.retry ?? DEFAULT_RETRY,
  );
  const quarantineId = out.status === 'quarantined' ? out.quarantineId : 0;
  return { file, format: 'binary', accepted: 0, duplicates: 0, rejected: 1, problems: [{ line: 1, reasons: ['NOT_TEXT'], message: issue, quarantine_id: quarantineId }] };
}
