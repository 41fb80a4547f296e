import type { AckCode, EdiError } from './ack-codes';
import { TRANSACTION_TYPES } from './code-lists';
import { isa11IsStandardsId, type Delimiters } from './isa';
import { DEFINED_SEGMENTS, checkElements, isSegmentId, isValidDate, isValidTime, sixDigitDates } from './segment-rules';
import { checkStructure } from './structure';
import type { Segment } from './tokenize';

/** What the acknowledgment says about one transaction set (one AK2 loop). */
export interface TransactionSummary {
  type: string;
  control: string;
  /** ST03 (5010 implementation convention reference), echoed in AK203. */
  implementationRef: string | null;
  /** AK501/IK501: the verdict on this set's own ST..SE content. */
  ackCode: 'A' | 'E' | 'R';
  /** Own errors: transaction (AK5), segment (AK3) and element (AK4) level. */
  errors: EdiError[];
  /** Segments counted from ST to SE inclusive (what SE01 should say). */
  segmentCount: number;
  /** true once SE was seen. */
  closed: boolean;
  /**
   * Final verdict: commit this set. False when its own content is bad, or when its group or
   * interchange is rejected (see rejectedBy). Final only once the enclosing envelope is closed.
   */
  valid: boolean;
  rejectedBy: 'transaction' | 'group' | 'interchange' | null;
  firstSegmentIndex: number;
  byteStart: number;
  byteEnd: number;
}

/** One transaction set, with its segments and the exact text between ST and SE. */
export interface TransactionResult extends TransactionSummary {
  /** Empty when `oversize`: such a set is rejected and never held in memory. */
  segments: Segment[];
  /** Larger than the reader's limit for one set (DEFAULT_MAX_SET_BYTES): rejected, segments and raw not kept. */
  oversize: boolean;
  /** Decoded text of ST..SE inclusive, trailing newline included; byteStart..byteEnd is the exact slice. Joined when first read. */
  readonly raw: string;
  groupControl: string | null;
  functionalId: string | null;
  /** GS08, e.g. 004010 or 005010X... ('' for a bare file). */
  version: string;
  interchangeControl: string | null;
  /** The summary kept in the report; its `valid` is the one finalized by the envelope. */
  summary: TransactionSummary;
}

export interface GroupReport {
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  control: string;
  version: string;
  declaredTransactions: number | null;
  closed: boolean;
  errors: EdiError[];
  transactions: TransactionSummary[];
  /** AK901 */
  ackCode: AckCode;
  accepted: number;
  segmentIndex: number;
}

export interface InterchangeReport {
  /** false for an interchange made up to hold groups that arrived without an ISA. */
  hasHeader: boolean;
  control: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  date: string;
  time: string;
  /** ISA12, e.g. 00401 or 00501. */
  version: string;
  ackRequested: string;
  usage: string;
  declaredGroups: number | null;
  closed: boolean;
  errors: EdiError[];
  groups: GroupReport[];
  /** TA104 */
  ackCode: 'A' | 'E' | 'R';
  segmentIndex: number;
  /** TA1 segments the interchange carries: the sender's answers to earlier interchanges. */
  acknowledgments: ReceivedTa1[];
}

/**
 * A TA1 received inside an interchange. X12.5 places interchange acknowledgments after the ISA
 * and before the first GS; an interchange may hold several, and nothing but them.
 */
export interface ReceivedTa1 {
  /** TA101: ISA13 of the interchange being acknowledged. */
  control: string;
  /** TA102 (YYMMDD) and TA103 (HHMM) of that interchange. */
  date: string;
  time: string;
  /** TA104: A, E or R. */
  ackCode: string;
  /** TA105 (I18). */
  noteCode: string;
  segmentIndex: number;
}


/**
 * The errors list of an interchange, group or set with none: shared, frozen, and replaced by
 * its own array on the first error (pushError). A file may hold hundreds of thousands of
 * interchanges, each kept in the report; their empty lists cost allocations and GC time.
 */
