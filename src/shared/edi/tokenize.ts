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
  readonly raw: string;
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
    const termChar = d.segment;
    let pos = 0;
    for (;;) {
      // The terminator is found in the decoded text when it is ASCII (string search is faster
      // than Uint8Array.indexOf), in the bytes otherwise.
      let t: number;
      if (ascii) {
        const k = text.indexOf(termChar, pos > bom ? pos - bom : 0);
        t = k < 0 ? -1 : k + bom;
      } else t = buf.indexOf(term, pos);
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
      // ASCII (the common case): split the elements straight out of the chunk's text, without
      // first copying the segment's content into a string of its own; its raw text is cut from
      // the chunk only when asked for.
      const seg =
        ascii && pos >= bom
          ? segmentFromRange(text, pos - bom, t - bom, end - bom, d, this.nextIndex++, this.pendingOffset + pos, end - pos, terminated)
          : makeSegment(slice(pos, t), d, this.nextIndex++, this.pendingOffset + pos, end - pos, slice(pos, end), terminated);
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
    if (last instanceof TextSegment) last.append(raw);
    else (last as { raw: string }).raw += raw;
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

/**
 * text[from, to) split at the element separator. A loop of indexOf and slice: about twice as fast
 * as String.prototype.split on segments this short, and it needs no copy of the segment first.
 */
function splitRange(text: string, from: number, to: number, separator: string): string[] {
  let n = 0;
  let start = from;
  for (;;) {
    const j = text.indexOf(separator, start);
    if (j < 0 || j >= to) {
      SCRATCH[n++] = text.slice(start, to);
      break;
    }
    SCRATCH[n++] = text.slice(start, j);
    start = j + 1;
  }
  return SCRATCH.slice(0, n);
}

/** A segment of an ASCII chunk: its raw text is the chunk's text from `from` to `stop`, cut when read. */
class TextSegment implements Segment {
  readonly #text: string;
  readonly #from: number;
  readonly #stop: number;
  #tail = '';

  constructor(
    readonly id: string,
    readonly elements: string[],
    readonly index: number,
    readonly byteOffset: number,
    public byteLength: number,
    readonly terminated: boolean,
    text: string,
    from: number,
    stop: number,
  ) {
    this.#text = text;
    this.#from = from;
    this.#stop = stop;
  }

  get raw(): string {
    return this.#text.slice(this.#from, this.#stop) + this.#tail;
  }

  /** Blanks after the last segment of the input belong to it. */
  append(raw: string): void {
    this.#tail += raw;
  }

  toJSON(): Omit<Segment, 'raw'> & { raw: string } {
    return { id: this.id, elements: this.elements, index: this.index, byteOffset: this.byteOffset, byteLength: this.byteLength, raw: this.raw, terminated: this.terminated };
  }
}

function segmentFromRange(
  text: string,
  from: number,
  to: number,
  stop: number,
  d: Delimiters,
  index: number,
  byteOffset: number,
  byteLength: number,
  terminated: boolean,
): Segment {
  // A newline used as the terminator leaves the CR of a CRLF file at the end of the content.
  const end = to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
  let j = text.indexOf(d.element, from);
  if (j < 0 || j > end) j = end;
  const id = segmentId(text, from, j);
  // Filled in a scratch array, then copied at its exact length: an array grown by push keeps
  // spare slots, and a set of up to 8 MB of segments is held while it is checked.
  const scratch = SCRATCH;
  scratch[0] = id;
  let n = 1;
  if (j < end) {
    let start = j + 1;
    for (;;) {
      const k = text.indexOf(d.element, start);
      if (k < 0 || k >= end) {
        scratch[n++] = text.slice(start, end);
        break;
      }
      scratch[n++] = text.slice(start, k);
      start = k + 1;
    }
  }
  const elements = new Array<string>(n);
  for (let i = 0; i < n; i++) elements[i] = scratch[i]!;
  return new TextSegment(id, elements, index, byteOffset, byteLength, terminated, text, from, stop);
}

const SCRATCH: string[] = [];

/**
 * Segment ids repeat on every line (ISA, ST, LIN, ZA…): one shared string per id, the
 * literal itself for the ids RxLedger knows, so the lookups and comparisons every checker makes
 * on `seg.id` compare one string with itself instead of hashing a new copy each time.
 */
const KNOWN_IDS =
  'ISA GS GE IEA TA1 ST SE XQ XPO N9 MSG N1 N2 N3 N4 REF PER LIN PO4 PID MEA PKG UIT CTP PO3 ZA SDQ QTY G95 LDT DTM LM LQ SAC CUR AMT TD1 TD5 CTT BIA SLN G53 CS LS LE DD FOB BSN HL SN1 PRF PWK TD3 TD4 TSD LH1 LH2 LH3 LFH LEP LH4 LHT LHR CLD MAN PAL ETD GF YNQ V1 V9 H1 H2 NTE SN3 PSD'.split(' ');
const ID_CACHE = new Map<number, string>();
for (const known of KNOWN_IDS) ID_CACHE.set(idKey(known, 0, known.length), known);

/** The ASCII characters String.prototype.trim removes. */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** A number for an id of 2–3 characters A–Z/0–9, or -1. */
function idKey(text: string, from: number, to: number): number {
  const n = to - from;
  if (n < 2 || n > 3) return -1;
  let key = n;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return -1;
    key = key * 64 + (c - 47);
  }
  return key;
}

function segmentId(text: string, from: number, to: number): string {
  let a = from;
  let b = to;
  while (a < b && isTrimmed(text.charCodeAt(a))) a++;
  while (b > a && isTrimmed(text.charCodeAt(b - 1))) b--;
  const key = idKey(text, a, b);
  if (key < 0) return text.slice(a, b);
  let id = ID_CACHE.get(key);
  if (id === undefined) {
    id = text.slice(a, b);
    if (ID_CACHE.size < 2048) ID_CACHE.set(key, id);
  }
  return id;
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
  const elements = splitRange(body, 0, body.length, d.element);
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
