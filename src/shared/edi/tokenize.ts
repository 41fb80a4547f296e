import { detectDelimiters, skipPreamble, type Delimiters } from './isa';

/**
 * One X12 segment. `raw` and the byte range cover everything from the end of the previous
 * segment to the end of this one (leading blanks or BOM, the terminator, a trailing newline),
 * so the segments of a file, followed by any unparsed tail, tile the input byte for byte.
 */
export interface Segment {
  /** Segment id with surrounding blanks removed ('' for an empty segment). */
  id: string;
  /** elements[0] is the id, elements[n] is the n-th element: `seg.elements[2]` is ST02. */
  elements: string[];
  /** 0-based index of this segment in the file. */
  index: number;
  byteOffset: number;
  byteLength: number;
  raw: string;
  /** false for the last segment of a truncated file or an over-long run of bytes. */
  terminated: boolean;
}

export interface ReadIssue {
  /** TA1 interchange note code (I18) describing why reading stopped or went wrong. */
  ta1: string;
  message: string;
  byteOffset: number;
}

export interface TokenizerOptions {
  /**
   * A run of bytes without a terminator longer than this is cut and reported, so a file with
   * a wrong terminator (or no X12 at all after a valid ISA) cannot make the reader buffer it
   * whole. X12 segments are short; the default leaves room for BIN segments.
   */
  maxSegmentBytes?: number;
}

export const DEFAULT_MAX_SEGMENT_BYTES = 1 << 20;

const CR = 13;
const LF = 10;

const encoder = new TextEncoder();

export function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Incremental tokenizer: push byte chunks, get whole segments back. Memory is the unfinished
 * tail of the last chunk (bounded by maxSegmentBytes), never the file. Never throws on content.
 */
export class SegmentTokenizer {
  private pending: Uint8Array = new Uint8Array(0);
  /** File offset of pending[0]. */
  private pendingOffset = 0;
  private nextIndex = 0;
  // ignoreBOM keeps a BOM as U+FEFF, so decoded text and bytes stay aligned and nothing is lost.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly maxSegmentBytes: number;
  private detected = false;
  private failed = false;
  private last: Segment | null = null;

  delimiters: Delimiters | null = null;
  mode: 'isa' | 'bare' | null = null;
  readonly issues: ReadIssue[] = [];
  /** Bytes that could not be tokenized (input that is not X12): offset and length in the file. */
  unparsed: { byteOffset: number; byteLength: number; text: string } | null = null;
  /** Total bytes pushed. */
  bytesSeen = 0;
  /** What follows the first segment terminator ('', '\n' or '\r\n'), reused when writing an ack. */
  lineEnding: string | null = null;