const NO_ERRORS = Object.freeze([]) as unknown as EdiError[];
/** The same for the TA1s an interchange carries: almost always none. */
const NO_TA1S = Object.freeze([]) as unknown as ReceivedTa1[];

function pushError(holder: { errors: EdiError[] }, e: EdiError): void {
  if (holder.errors === NO_ERRORS) holder.errors = [e];
  else holder.errors.push(e);
}

/**
 * A closed set as the reader hands it out. Its text (`raw`) is joined from its segments when
 * first asked for: the ingestion layer slices the file by byte range instead, and joining every
 * set's segments up front was a tenth of the reading time on files of many small sets.
 */
class ClosedTransaction implements TransactionResult {
  type: string;
  control: string;
  implementationRef: string | null;
  ackCode: 'A' | 'E' | 'R';
  errors: EdiError[];
  segmentCount: number;
  closed: boolean;
  valid: boolean;
  rejectedBy: TransactionSummary['rejectedBy'];
  firstSegmentIndex: number;
  byteStart: number;
  byteEnd: number;
  groupControl: string | null;
  functionalId: string | null;
  version: string;
  interchangeControl: string | null;
  private joined: string | null = null;

  constructor(
    readonly summary: TransactionSummary,
    readonly segments: Segment[],
    readonly oversize: boolean,
    group: GroupReport | null,
    interchange: InterchangeReport | null,
  ) {
    this.type = summary.type;
    this.control = summary.control;
    this.implementationRef = summary.implementationRef;
    this.ackCode = summary.ackCode;
    this.errors = summary.errors;
    this.segmentCount = summary.segmentCount;
    this.closed = summary.closed;
    this.valid = summary.valid;
    this.rejectedBy = summary.rejectedBy;
    this.firstSegmentIndex = summary.firstSegmentIndex;
    this.byteStart = summary.byteStart;
    this.byteEnd = summary.byteEnd;
    this.groupControl = group ? group.control : null;
    this.functionalId = group ? group.functionalId : null;
    this.version = group ? group.version : '';
    this.interchangeControl = interchange ? interchange.control : null;
  }

  get raw(): string {
    if (this.joined === null) {
      let text = '';
      for (let i = 0; i < this.segments.length; i++) text += this.segments[i]!.raw;
      this.joined = text;
    }
    return this.joined;
  }

  toJSON(): Omit<TransactionResult, 'summary'> & { summary: TransactionSummary } {
    const { joined: _joined, ...fields } = this;
    return { ...fields, raw: this.raw };
  }
}

/**
 * Control numbers seen in one interchange or group, to find one used twice. Most interchanges
 * hold one group and most groups a few sets: a short array is searched until it grows, and it
 * is emptied without reallocating (a Set's clear() allocates; this runs once per interchange).
 */
class ControlNumbers {
  private list: string[] = [];
  private set: Set<string> | null = null;

  has(v: string): boolean {
    if (this.set) return this.set.has(v);
    for (let i = 0; i < this.list.length; i++) if (this.list[i] === v) return true;
    return false;
  }

  add(v: string): void {
    if (this.set) this.set.add(v);
    else if (this.list.length < 16) this.list.push(v);
    else this.set = new Set([...this.list, v]);
  }

  clear(): void {
    if (this.set) this.set = null;
    this.list.length = 0;
  }
}

/** Caps what one transaction's report keeps, so a pathological file cannot blow up memory. */
const MAX_ERRORS_PER_TRANSACTION = 200;

/**
 * The largest transaction set (ST..SE) held in memory for checking and mapping. A real 852,
 * 846 or 856 is kilobytes to a few megabytes; a set past this is rejected (AK3 code 4) with
 * a message, counted but not held, so no file can exhaust memory through one set.
 */
export const DEFAULT_MAX_SET_BYTES = 8 << 20;

