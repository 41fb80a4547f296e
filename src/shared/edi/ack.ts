import { body997 } from './ack-997';
import { ACK_999_VERSION, body999 } from './ack-999';
import type { AckSegment } from './ack-loops';
import type { GroupReport, InterchangeReport } from './envelope';
import { ISA_WIDTHS } from './isa';
import type { ParseReport } from './reader';
import { sixDigitDates } from './segment-rules';

export interface AckOptions {
  /**
   * ISA13 of the first acknowledgment interchange; later ones count up. The caller owns the
   * sequence (it must not repeat towards a partner); the default is derived from `now`.
   */
  interchangeControl?: number;
  /** GS06 of the first acknowledgment group; defaults to interchangeControl. */
  groupControl?: number;
  /** Date and time written in ISA09/ISA10 and GS04/GS05, in UTC. */
  now?: Date;
  /** Write AK2 loops for accepted transaction sets too (default true). */
  includeAccepted?: boolean;
}

export type AckResult =
  | { ok: true; type: '997' | '999'; text: string; interchanges: number }
  | { ok: false; reason: string };

const pad = (v: string, width: number): string => (v.length >= width ? v.slice(0, width) : v + ' '.repeat(width - v.length));
const digits = (n: number, width: number): string => String(Math.trunc(n) % 10 ** width).padStart(width, '0');

/**
 * Acknowledges a read file: one acknowledgment interchange per input interchange, sender and
 * receiver swapped, written with the input's delimiters. A TA1 is included when the input
 * asked for one (ISA14 = 1) or when its envelope is in error or noted; a rejected interchange
 * gets only the TA1, because its groups are not processed. 997 below ISA12 00501, 999 from
 * 00501. Acknowledgments are not acknowledged (X12.6): a group of 997s or 999s gets no AK1
 * loop, and an interchange left with nothing to say gets no acknowledgment interchange.
 */
