import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

export interface Line {
  /** 1-based line number in the file. */
  number: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The line's bytes without the newline, or null when it was longer than the limit. */
  bytes: Buffer | null;
  /** For an over-long line: its length and sha256, so it can be found again in the file. */
  length: number;
  sha256?: string;
}

/**
 * Reads a file a line at a time in bounded memory, however large the file (a 2 GB export) or
 * a single line (a file with no newlines). Lines over `maxLineBytes` are not held: they are
 * reported with their offset, length and hash so the caller can keep a reference to them.
 */
export async function* readLines(file: string, maxLineBytes = 1 << 20): AsyncGenerator<Line> {
  let number = 0;
  let lineStart = 0;
  let parts: Buffer[] = [];
  let partLen = 0;
  let overflow: ReturnType<typeof createHash> | null = null;
  let position = 0;
  const finish = (): Line => {
    number++;
    let line: Line;
    if (overflow) {
      line = { number, offset: lineStart, bytes: null, length: partLen, sha256: overflow.digest('hex') };
    } else {
      let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partLen);
      if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
      line = { number, offset: lineStart, bytes, length: bytes.length };
    }
    parts = [];
    partLen = 0;
    overflow = null;
    return line;
  };
  const add = (chunk: Buffer) => {
    partLen += chunk.length;
    if (overflow) overflow.update(chunk);
    else if (partLen > maxLineBytes) {
      overflow = createHash('sha256');
      for (const p of parts) overflow.update(p);
      overflow.update(chunk);
      parts = [];
    } else parts.push(chunk);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      add(chunk.subarray(start, nl));
      yield finish();
      start = nl + 1;
      lineStart = position + start;
    }
    if (start < chunk.length) add(chunk.subarray(start));
    position += chunk.length;
  }
  if (partLen > 0 || overflow) yield finish();
}