interface OpenTransaction {
  segments: Segment[];
  group: GroupReport | null;
  interchange: InterchangeReport | null;
  count: number;
  bytes: number;
  last: Segment;
  oversize: { at: Segment; position: number } | null;
}

function segErr(seg: Segment, level: EdiError['level'], code: string, message: string, extra: Partial<EdiError> = {}): EdiError {
  return { level, code, severity: 'error', message, segmentId: seg.id, segmentIndex: seg.index, byteOffset: seg.byteOffset, ...extra };
}

const val = (seg: Segment, i: number): string => (seg.elements[i] ?? '').trim();

// Module functions rather than closures made per interchange or set: the reader runs them for
// every envelope of a file of thousands of small interchanges.
function isaError(ic: InterchangeReport, seg: Segment, code: string, message: string): void {
  pushError(ic, segErr(seg, 'interchange', code, message));
}

function txError(errors: EdiError[], control: string, seg: Segment, code: string, message: string): void {
  errors.push(segErr(seg, 'transaction', code, message, { transactionControl: control }));
}

/**
 * Strings the report keeps for every interchange, group and set (qualifiers, sender and receiver,
 * date, version, set type) repeat from one interchange to the next. Keeping one copy of each
 * makes the report of a file of 100,000 small interchanges several times smaller, and the
 * garbage collector, which copies everything that survives, correspondingly faster.
 */
class Strings {
  private readonly known = new Map<string, string>();

  of(s: string): string {
    const found = this.known.get(s);
    if (found !== undefined) return found;
    // Values that never repeat (control numbers) would only grow the map: stop adding at a bound.
    if (this.known.size < 4096) this.known.set(s, s);
    return s;
  }
}

/**
 * Envelope state machine: feed segments in file order, get each transaction set back when it
 * closes. It keeps one open transaction and small per-transaction summaries, never the file.
 */
export class EnvelopeValidator {
  readonly interchanges: InterchangeReport[] = [];
  /** Errors not tied to an interchange: stray segments of a bare file, a missing envelope. */
  readonly fileErrors: EdiError[] = [];
  /** Transactions outside any functional group (bare files, or broken envelopes). */
  readonly looseTransactions: TransactionSummary[] = [];

  private interchange: InterchangeReport | null = null;
  private group: GroupReport | null = null;
  private groupControls = new ControlNumbers();
  private txControls = new ControlNumbers();
  private isaControls = new Set<number>();
  private readonly strings = new Strings();
  private tx: OpenTransaction | null = null;
  private sawEnvelope = false;
  /** A group or set has begun in the open interchange: no TA1 may follow (X12.5). */
  private contentSeen = false;
  private pendingIssues: EdiError[] = [];
  private bareWarned = false;

  constructor(
    private readonly mode: 'isa' | 'bare',
    private readonly delimiters: Delimiters,
    private readonly maxSetBytes: number = DEFAULT_MAX_SET_BYTES,
  ) {}

  feed(seg: Segment): TransactionResult | null {
    if (this.tx) {
      const id = seg.id;
      if (id === 'ISA' || id === 'GS' || id === 'GE' || id === 'IEA' || id === 'ST') {
        const closed = this.closeTransaction(false);
        this.envelopeSegment(seg);
        return closed;
      }
      const tx = this.tx;
      tx.count++;
      tx.bytes += seg.byteLength;
      tx.last = seg;
      if (!tx.oversize) {
        tx.segments.push(seg);
        if (tx.bytes > this.maxSetBytes) {
          // Past the limit the set is rejected anyway: stop holding its segments, keep counting.
          tx.oversize = { at: seg, position: tx.count };
          tx.segments = [tx.segments[0]!];
        }
      }
      return seg.id === 'SE' ? this.closeTransaction(true) : null;
    }
    this.envelopeSegment(seg);
    return null;
  }

