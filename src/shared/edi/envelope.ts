import type { AckCode, EdiError } from './ack-codes';
import { TRANSACTION_TYPES } from './code-lists';
import type { Delimiters } from './isa';
import { DEFINED_SEGMENTS, SEGMENT_ID, checkElements, isValidDate, isValidTime } from './segment-rules';
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
  /** Decoded text of ST..SE inclusive, trailing newline included; byteStart..byteEnd is the exact slice. */
  raw: string;
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
}

const ENVELOPE_IDS = new Set(['ISA', 'GS', 'GE', 'IEA']);

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
  private groupControls = new Set<string>();
  private txControls = new Set<string>();
  private isaControls = new Set<string>();
  private tx: OpenTransaction | null = null;
  private sawEnvelope = false;
  private pendingIssues: EdiError[] = [];
  private bareWarned = false;

  constructor(
    private readonly mode: 'isa' | 'bare',
    private readonly delimiters: Delimiters,
    private readonly maxSetBytes: number = DEFAULT_MAX_SET_BYTES,
  ) {}

  feed(seg: Segment): TransactionResult | null {
    if (this.tx) {
      if (ENVELOPE_IDS.has(seg.id) || seg.id === 'ST') {
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
    if (this.interchange) this.interchange.errors.push(e);
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
    const e = (i: number): string => seg.elements[i] ?? '';
    const ic: InterchangeReport = {
      hasHeader: true,
      control: e(13),
      senderQualifier: e(5),
      senderId: e(6),
      receiverQualifier: e(7),
      receiverId: e(8),
      date: e(9),
      time: e(10),
      version: e(12),
      ackRequested: e(14),
      usage: e(15),
      declaredGroups: null,
      closed: false,
      errors: [],
      groups: [],
      ackCode: 'A',
      segmentIndex: seg.index,
    };
    const bad = (code: string, message: string): void => void ic.errors.push(segErr(seg, 'interchange', code, message));
    if (seg.elements.length !== 17) bad('022', `ISA has ${seg.elements.length - 1} elements, 16 expected`);
    if (!/^\d{6}$/.test(ic.date) || !isValidDate(ic.date)) bad('014', `ISA09 ${JSON.stringify(ic.date)} is not a date (YYMMDD)`);
    if (!/^\d{4}$/.test(ic.time) || !isValidTime(ic.time)) bad('015', `ISA10 ${JSON.stringify(ic.time)} is not a time (HHMM)`);
    if (!/^\d{5}$/.test(ic.version)) bad('017', `ISA12 ${JSON.stringify(ic.version)} is not a version`);
    if (!/^\d{9}$/.test(ic.control)) bad('018', `ISA13 ${JSON.stringify(ic.control)} is not a 9-digit control number`);
    else if (this.isaControls.has(ic.control)) bad('025', `interchange control number ${ic.control} used twice in this file`);
    if (ic.ackRequested !== '0' && ic.ackRequested !== '1') bad('019', `ISA14 ${JSON.stringify(ic.ackRequested)} is not 0 or 1`);
    if (!['P', 'T', 'I'].includes(ic.usage)) bad('020', `ISA15 ${JSON.stringify(ic.usage)} is not P, T or I`);
    this.isaControls.add(ic.control);
    for (const e of this.pendingIssues.splice(0)) ic.errors.push(e);
    this.interchange = ic;
    this.interchanges.push(ic);
    this.groupControls = new Set();
  }

  private openGroup(seg: Segment): void {
    this.sawEnvelope = true;
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
      };
      this.interchange = ic;
      this.interchanges.push(ic);
      this.groupControls = new Set();
    }
    const g: GroupReport = {
      functionalId: val(seg, 1),
      senderCode: val(seg, 2),
      receiverCode: val(seg, 3),
      control: val(seg, 6),
      version: val(seg, 8),
      declaredTransactions: null,
      closed: false,
      errors: [],
      transactions: [],
      ackCode: 'A',
      accepted: 0,
      segmentIndex: seg.index,
    };
    for (const e of checkElements(seg, this.delimiters.component))
      this.interchange.errors.push(segErr(seg, 'interchange', '024', `invalid GS: ${e.message}`, { element: e.element }));
    if (g.control !== '' && this.groupControls.has(g.control)) {
      const code = this.interchange.version >= '00501' ? '19' : '6';
      g.errors.push(segErr(seg, 'group', code, `group control number ${g.control} used twice in this interchange`));
    }
    this.groupControls.add(g.control);
    this.txControls = new Set();
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
    this.tx = { segments: [seg], group: this.group, interchange: this.interchange, count: 1, bytes: seg.byteLength, last: seg, oversize: null };
  }

  private closeTransaction(sawTrailer: boolean): TransactionResult {
    const { segments, group, interchange, count, last, oversize } = this.tx!;
    this.tx = null;
    const st = segments[0]!;
    const errors: EdiError[] = [];
    const type = val(st, 1);
    const control = val(st, 2);
    const txErr = (seg: Segment, code: string, message: string): void =>
      void errors.push(segErr(seg, 'transaction', code, message, { transactionControl: control }));

    if (!/^\d{3}$/.test(type)) txErr(st, '6', `ST01 ${JSON.stringify(type)} is not a transaction set identifier`);
    else if (!TRANSACTION_TYPES.has(type)) txErr(st, '1', `transaction set ${type} is not read by RxLedger (852, 846, 856)`);
    if (!/^[A-Za-z0-9]{4,9}$/.test(control)) txErr(st, '7', `ST02 ${JSON.stringify(control)} is not a 4-9 character control number`);
    else if (group && this.txControls.has(control)) txErr(st, '23', `transaction set control number ${control} used twice in this group`);
    if (group) this.txControls.add(control);
    if (!group && (this.mode !== 'bare' || this.sawEnvelope)) txErr(st, '18', 'transaction set outside a functional group (no GS)');

    if (!sawTrailer) txErr(last, '2', 'SE missing: the transaction set ends without its trailer');
    else {
      const se01 = val(last, 1);
      const se02 = val(last, 2);
      if (se02 !== control) txErr(last, '3', `SE02 ${JSON.stringify(se02)} does not match ST02 ${JSON.stringify(control)}`);
      if (String(Number(se01)) !== se01.replace(/^0+(?=\d)/, '') || Number(se01) !== count)
        txErr(last, '4', `SE01 says ${JSON.stringify(se01)} segments, the set has ${count}`);
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
    }
    if (!oversize) segments.forEach((seg, i) => {
      if (errors.length >= MAX_ERRORS_PER_TRANSACTION) return;
      const pos = i + 1;
      const where = { positionInTransaction: pos, transactionControl: control };
      if (!SEGMENT_ID.test(seg.id)) {
        errors.push(segErr(seg, 'segment', '1', `unrecognized segment id ${JSON.stringify(seg.id.slice(0, 10))}`, where));
        return;
      }
      if (i > 0 && seg.id === 'ST') return;
      if (i > 0 && i < count - 1 && seg.id === 'SE') {
        errors.push(segErr(seg, 'segment', '2', 'SE before the end of the transaction set', where));
        return;
      }
      if (defined && !defined.has(seg.id))
        errors.push({ ...segErr(seg, 'segment', '6', `segment ${seg.id} is not defined in transaction set ${type}`, where), severity: 'warning' });
      if (seg.id === 'SE' || seg.id === 'ST' || defined) {
        for (const e of checkElements(seg, this.delimiters.component))
          errors.push({ ...e, segmentIndex: seg.index, byteOffset: seg.byteOffset, ...where });
      }
    });
    if (defined && !oversize) for (const e of checkStructure(type, segments)) errors.push({ ...e, transactionControl: control });

    const rejected = errors.some((e) => e.severity === 'error');
    const ackCode: 'A' | 'E' | 'R' = rejected ? 'R' : errors.length > 0 ? 'E' : 'A';
    const summary: TransactionSummary = {
      type,
      control,
      implementationRef: val(st, 3) || null,
      ackCode,
      errors,
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
    return {
      ...summary,
      segments: oversize ? [] : segments,
      raw: oversize ? '' : segments.map((s) => s.raw).join(''),
      oversize: oversize !== null,
      groupControl: group ? group.control : null,
      functionalId: group ? group.functionalId : null,
      version: group ? group.version : '',
      interchangeControl: interchange ? interchange.control : null,
      summary,
    };
  }

  private closeGroup(ge: Segment | null, reason: string): void {
    const g = this.group!;
    this.group = null;
    const received = g.transactions.length;
    if (!ge) {
      const at = this.interchange ? { segmentIndex: g.segmentIndex } : {};
      g.errors.push({ level: 'group', code: '3', severity: 'error', message: `GE missing (${reason})`, segmentId: 'GE', ...at });
    } else {
      g.closed = true;
      for (const e of checkElements(ge, this.delimiters.component))
        this.interchangeError(segErr(ge, 'interchange', '024', `invalid GE: ${e.message}`, { element: e.element }));
      const ge01 = val(ge, 1);
      const ge02 = val(ge, 2);
      g.declaredTransactions = /^\d+$/.test(ge01) ? Number(ge01) : null;
      if (ge02 !== g.control) g.errors.push(segErr(ge, 'group', '4', `GE02 ${JSON.stringify(ge02)} does not match GS06 ${JSON.stringify(g.control)}`));
      if (g.declaredTransactions !== received)
        g.errors.push(segErr(ge, 'group', '5', `GE01 says ${JSON.stringify(ge01)} transaction sets, the group has ${received}`));
    }
    for (const e of g.errors) e.groupControl = g.control;
    const rejectedSets = g.transactions.filter((t) => t.ackCode === 'R').length;
    if (g.errors.length > 0 || (received > 0 && rejectedSets === received)) g.ackCode = 'R';
    else if (rejectedSets > 0) g.ackCode = 'P';
    else if (g.transactions.some((t) => t.ackCode === 'E')) g.ackCode = 'E';
    else g.ackCode = 'A';
    g.accepted = g.ackCode === 'R' ? 0 : received - rejectedSets;
  }

  private closeInterchange(iea: Segment | null, reason: string): void {
    const ic = this.interchange!;
    this.interchange = null;
    if (!iea) {
      ic.errors.push({ level: 'interchange', code: '023', severity: 'error', message: `IEA missing (${reason}): the interchange is incomplete`, segmentId: 'IEA' });
    } else {
      ic.closed = true;
      for (const e of checkElements(iea, this.delimiters.component))
        ic.errors.push(segErr(iea, 'interchange', e.element === 1 ? '021' : '018', `invalid IEA: ${e.message}`, { element: e.element }));
      const iea01 = val(iea, 1);
      const iea02 = val(iea, 2);
      ic.declaredGroups = /^\d+$/.test(iea01) ? Number(iea01) : null;
      if (ic.hasHeader && iea02 !== ic.control)
        ic.errors.push(segErr(iea, 'interchange', '001', `IEA02 ${JSON.stringify(iea02)} does not match ISA13 ${JSON.stringify(ic.control)}`));
      if (ic.declaredGroups !== ic.groups.length)
        ic.errors.push(segErr(iea, 'interchange', '021', `IEA01 says ${JSON.stringify(iea01)} groups, the interchange has ${ic.groups.length}`));
    }
    ic.ackCode = ic.errors.some((e) => e.severity === 'error') ? 'R' : 'A';
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
    if (this.interchange) this.interchange.errors.push(e);
    else this.pendingIssues.push(e);
  }
}