export function generateAck(report: ParseReport, options: AckOptions = {}): AckResult {
  if (!report.readable || !report.delimiters) return { ok: false, reason: 'the input is not X12: there is nothing to acknowledge' };
  const d = report.delimiters;
  if (!report.ackType) return { ok: false, reason: 'the input has no ISA interchange header: an acknowledgment needs its sender and control numbers' };
  // The kind of the first acknowledgment written; each interchange is answered by its own ISA12.
  let firstKind: '997' | '999' | null = null;
  const now = options.now ?? new Date();
  let isaControl = options.interchangeControl ?? Math.floor(now.getTime() / 1000);
  let gsControl = options.groupControl ?? isaControl;
  const component = d.component ?? '>';
  // From 00402 an acknowledgment's ISA11 is a repetition separator: the input's, or one it does not use.
  const repetition = d.repetition ?? freeSeparator([d.element, d.segment, component]);
  // A value echoed in AK404/IK404 must not hold a delimiter of the acknowledgment: the repetition
  // separator is one only from 00402 (before it ISA11 is 'U' and '^' is plain data).
  const cleaner = (forbidden: string[]) => (v: string): string => {
    let out = v;
    for (const c of forbidden) out = out.split(c).join('');
    return out;
  };
  const cleanBefore00402 = cleaner([d.element, d.segment, component]);
  const cleanFrom00402 = cleaner([d.element, d.segment, component, repetition]);
  const yymmdd = `${digits(now.getUTCFullYear(), 2)}${digits(now.getUTCMonth() + 1, 2)}${digits(now.getUTCDate(), 2)}`;
  const ccyymmdd = `${digits(now.getUTCFullYear(), 4)}${yymmdd.slice(2)}`;
  const hhmm = `${digits(now.getUTCHours(), 2)}${digits(now.getUTCMinutes(), 2)}`;
  const write = (seg: AckSegment): string => {
    const els = seg.slice();
    while (els.length > 1 && els[els.length - 1] === '') els.pop();
    return els.join(d.element) + d.segment + report.lineEnding;
  };

  let text = '';
  let count = 0;
  let onlyAcknowledgments = false;
  for (const ic of report.interchanges) {
    if (!ic.hasHeader) continue;
    const groups = ic.ackCode === 'R' ? [] : ic.groups.filter((g) => !onlyAcknowledgmentSets(g));
    const withTa1 = ic.ackRequested === '1' || ic.ackCode === 'R' || ic.errors.length > 0;
    if (!withTa1 && groups.length === 0) {
      onlyAcknowledgments = true;
      continue;
    }
    count++;
    const type: '997' | '999' = ic.version >= '00501' ? '999' : '997';
    firstKind ??= type;
    const isa13 = digits(isaControl++, 9);
    const head: AckSegment = [
      'ISA',
      '00',
      pad('', 10),
      '00',
      pad('', 10),
      pad(ic.receiverQualifier, ISA_WIDTHS[4]),
      pad(ic.receiverId.trim(), ISA_WIDTHS[5]),
      pad(ic.senderQualifier, ISA_WIDTHS[6]),
      pad(ic.senderId.trim(), ISA_WIDTHS[7]),
      yymmdd,
      hhmm,
      // ISA11 is the repetition separator from 00402 on, the 'U' standards id before it.
      ic.version < '00402' ? 'U' : repetition,
      pad(ic.version, 5),
      isa13,
      '0',
      ic.usage === 'T' || ic.usage === 'I' ? ic.usage : 'P',
      component,
    ];
    const segs: string[] = [head.join(d.element) + d.segment + report.lineEnding];
    if (withTa1) segs.push(write(ta1(ic)));
    const includeAccepted = options.includeAccepted ?? true;
    const clean = ic.version < '00402' ? cleanBefore00402 : cleanFrom00402;
    for (const g of groups) {
      const gs06 = String(gsControl++ % 1e9);
      const version = type === '999' ? ACK_999_VERSION : g.version || '004010';
      // GS04 as the release of the acknowledgment's GS08 writes a date (YYMMDD before 004010).
      segs.push(write(['GS', 'FA', g.receiverCode, g.senderCode, sixDigitDates(version) ? yymmdd : ccyymmdd, hhmm, gs06, 'X', version]));
      const body = type === '999' ? body999(g, component, includeAccepted, clean) : body997(g, component, includeAccepted, clean);
      const st: AckSegment = type === '999' ? ['ST', '999', '0001', ACK_999_VERSION] : ['ST', '997', '0001'];
      const set = [st, ...body];
      for (const s of set) segs.push(write(s));
      segs.push(write(['SE', String(set.length + 1), '0001']));
      segs.push(write(['GE', '1', gs06]));
    }
    segs.push(write(['IEA', String(groups.length), isa13]));
    text += segs.join('');
  }
  if (count === 0)
    return {
      ok: false,
      reason: onlyAcknowledgments
        ? 'nothing to acknowledge: no interchange holds a group to answer (only 997/999 acknowledgments, which X12 does not acknowledge, TA1s, or nothing) and none asks for a TA1'
        : 'the input has no ISA interchange header: an acknowledgment needs its sender and control numbers',
    };
  return { ok: true, type: firstKind!, text, interchanges: count };
}

/** ISA11 for an acknowledgment from 00402 on when the input's ISA11 was no separator: a character it does not use. */
function freeSeparator(used: string[]): string {
  return ['^', '{', '!', '|', '`'].find((c) => !used.includes(c))!;
}

/**
 * A group of functional acknowledgments (997, 999): X12.6 does not acknowledge them. Decided by
 * its sets, not by GS01 alone, so that an 852 filed under FA is still answered.
 */
function onlyAcknowledgmentSets(g: GroupReport): boolean {
  return g.transactions.length > 0 && g.transactions.every((t) => t.type === '997' || t.type === '999');
}

function ta1(ic: InterchangeReport): AckSegment {
  // TA105 names the error that rejected the interchange, or else what was noted (TA104 E).
  const coded = (severity: 'error' | 'warning') => ic.errors.find((e) => e.severity === severity && /^\d{3}$/.test(e.code) && e.code !== '000')?.code;
  const note = coded('error') ?? coded('warning') ?? '000';
  const code = ic.ackCode === 'R' ? 'R' : ic.errors.length > 0 ? 'E' : 'A';
  return ['TA1', ic.control, ic.date, ic.time, code, note];
}