  /** Closes whatever is open at end of input; returns the last transaction if one was open. */
  finish(): TransactionResult | null {
    const closed = this.tx ? this.closeTransaction(false) : null;
    if (this.group) this.closeGroup(null, 'end of input');
    if (this.interchange) this.closeInterchange(null, 'end of input');
    for (const e of this.pendingIssues.splice(0)) this.fileErrors.push(e);
    for (const t of this.looseTransactions) {
      t.valid = t.ackCode !== 'R' && this.mode === 'bare' && !this.sawEnvelope;
      if (!t.valid && t.rejectedBy === null) t.rejectedBy = t.ackCode === 'R' ? 'transaction' : 'interchange';
    }
    return closed;
  }

  private interchangeError(e: EdiError): void {
    if (this.interchange) pushError(this.interchange, e);
    else this.fileErrors.push(e);
  }

  private envelopeSegment(seg: Segment): void {
    switch (seg.id) {
      case 'ISA':
        return this.openInterchange(seg);
      case 'GS':
        return this.openGroup(seg);
      case 'ST':
        return this.openTransaction(seg);
      case 'TA1':
        return this.receiveTa1(seg);
      case 'GE':
        if (!this.group) return this.interchangeError(segErr(seg, 'interchange', '024', 'GE without a GS'));
        return this.closeGroup(seg, '');
      case 'IEA':
        if (!this.interchange) {
          this.fileErrors.push(segErr(seg, 'interchange', '022', 'IEA without an ISA'));
          return;
        }
        return this.closeInterchange(seg, '');
      default: {
        const what = seg.id === '' ? 'an empty segment' : `segment ${JSON.stringify(seg.id.slice(0, 10))}`;
        this.interchangeError(segErr(seg, 'interchange', '024', `${what} outside a transaction set`));
      }
    }
  }

  private openInterchange(seg: Segment): void {
    this.sawEnvelope = true;
    if (this.tx) this.closeTransaction(false);
    if (this.group) this.closeGroup(null, 'next ISA');
    if (this.interchange) this.closeInterchange(null, 'next ISA');
    const el = seg.elements;
    const k = this.strings;
    const ic: InterchangeReport = {
      hasHeader: true,
      control: el[13] ?? '',
      senderQualifier: k.of(el[5] ?? ''),
      senderId: k.of(el[6] ?? ''),
      receiverQualifier: k.of(el[7] ?? ''),
      receiverId: k.of(el[8] ?? ''),
      date: k.of(el[9] ?? ''),
      time: k.of(el[10] ?? ''),
      version: k.of(el[12] ?? ''),
      ackRequested: k.of(el[14] ?? ''),
      usage: k.of(el[15] ?? ''),
      declaredGroups: null,
      closed: false,
      errors: NO_ERRORS,
      groups: [],
      ackCode: 'A',
      segmentIndex: seg.index,
      acknowledgments: NO_TA1S,
    };
    if (seg.elements.length !== 17) isaError(ic, seg, '022', `ISA has ${seg.elements.length - 1} elements, 16 expected`);
    if (!/^\d{6}$/.test(ic.date) || !isValidDate(ic.date)) isaError(ic, seg, '014', `ISA09 ${JSON.stringify(ic.date)} is not a date (YYMMDD)`);
    if (!/^\d{4}$/.test(ic.time) || !isValidTime(ic.time)) isaError(ic, seg, '015', `ISA10 ${JSON.stringify(ic.time)} is not a time (HHMM)`);
    if (!/^\d{5}$/.test(ic.version)) isaError(ic, seg, '017', `ISA12 ${JSON.stringify(ic.version)} is not a version`);
    // Nine digits: kept as a number (a Set of numbers hashes nothing; one entry per interchange).
    const isa13 = /^\d{9}$/.test(ic.control) ? Number(ic.control) : -1;
    if (isa13 < 0) isaError(ic, seg, '018', `ISA13 ${JSON.stringify(ic.control)} is not a 9-digit control number`);
    else if (this.isaControls.has(isa13)) isaError(ic, seg, '025', `interchange control number ${ic.control} used twice in this file`);
    if (ic.ackRequested !== '0' && ic.ackRequested !== '1') isaError(ic, seg, '019', `ISA14 ${JSON.stringify(ic.ackRequested)} is not 0 or 1`);
    if (!['P', 'T', 'I'].includes(ic.usage)) isaError(ic, seg, '020', `ISA15 ${JSON.stringify(ic.usage)} is not P, T or I`);
    // Before 00402 ISA11 is the interchange control standards identifier (I10), whose one code is
    // U; from 00402 it is the repetition separator. Noted (TA1 E 016), not refused: the content
    // is still read, as a sender that mixes the two versions' habits means no harm.
    const isa11 = el[11] ?? '';
    if (isa11IsStandardsId(ic.version) && isa11 !== 'U')
      pushError(ic, {
        ...segErr(seg, 'interchange', '016', `ISA11 ${JSON.stringify(isa11)} is not U: in version ${ic.version} ISA11 is the interchange control standards identifier, whose only code is U (it became the repetition separator in 00402)`, { element: 11 }),
        severity: 'warning',
      });
    if (isa13 >= 0) this.isaControls.add(isa13);
    if (this.pendingIssues.length) for (const e of this.pendingIssues.splice(0)) pushError(ic, e);
    this.interchange = ic;
    this.interchanges.push(ic);
    this.groupControls.clear();
    this.contentSeen = false;
  }

