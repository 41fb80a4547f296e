import type { EdiError } from './ack-codes';
import type { Segment } from './tokenize';

/**
 * Structure of the three transaction sets we read, as far as the mappers depend on it: the
 * header segment once, quantities only after the item they belong to, an 856 hierarchy whose
 * parents exist. Broken structure would otherwise attach a quantity to the wrong product.
 */
function at(out: EdiError[], seg: Segment, pos: number, code: string, message: string, segmentId = seg.id): void {
  out.push({ level: 'segment', code, severity: 'error', message, segmentId, segmentIndex: seg.index, byteOffset: seg.byteOffset, positionInTransaction: pos });
}

const NONE: readonly EdiError[] = Object.freeze([]);

export function checkStructure(type: string, segments: readonly Segment[]): readonly EdiError[] {
  const out: EdiError[] = [];
  const first = segments[1] ?? segments[0];
  if (!first) return out;
  const header = type === '852' ? 'XQ' : type === '846' ? 'BIA' : type === '856' ? 'BSN' : null;
  if (!header) return NONE;
  let headerSeen = 0;
  let linSeen = false;
  let lastId = '';
  let hlSeen = false;
  let hlIds: Set<string> | null = null;
  let linCount = 0;
  let hlCount = 0;
  // CTT02 hash: digits of every QTY02 (846) or SN102 (856), signs and decimal points dropped.
  let hash = 0n;
  let ctt = null as { seg: Segment; pos: number } | null;
  // A CTT already refused for coming first: the detail after it is not refused again.
  let cttEarly = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const pos = i + 1;
    const id = seg.id;
    if (id === header) {
      headerSeen++;
      if (headerSeen > 1) at(out, seg, pos, '5', `${header} appears more than once`);
      else if (linSeen || hlSeen) at(out, seg, pos, '7', `${header} after the detail area`);
    }
    if (type === '852' || type === '846') {
      if (id === 'LIN') {
        linSeen = true;
        linCount++;
      }
      const qty = type === '852' ? 'ZA' : 'QTY';
      if (id === qty && !linSeen) at(out, seg, pos, '7', `${qty} before any LIN: the quantity has no product`);
      if (type === '846' && id === 'QTY') hash += hashDigits(seg.elements[2]);
      if (type === '852' && id === 'SDQ' && lastId !== 'ZA' && lastId !== 'SDQ')
        at(out, seg, pos, '7', 'SDQ not directly after a ZA: the locations have no activity');
    }
    if (type === '856') {
      if (id === 'HL') {
        hlSeen = true;
        hlCount++;
        const own = (seg.elements[1] ?? '').trim();
        const parent = (seg.elements[2] ?? '').trim();
        hlIds ??= new Set<string>();
        if (own !== '' && hlIds.has(own)) at(out, seg, pos, '7', `HL id ${own} used twice`);
        if (parent !== '' && !hlIds.has(parent)) at(out, seg, pos, '7', `HL ${own} names parent ${parent}, which does not come before it`);
        if (own !== '') hlIds.add(own);
      }
      if ((id === 'LIN' || id === 'SN1' || id === 'MAN' || id === 'PRF') && !hlSeen) at(out, seg, pos, '7', `${id} before any HL`);
      if (id === 'LIN') linCount++;
      if (id === 'SN1') hash += hashDigits(seg.elements[2]);
    }
    if (id === 'CTT') {
      // CTT is the summary area's, used once (max use 1), after the detail it totals.
      if (ctt !== null) at(out, seg, pos, '5', 'CTT appears more than once: a transaction set has one');
      else {
        ctt = { seg, pos };
        cttEarly = type === '856' ? !hlSeen : !linSeen;
        if (cttEarly) at(out, seg, pos, '7', `CTT before any ${type === '856' ? 'HL' : 'LIN'}: the totals come after the detail`);
      }
    } else if (ctt !== null && !cttEarly && (id === 'LIN' || id === 'HL')) at(out, seg, pos, '7', `${id} after the CTT: the detail comes before the totals`);
    lastId = id;
  }
  const last = segments[segments.length - 1]!;
  if (headerSeen === 0) at(out, first, 2, '3', `required ${header} segment missing`, header);
  if (type === '856' && !hlSeen) at(out, last, segments.length, '3', 'required HL segment missing', 'HL');
  if ((type === '852' || type === '846') && linCount === 0) at(out, last, segments.length, '3', 'required LIN segment missing', 'LIN');
  if (ctt) checkTotals(type, ctt.seg, ctt.pos, type === '856' ? hlCount : linCount, type === '852' ? null : hash, out);
  return out.length ? out : NONE;
}

