import { GTIN_QUALIFIERS, NDC_QUALIFIERS } from './code-lists';
import type { TransactionResult } from './envelope';
import type { Location, ProductId, RecordProblem, RecordSource } from './records';
import type { Segment } from './tokenize';

/** Element value with the stray blanks some senders leave around it removed. */
export const v = (seg: Segment, i: number): string => (seg.elements[i] ?? '').trim();
export const vOrNull = (seg: Segment, i: number): string | null => v(seg, i) || null;

/**
 * CCYYMMDD (or YYMMDD, the date of releases before 004010) to YYYY-MM-DD; null when it is not
 * one. A two-digit year is taken within 50 years before and 49 after `now` (a 1995 file's 950613
 * is 1995-06-13, an expiry 271231 is 2027-12-31).
 */
export function isoDate(value: string | null, now: Date = new Date()): string | null {
  if (!value) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value) ?? /^(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  let year = m[1]!;
  if (year.length === 2) {
    const current = now.getUTCFullYear();
    let full = current - (current % 100) + Number(year);
    if (full > current + 49) full -= 100;
    else if (full < current - 50) full += 100;
    year = String(full);
  }
  return `${year}-${m[2]}-${m[3]}`;
}

export function quantity(text: string, unit: string | null): { quantity: string | null; quantityInteger: number | null; unit: string | null } {
  if (text === '') return { quantity: null, quantityInteger: null, unit };
  const n = Number(text);
  const integer = /^-?\d+$/.test(text) && Number.isSafeInteger(n) ? n : /^-?\d+\.0*$/.test(text) && Number.isSafeInteger(Math.trunc(n)) ? Math.trunc(n) : null;
  return { quantity: text, quantityInteger: integer, unit };
}

export interface LinRead {
  line: string | null;
  productIds: ProductId[];
  lots: string[];
  serials: string[];
}

/** Qualifiers whose values are product codes, where a hyphen is layout and not content. */
const CODE_QUALIFIERS = new Set([...NDC_QUALIFIERS, ...GTIN_QUALIFIERS]);

/** LIN01 and its qualifier/id pairs (LIN02/03, 04/05, ...). Lots and serials are split out. */
export function readLin(seg: Segment): LinRead {
  const out: LinRead = { line: vOrNull(seg, 1), productIds: [], lots: [], serials: [] };
  for (let i = 2; i + 1 < seg.elements.length; i += 2) {
    const qualifier = v(seg, i);
    const raw = v(seg, i + 1);
    if (qualifier === '' || raw === '') continue;
    if (qualifier === 'LT') out.lots.push(raw);
    else if (qualifier === 'SN') out.serials.push(raw);
    else out.productIds.push({ qualifier, value: CODE_QUALIFIERS.has(qualifier) ? raw.replace(/-/g, '') : raw });
  }
  return out;
}

export function productProblems(ids: readonly ProductId[]): RecordProblem[] {
  return ids.some((p) => CODE_QUALIFIERS.has(p.qualifier)) ? [] : ['NO_PRODUCT_ID'];
}

/** `position` is the 1-based place of `seg` in the transaction set (its index + 1). */
export function sourceOf(tx: TransactionResult, seg: Segment, position: number): RecordSource {
  return {
    transactionType: tx.type as RecordSource['transactionType'],
    control: tx.control,
    groupControl: tx.groupControl,
    interchangeControl: tx.interchangeControl,
    position,
    segmentIndex: seg.index,
    byteOffset: seg.byteOffset,
  };
}

/** SDQ03/04, 05/06, ... up to ten location/quantity pairs. */
export function sdqPairs(seg: Segment): Array<{ location: Location; quantity: string }> {
  const qualifier = vOrNull(seg, 2);
  const out: Array<{ location: Location; quantity: string }> = [];
  for (let i = 3; i + 1 < seg.elements.length && i <= 21; i += 2) {
    const id = v(seg, i);
    const q = v(seg, i + 1);
    if (id === '' && q === '') continue;
    out.push({ location: { qualifier, id }, quantity: q });
  }
  return out;
}

/** Sum of decimal texts compared exactly, by scaling to the longest fraction. */
export function sameTotal(parts: readonly string[], total: string): boolean {
  const all = [...parts, total];
  if (!all.every((p) => /^-?(\d+\.?\d*|\.\d+)$/.test(p))) return true;
  const scale = Math.max(...all.map((p) => (p.split('.')[1] ?? '').length));
  const toInt = (p: string): bigint => {
    const neg = p.startsWith('-');
    const [i = '0', f = ''] = p.replace('-', '').split('.');
    const n = BigInt((i || '0') + f.padEnd(scale, '0'));
    return neg ? -n : n;
  };
  return parts.reduce((s, p) => s + toInt(p), 0n) === toInt(total);
}