  /**
   * A TA1 in the interchange: the partner's answer to an earlier interchange, kept in the report.
   * X12.5 places TA1s after the ISA and before any group or set: elsewhere it is a control
   * structure error (022). A malformed one is noted (TA1 E 024), not refused: what it says about
   * an earlier interchange does not make this one's content unsound.
   */
  private receiveTa1(seg: Segment): void {
    const ic = this.interchange;
    if (!ic || !ic.hasHeader) {
      this.interchangeError(segErr(seg, 'interchange', '022', 'TA1 outside an interchange: an interchange acknowledgment travels inside an ISA..IEA envelope'));
      return;
    }
    if (this.contentSeen)
      isaError(ic, seg, '022', 'TA1 after a functional group or transaction set: X12.5 places interchange acknowledgments after the ISA, before the first GS');
    const ta1: ReceivedTa1 = { control: val(seg, 1), date: val(seg, 2), time: val(seg, 3), ackCode: val(seg, 4), noteCode: val(seg, 5), segmentIndex: seg.index };
    const problems: string[] = [];
    if (seg.elements.length !== 6) problems.push(`it has ${seg.elements.length - 1} elements, 5 expected`);
    if (!/^\d{9}$/.test(ta1.control)) problems.push(`TA101 ${JSON.stringify(ta1.control)} is not a 9-digit interchange control number`);
    if (!/^\d{6}$/.test(ta1.date) || !isValidDate(ta1.date)) problems.push(`TA102 ${JSON.stringify(ta1.date)} is not a date (YYMMDD)`);
    if (!/^\d{4}$/.test(ta1.time) || !isValidTime(ta1.time)) problems.push(`TA103 ${JSON.stringify(ta1.time)} is not a time (HHMM)`);
    if (ta1.ackCode !== 'A' && ta1.ackCode !== 'E' && ta1.ackCode !== 'R') problems.push(`TA104 ${JSON.stringify(ta1.ackCode)} is not A, E or R`);
    if (!/^\d{3}$/.test(ta1.noteCode)) problems.push(`TA105 ${JSON.stringify(ta1.noteCode)} is not a 3-digit note code`);
    for (const p of problems) pushError(ic, { ...segErr(seg, 'interchange', '024', `invalid TA1: ${p}`), severity: 'warning' });
    if (ic.acknowledgments === NO_TA1S) ic.acknowledgments = [ta1];
    else ic.acknowledgments.push(ta1);
  }