  constructor(options: TokenizerOptions = {}) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  }

  push(chunk: Uint8Array | string): Segment[] {
    const bytes = toBytes(chunk);
    this.bytesSeen += bytes.length;
    if (this.failed) {
      this.absorbUnparsed(bytes);
      return [];
    }
    this.pending = this.pending.length === 0 ? bytes : concat(this.pending, bytes);
    return this.drain(false);
  }

  end(): Segment[] {
    if (this.failed) return [];
    return this.drain(true);
  }

  private fail(ta1: string, message: string): void {
    this.failed = true;
    this.issues.push({ ta1, message, byteOffset: this.pendingOffset });
    this.unparsed = { byteOffset: this.pendingOffset, byteLength: 0, text: '' };
    this.absorbUnparsed(this.pending);
    this.pending = new Uint8Array(0);
  }

  private absorbUnparsed(bytes: Uint8Array): void {
    if (!this.unparsed) return;
    this.unparsed.byteLength += bytes.length;
    // Only a preview is decoded: the caller holds the bytes and slices them by offset.
    if (this.unparsed.text.length < 4096) this.unparsed.text += this.decoder.decode(bytes.subarray(0, 4096));
  }

  private drain(final: boolean): Segment[] {
    if (!this.detected) {
      const start = skipPreamble(this.pending);
      if (start >= this.pending.length && !final) return [];
      const r = detectDelimiters(this.pending, start, final);
      if (r === null) return [];
      if (!r.ok) {
        this.fail(r.ta1, r.message);
        return [];
      }
      this.detected = true;
      this.delimiters = r.delimiters;
      this.mode = r.mode;
      if (!r.fixedWidth && r.message) this.issues.push({ ta1: '022', message: r.message, byteOffset: start });
    }
    return this.split(final);
  }

  private split(final: boolean): Segment[] {
    const d = this.delimiters!;
    const term = d.segment.charCodeAt(0);
    const buf = this.pending;
    const out: Segment[] = [];
    // A BOM at the start of the file would push every later segment onto the slow path.
    const bom = this.pendingOffset === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const text = this.decoder.decode(bom ? buf.subarray(bom) : buf);
    // Pure ASCII (the common case) lets string offsets stand for byte offsets, so the chunk is
    // split as one string; otherwise each segment is decoded from its own bytes.
    const ascii = !NON_ASCII.test(text);
    const slice = (a: number, b: number): string =>
      ascii ? (a < bom ? '\ufeff' : '') + text.slice(Math.max(a - bom, 0), b - bom) : this.decoder.decode(buf.subarray(a, b));
    let pos = 0;
    for (;;) {
      let t = buf.indexOf(term, pos);
      let terminated = true;
      if (t < 0) {
        const rest = buf.length - pos;
        if (rest === 0) break;
        if (!final && rest <= this.maxSegmentBytes) break;
        if (final && isBlank(buf, pos, buf.length) && this.last) {
          this.extendLast(buf.subarray(pos), slice(pos, buf.length));
          pos = buf.length;
          break;
        }
        t = final ? buf.length : pos + this.maxSegmentBytes;
        terminated = false;
        if (!final)
          this.issues.push({
            ta1: '004',
            message: `no segment terminator within ${this.maxSegmentBytes} bytes`,
            byteOffset: this.pendingOffset + pos,
          });
      }
      let end = terminated ? t + 1 : t;
      while (end < buf.length && (buf[end] === CR || buf[end] === LF)) end++;
      if (terminated && end === buf.length && !final) break;
      if (terminated && this.lineEnding === null) this.lineEnding = end - t - 1 >= 2 ? '\r\n' : end - t - 1 === 1 ? (buf[t + 1] === LF ? '\n' : '\r') : '';
      const raw = slice(pos, end);
      const content = slice(pos, t);
      const seg = makeSegment(content, d, this.nextIndex++, this.pendingOffset + pos, end - pos, raw, terminated);
      out.push(seg);
      this.last = seg;
      pos = end;
    }
    this.pending = pos === 0 ? buf : buf.subarray(pos);
    this.pendingOffset += pos;
    if (final) this.pending = new Uint8Array(0);
    return out;
  }

  private extendLast(bytes: Uint8Array, raw: string): void {
    const last = this.last!;
    last.raw += raw;
    last.byteLength += bytes.length;
  }
}

function isBlank(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== CR && c !== LF) return false;
  }
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function makeSegment(
  content: string,
  d: Delimiters,
  index: number,
  byteOffset: number,
  byteLength: number,
  raw: string,
  terminated: boolean,
): Segment {
  let body = content;
  // A newline used as the terminator leaves the CR of a CRLF file at the end of the content.
  if (body.endsWith('\r')) body = body.slice(0, -1);
  const elements = body.split(d.element);
  elements[0] = elements[0]!.trim();
  return { id: elements[0], elements, index, byteOffset, byteLength, raw, terminated };
}

export interface TokenizeResult {
  delimiters: Delimiters | null;
  mode: 'isa' | 'bare' | null;
  segments: Segment[];
  issues: ReadIssue[];
  unparsed: { byteOffset: number; byteLength: number; text: string } | null;
  byteLength: number;
}

/** Whole-input tokenizing; for large files use SegmentTokenizer or readSegments. */
export function tokenize(input: string | Uint8Array, options?: TokenizerOptions): TokenizeResult {
  const t = new SegmentTokenizer(options);
  const bytes = toBytes(input);
  const segments = t.push(bytes);
  for (const s of t.end()) segments.push(s);
  return { delimiters: t.delimiters, mode: t.mode, segments, issues: t.issues, unparsed: t.unparsed, byteLength: bytes.length };
}

/** Streams segments out of a chunk source (a file read stream, a fetch body). */
export async function* readSegments(
  chunks: AsyncIterable<Uint8Array | string>,
  options?: TokenizerOptions,
): AsyncGenerator<Segment, TokenizeResult, undefined> {
  const t = new SegmentTokenizer(options);
  for await (const chunk of chunks) for (const s of t.push(chunk)) yield s;
  for (const s of t.end()) yield s;
  return { delimiters: t.delimiters, mode: t.mode, segments: [], issues: t.issues, unparsed: t.unparsed, byteLength: t.bytesSeen };
}
