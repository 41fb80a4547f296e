import type { EdiError } from './ack-codes';
import { EnvelopeValidator, type InterchangeReport, type TransactionResult, type TransactionSummary } from './envelope';
import type { Delimiters } from './isa';
import { SegmentTokenizer, toBytes, type Segment, type TokenizerOptions } from './tokenize';

export interface ParseReport {
  /** false when the input is not X12 at all (no ISA, GS or ST, or unusable delimiters). */
  readable: boolean;
  /** true when nothing in the file is in error (warnings allowed). */
  valid: boolean;
  mode: 'isa' | 'bare' | null;
  delimiters: Delimiters | null;
  /** Line break written after each segment terminator in the input, reused by the ack. */
  lineEnding: string;
  /** Which acknowledgment the file gets: 997 below ISA12 00501, 999 from 00501; null without an ISA. */
  ackType: '997' | '999' | null;
  interchanges: InterchangeReport[];
  /** Transaction sets outside any functional group (every set of a bare ST..SE file). */
  looseTransactions: TransactionSummary[];
  /** Every error and warning, in file order, with its location. */
  errors: EdiError[];
  segmentCount: number;
  byteLength: number;
  /** Bytes that were not tokenized (input that is not X12): the caller slices them by offset. */
  unparsed: { byteOffset: number; byteLength: number; text: string } | null;
}

export interface ParseResult {
  report: ParseReport;
  transactions: TransactionResult[];
  /** Every segment in file order (with `unparsed`, they tile the input byte for byte). */
  segments: Segment[];
}

export interface ReadOptions extends TokenizerOptions {
  /** Keep every segment (envelope ones too) in `segments`; parseX12 does, streaming does not. */
  keepSegments?: boolean;
  /** The largest transaction set held in memory (default DEFAULT_MAX_SET_BYTES); larger ones are rejected. */
  maxSetBytes?: number;
}

/**
 * Incremental reader: tokenizer plus envelope checks. Push chunks, receive transaction sets as
 * their SE arrives. A transaction's `valid` is provisional until end(): a later GE or IEA can
 * still reject its group or interchange; `report()` after end() holds the final verdicts.
 */
export class X12Reader {
  private readonly tokenizer: SegmentTokenizer;
  private validator: EnvelopeValidator | null = null;
  private issuesSeen = 0;
  private segmentCount = 0;
  private ended = false;
  private readonly keepSegments: boolean;
  private readonly maxSetBytes: number | undefined;
  readonly segments: Segment[] = [];

  constructor(options: ReadOptions = {}) {
    this.tokenizer = new SegmentTokenizer(options);
    this.keepSegments = options.keepSegments ?? false;
    this.maxSetBytes = options.maxSetBytes;
  }

  push(chunk: Uint8Array | string): TransactionResult[] {
    return this.handle(this.tokenizer.push(chunk));
  }

  end(): TransactionResult[] {
    const out = this.handle(this.tokenizer.end());
    this.ended = true;
    const last = this.validator?.finish();
    if (last) out.push(last);
    return out;
  }

  private handle(segments: Segment[]): TransactionResult[] {
    const t = this.tokenizer;
    if (!this.validator && t.delimiters && t.mode) this.validator = new EnvelopeValidator(t.mode, t.delimiters, this.maxSetBytes);
    const out: TransactionResult[] = [];
    const v = this.validator;
    if (!v) return out;
    this.forwardIssues(v);
    for (const seg of segments) {
      this.segmentCount++;
      if (this.keepSegments) this.segments.push(seg);
      const done = v.feed(seg);
      if (done) out.push(done);
    }
    return out;
  }

  private forwardIssues(v: EnvelopeValidator): void {
    const issues = this.tokenizer.issues;
    for (; this.issuesSeen < issues.length; this.issuesSeen++) {
      const i = issues[this.issuesSeen]!;
      v.addReadIssue({ level: 'interchange', code: i.ta1, severity: 'error', message: i.message, byteOffset: i.byteOffset });
    }
  }

  report(): ParseReport {
    const t = this.tokenizer;
    const v = this.validator;
    const errors: EdiError[] = [];
    if (!v) {
      for (const i of t.issues) errors.push({ level: 'interchange', code: i.ta1, severity: 'error', message: i.message, byteOffset: i.byteOffset });
      if (!this.ended && errors.length === 0)
        errors.push({ level: 'interchange', code: '023', severity: 'error', message: 'report requested before the end of input' });
    }
    const interchanges = v ? v.interchanges : [];
    if (v) {
      // Loops, not push(...list): a file of a million sets would overflow the call stack.
      appendAll(errors, v.fileErrors);
      // Indexed loops: a file may hold hundreds of thousands of interchanges and sets.
      for (let i = 0; i < interchanges.length; i++) {
        const ic = interchanges[i]!;
        if (ic.errors.length) appendAll(errors, ic.errors);
        for (let j = 0; j < ic.groups.length; j++) {
          const g = ic.groups[j]!;
          if (g.errors.length) appendAll(errors, g.errors);
          const txs = g.transactions;
          for (let k = 0; k < txs.length; k++) {
            const txErrors = txs[k]!.errors;
            for (let m = 0; m < txErrors.length; m++) errors.push({ ...txErrors[m]!, groupControl: g.control });
          }
        }
      }
      for (const tx of v.looseTransactions) appendAll(errors, tx.errors);
      errors.sort((a, b) => (a.segmentIndex ?? Number.MAX_SAFE_INTEGER) - (b.segmentIndex ?? Number.MAX_SAFE_INTEGER));
    }
    const first = interchanges.find((i) => i.hasHeader);
    const ackType = first ? (first.version >= '00501' ? '999' : '997') : null;
    const readable = v !== null && t.unparsed === null;
    return {
      readable,
      valid: readable && !errors.some((e) => e.severity === 'error'),
      mode: t.mode,
      delimiters: t.delimiters,
      lineEnding: t.lineEnding ?? '',
      ackType,
      interchanges,
      looseTransactions: v ? v.looseTransactions : [],
      errors,
      segmentCount: this.segmentCount,
      byteLength: t.bytesSeen,
      unparsed: t.unparsed,
    };
  }
}

/** Reads a whole file held in memory. Never throws on content; verdicts are final. */
export function parseX12(input: string | Uint8Array, options?: ReadOptions): ParseResult {
  const reader = new X12Reader({ ...options, keepSegments: true });
  const bytes = toBytes(input);
  const transactions = reader.push(bytes);
  appendAll(transactions, reader.end());
  for (const tx of transactions) {
    tx.valid = tx.summary.valid;
    tx.rejectedBy = tx.summary.rejectedBy;
  }
  return { report: reader.report(), transactions, segments: reader.segments };
}

/** target.push(...items) without the argument-count limit. */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export type ReadEvent = { kind: 'transaction'; transaction: TransactionResult } | { kind: 'end'; report: ParseReport };

/**
 * Streams a file: yields each transaction set as it closes and then the final report. Memory
 * is the open transaction set plus a small summary per set, whatever the file size.
 */
export async function* readX12(chunks: AsyncIterable<Uint8Array | string>, options?: ReadOptions): AsyncGenerator<ReadEvent> {
  const reader = new X12Reader(options);
  for await (const chunk of chunks) for (const transaction of reader.push(chunk)) yield { kind: 'transaction', transaction };
  for (const transaction of reader.end()) yield { kind: 'transaction', transaction };
  yield { kind: 'end', report: reader.report() };
}