  private openGroup(seg: Segment): void {
    this.sawEnvelope = true;
    this.contentSeen = true;
    if (this.group) this.closeGroup(null, 'next GS');
    if (!this.interchange) {
      // Groups without an ISA still get checked and reported; the made-up interchange carries
      // the error so nothing inside it is committed.
      const ic: InterchangeReport = {
        hasHeader: false,
        control: '',
        senderQualifier: '',
        senderId: '',
        receiverQualifier: '',
        receiverId: '',
        date: '',
        time: '',
        version: '',
        ackRequested: '0',
        usage: '',
        declaredGroups: null,
        closed: false,
        errors: [segErr(seg, 'interchange', '022', 'GS without an ISA: the interchange header is missing')],
        groups: [],
        ackCode: 'R',
        segmentIndex: seg.index,
        acknowledgments: NO_TA1S,
      };
      this.interchange = ic;
      this.interchanges.push(ic);
      this.groupControls.clear();
    }
    const k = this.strings;
    const g: GroupReport = {
      functionalId: k.of(val(seg, 1)),
      senderCode: k.of(val(seg, 2)),
      receiverCode: k.of(val(seg, 3)),
      control: val(seg, 6),
      version: k.of(val(seg, 8)),
      declaredTransactions: null,
      closed: false,
      errors: NO_ERRORS,
      transactions: [],
      ackCode: 'A',
      accepted: 0,
      segmentIndex: seg.index,
    };
    for (const e of checkElements(seg, this.delimiters.component, sixDigitDates(g.version)))
      pushError(this.interchange, segErr(seg, 'interchange', '024', `invalid GS: ${e.message}`, { element: e.element }));
    if (g.control !== '' && this.groupControls.has(g.control)) {
      const code = this.interchange.version >= '00501' ? '19' : '6';
      pushError(g, segErr(seg, 'group', code, `group control number ${g.control} used twice in this interchange`));
    }
    this.groupControls.add(g.control);
    this.txControls.clear();
    this.interchange.groups.push(g);
    this.group = g;
  }

  private openTransaction(seg: Segment): void {
    if (this.mode === 'bare' && !this.sawEnvelope && !this.bareWarned) {
      this.bareWarned = true;
      this.fileErrors.push({
        ...segErr(seg, 'interchange', '000', 'no ISA/GS envelope: only ST/SE are checked, and no acknowledgment can be generated'),
        severity: 'warning',
      });
    }
    this.contentSeen = true;
    this.tx = { segments: [seg], group: this.group, interchange: this.interchange, count: 1, bytes: seg.byteLength, last: seg, oversize: null };
  }