/** A CTT total that disagrees with what it totals (a module function: no closure per set). */
function totalNote(out: EdiError[], seg: Segment, pos: number, element: number, ref: string, message: string, value: string): void {
  out.push({
    level: 'element',
    code: TOTAL_MISMATCH,
    severity: 'error',
    message: `CTT${String(element).padStart(2, '0')}: ${message}`,
    segmentId: 'CTT',
    segmentIndex: seg.index,
    byteOffset: seg.byteOffset,
    positionInTransaction: pos,
    element,
    elementRef: ref,
    badValue: value,
  });
}

/**
 * CTT01 and CTT02 against the set, as the X12 transaction set notes define them: CTT01 is the
 * number of LIN segments (852, 846) or HL segments (856); CTT02, when sent, is the hash total of
 * QTY02 (846) or SN102 (856). The 852 does not use a hash total, so its CTT02 is not checked.
 * Element 347 hashes "without regard to decimal points or signs" and keeps the rightmost 10 digits
 * (its maximum length). A total that disagrees means the set lost or changed lines: the set is
 * rejected, AK3/IK3 code 8 for the CTT with an AK4/IK4 note on the element (docs/edi.md).
 */
function checkTotals(type: string, seg: Segment, pos: number, lines: number, hash: bigint | null, out: EdiError[]): void {
  const what = type === '856' ? 'HL' : 'LIN';
  const ctt01 = (seg.elements[1] ?? '').trim();
  // A CTT01 that is not a number is already an element error (code 6); only compare numbers.
  // N0 allows a minus sign, but no count of segments is negative: -7 disagrees like 7 would.
  if (/^-?\d+$/.test(ctt01) && Number(ctt01) !== lines)
    totalNote(out, seg, pos, 1, '354', `number of line items says ${ctt01}, the set has ${lines} ${what} segment${lines === 1 ? '' : 's'}`, ctt01);
  const ctt02 = (seg.elements[2] ?? '').trim();
  const value = /^(-?)(\d*)(?:\.(\d*))?$/.exec(ctt02);
  if (hash === null || ctt02 === '' || !value || (value[2] === '' && (value[3] ?? '') === '')) return;
  // CTT02 is itself a number (R): the hash, a whole number the signs and decimal points of the
  // summed values were dropped from. So 124.0 says 124; 1.24, 12.4 and -124 do not.
  const expected = hash % 10_000_000_000n;
  const whole = BigInt(value[2] || '0');
  const fractionZero = /^0*$/.test(value[3] ?? '');
  const says = value[1] === '-' && whole !== 0n ? null : fractionZero ? whole : null;
  if (says !== expected)
    totalNote(out, seg, pos, 2, '347', `hash total says ${ctt02}, the ${type === '856' ? 'SN102 units shipped' : 'QTY02 quantities'} of the set add up to ${expected}`, ctt02);
}

/**
 * AK403/IK403 for a CTT total that contradicts the set. X12 element 723 has no code for "value
 * does not match the data it totals"; 7 (invalid value) is the nearest, and the message and AK404
 * copy say what was expected. See docs/edi.md.
 */
export const TOTAL_MISMATCH = '7';

/** The digits of a decimal value as one integer, sign and decimal point dropped (element 347). */
function hashDigits(v: string | undefined): bigint {
  if (v === undefined) return 0n;
  let digits = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += v[i];
  }
  return digits === '' ? 0n : BigInt(digits);
}