  private closeTransaction(sawTrailer: boolean): TransactionResult {
    const { segments, group, interchange, count, last, oversize } = this.tx!;
    this.tx = null;
    const st = segments[0]!;
    const errors: EdiError[] = [];
    const type = this.strings.of(val(st, 1));
    const control = this.strings.of(val(st, 2));

    if (!/^\d{3}$/.test(type)) txError(errors, control, st, '6', `ST01 ${JSON.stringify(type)} is not a transaction set identifier`);
    else if (type === '997' || type === '999')
      txError(errors, control, st, '1', `transaction set ${type} is a functional acknowledgment, which RxLedger does not read (it reads 852, 846 and 856)`);
    else if (!TRANSACTION_TYPES.has(type)) txError(errors, control, st, '1', `transaction set ${type} is not read by RxLedger (852, 846, 856)`);
    if (!/^[A-Za-z0-9]{4,9}$/.test(control)) txError(errors, control, st, '7', `ST02 ${JSON.stringify(control)} is not a 4-9 character control number`);
    else if (group && this.txControls.has(control)) txError(errors, control, st, '23', `transaction set control number ${control} used twice in this group`);
    if (group) this.txControls.add(control);
    if (!group && (this.mode !== 'bare' || this.sawEnvelope)) txError(errors, control, st, '18', 'transaction set outside a functional group (no GS)');

    if (!sawTrailer) txError(errors, control, last, '2', 'SE missing: the transaction set ends without its trailer');
    else {
      const se01 = val(last, 1);
      const se02 = val(last, 2);
      if (se02 !== control) txError(errors, control, last, '3', `SE02 ${JSON.stringify(se02)} does not match ST02 ${JSON.stringify(control)}`);
      if (!/^\d+$/.test(se01) || Number(se01) !== count)
        txError(errors, control, last, '4', `SE01 says ${JSON.stringify(se01)} segments, the set has ${count}`);
    }

    // Segment and element checks. Positions are 1-based from ST, as AK302 counts them.
    const defined = DEFINED_SEGMENTS[type];
    if (oversize) {
      errors.push(
        segErr(
          oversize.at,
          'segment',
          '4',
          `transaction set ${control} is larger than ${this.maxSetBytes >= 1 << 20 ? `${Math.round(this.maxSetBytes / (1 << 20))} MB` : `${Math.ceil(this.maxSetBytes / 1024)} KB`}, the most RxLedger reads as one set; its segments were not checked or kept — send it split into several sets`,
          { positionInTransaction: oversize.position, transactionControl: control },
        ),
      );
    } else {
      this.checkSegments(type, control, segments, count, defined, errors, sixDigitDates(group?.version ?? ''));
      if (defined) for (const e of checkStructure(type, segments)) errors.push({ ...e, transactionControl: control });
    }

    const rejected = errors.some((e) => e.severity === 'error');
    const ackCode: 'A' | 'E' | 'R' = rejected ? 'R' : errors.length > 0 ? 'E' : 'A';
    const kept = errors.length ? errors : NO_ERRORS;
    const summary: TransactionSummary = {
      type,
      control,
      implementationRef: this.strings.of(val(st, 3)) || null,
      ackCode,
      errors: kept,
      segmentCount: count,
      closed: sawTrailer,
      valid: !rejected,
      rejectedBy: rejected ? 'transaction' : null,
      firstSegmentIndex: st.index,
      byteStart: st.byteOffset,
      byteEnd: last.byteOffset + last.byteLength,
    };
    if (group) group.transactions.push(summary);
    else this.looseTransactions.push(summary);
    return new ClosedTransaction(summary, oversize ? [] : segments, oversize !== null, group, interchange);
  }

  /** Segment ids, SE placement, the set's segment table, element rules. Allocates only for errors. */
  private checkSegments(type: string, control: string, segments: readonly Segment[], count: number, defined: ReadonlySet<string> | undefined, errors: EdiError[], shortDates: boolean): void {
    const component = this.delimiters.component;
    for (let i = 0; i < segments.length; i++) {
      if (errors.length >= MAX_ERRORS_PER_TRANSACTION) return;
      const seg = segments[i]!;
      const pos = i + 1;
      if (!isSegmentId(seg.id)) {
        errors.push(segErr(seg, 'segment', '1', `unrecognized segment id ${JSON.stringify(seg.id.slice(0, 10))}`, { positionInTransaction: pos, transactionControl: control }));
        continue;
      }
      if (i > 0 && seg.id === 'ST') continue;
      if (i > 0 && i < count - 1 && seg.id === 'SE') {
        errors.push(segErr(seg, 'segment', '2', 'SE before the end of the transaction set', { positionInTransaction: pos, transactionControl: control }));
        continue;
      }
      if (defined && !defined.has(seg.id))
        errors.push({ ...segErr(seg, 'segment', '6', `segment ${seg.id} is not defined in transaction set ${type}`, { positionInTransaction: pos, transactionControl: control }), severity: 'warning' });
      if (seg.id === 'SE' || seg.id === 'ST' || defined) {
        const found = checkElements(seg, component, shortDates);
        for (let k = 0; k < found.length; k++)
          errors.push({ ...found[k]!, segmentIndex: seg.index, byteOffset: seg.byteOffset, positionInTransaction: pos, transactionControl: control });
      }
    }
  }

  private closeGroup(ge: Segment | null, reason: string): void {
    const g = this.group!;
    this.group = null;
    const received = g.transactions.length;
    if (!ge) {
      const at = this.interchange ? { segmentIndex: g.segmentIndex } : {};
      pushError(g, { level: 'group', code: '3', severity: 'error', message: `GE missing (${reason})`, segmentId: 'GE', ...at });
    } else {
      g.closed = true;
      for (const e of checkElements(ge, this.delimiters.component))
        this.interchangeError(segErr(ge, 'interchange', '024', `invalid GE: ${e.message}`, { element: e.element }));
      const ge01 = val(ge, 1);
      const ge02 = val(ge, 2);
      g.declaredTransactions = /^\d+$/.test(ge01) ? Number(ge01) : null;
      if (ge02 !== g.control) pushError(g, segErr(ge, 'group', '4', `GE02 ${JSON.stringify(ge02)} does not match GS06 ${JSON.stringify(g.control)}`));
      if (g.declaredTransactions !== received)
        pushError(g, segErr(ge, 'group', '5', `GE01 says ${JSON.stringify(ge01)} transaction sets, the group has ${received}`));
    }
    for (const e of g.errors) e.groupControl = g.control;
    const rejectedSets = g.transactions.filter((t) => t.ackCode === 'R').length;
    if (g.errors.length > 0 || (received > 0 && rejectedSets === received)) g.ackCode = 'R';
    else if (rejectedSets > 0) g.ackCode = 'P';
    else if (g.transactions.some((t) => t.ackCode === 'E')) g.ackCode = 'E';
    else g.ackCode = 'A';
    g.accepted = g.ackCode === 'R' ? 0 : received - rejectedSets;
    // An array grown by push keeps spare room (17 slots for 1 item); the report keeps this one.
    if (received < 16) g.transactions = g.transactions.slice();
  }

  private closeInterchange(iea: Segment | null, reason: string): void {
    const ic = this.interchange!;
    this.interchange = null;
    if (!iea) {
      pushError(ic, { level: 'interchange', code: '023', severity: 'error', message: `IEA missing (${reason}): the interchange is incomplete`, segmentId: 'IEA' });
    } else {
      ic.closed = true;
      for (const e of checkElements(iea, this.delimiters.component))
        pushError(ic, segErr(iea, 'interchange', e.element === 1 ? '021' : '018', `invalid IEA: ${e.message}`, { element: e.element }));
      const iea01 = val(iea, 1);
      const iea02 = val(iea, 2);
      ic.declaredGroups = /^\d+$/.test(iea01) ? Number(iea01) : null;
      if (ic.hasHeader && iea02 !== ic.control)
        pushError(ic, segErr(iea, 'interchange', '001', `IEA02 ${JSON.stringify(iea02)} does not match ISA13 ${JSON.stringify(ic.control)}`));
      if (ic.declaredGroups !== ic.groups.length)
        pushError(ic, segErr(iea, 'interchange', '021', `IEA01 says ${JSON.stringify(iea01)} groups, the interchange has ${ic.groups.length}`));
    }
    ic.ackCode = ic.errors.some((e) => e.severity === 'error') ? 'R' : 'A';
    if (ic.groups.length < 16) ic.groups = ic.groups.slice();
    for (const g of ic.groups)
      for (const t of g.transactions) {
        t.valid = t.ackCode !== 'R' && g.ackCode !== 'R' && ic.ackCode !== 'R';
        t.rejectedBy = t.ackCode === 'R' ? 'transaction' : g.ackCode === 'R' ? 'group' : ic.ackCode === 'R' ? 'interchange' : null;
      }
  }

  /**
   * Attaches a read issue (from the tokenizer) to the open interchange, or to the next one
   * when it is found before the ISA is fed (an ISA that is not fixed width).
   */
  addReadIssue(e: EdiError): void {
    if (this.interchange) pushError(this.interchange, e);
    else this.pendingIssues.push(e);
  }
}
