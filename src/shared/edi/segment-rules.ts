import type { EdiError } from './ack-codes';
import { ACTIVITY_CODES, HL_LEVEL_CODES, UNIT_CODES } from './code-lists';
import type { Segment } from './tokenize';

/**
 * Element definitions (X12 004010 tables) for the segments RxLedger reads. Segments not listed
 * here are passed over without element checks: they carry nothing we store. DTM01, REF01 and
 * QTY01 are checked for shape only: partners use many more values than the ones we read.
 */
type ElementType = 'AN' | 'ID' | 'N0' | 'R' | 'DT' | 'TM';

interface ElementRule {
  ref: string;
  req: 'M' | 'O' | 'C';
  type: ElementType;
  min: number;
  max: number;
  /** The accepted values. */
  codes?: CodeSet;
  /** Composite: only the first component is checked against the rule. */
  composite?: boolean;
  /** The form a code of an open-ended list must have, where the list itself is not checked. */
  shape?: RegExp;
}

interface SegmentRule {
  elements: ElementRule[];
  /** Paired elements (X12 "P" relational condition): if either is present, both are required. */
  pairs?: Array<[number, number]>;
  /** Elements from this position on repeat the rules of the pair starting at `repeatFrom`. */
  repeat?: { from: number; pair: [ElementRule, ElementRule] };
}

/**
 * A code list, looked up with values cut from the input (new strings each time): codes of up to
 * three characters, nearly all of them, are looked up by a number made of their characters,
 * which needs no hashing of the string.
 */
class CodeSet {
  private readonly short = new Set<number>();
  private readonly long = new Set<string>();

  constructor(codes: Iterable<string>) {
    for (const c of codes) {
      const k = shortKey(c);
      if (k >= 0) this.short.add(k);
      else this.long.add(c);
    }
  }

  has(v: string): boolean {
    const k = shortKey(v);
    return k >= 0 ? this.short.has(k) : this.long.has(v);
  }
}

/** 1–3 printable ASCII characters as one number; -1 otherwise. */
function shortKey(v: string): number {
  const n = v.length;
  if (n === 0 || n > 3) return -1;
  let key = n;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c > 126) return -1;
    key = key * 128 + c;
  }
  return key;
}

const el = (ref: string, req: ElementRule['req'], type: ElementType, min: number, max: number, codes?: Readonly<Record<string, unknown>>): ElementRule =>
  codes ? { ref, req, type, min, max, codes: new CodeSet(Object.keys(codes)) } : { ref, req, type, min, max };

const SDQ_PAIR: [ElementRule, ElementRule] = [el('67', 'C', 'AN', 2, 80), el('380', 'C', 'R', 1, 15)];
// Element 235 has several hundred X12 codes (VC vendor's catalog number, PO purchase order
// number, …) and RxLedger holds only the ones it reads: an unlisted qualifier is passed over,
// not called invalid in the acknowledgment (AK4 7 would tell the partner a valid code is wrong).
// A line still needs an NDC or GTIN qualifier to be used (map.ts).
const QUALIFIER_235: ElementRule = { ...el('235', 'C', 'ID', 2, 2), shape: /^[A-Z0-9]{2}$/ };
const LIN_PAIR: [ElementRule, ElementRule] = [QUALIFIER_235, el('234', 'C', 'AN', 1, 48)];

const RULES: Readonly<Record<string, SegmentRule>> = {
  ST: { elements: [el('143', 'M', 'ID', 3, 3), el('329', 'M', 'AN', 4, 9), el('1705', 'O', 'AN', 1, 35)] },
  SE: { elements: [el('96', 'M', 'N0', 1, 10), el('329', 'M', 'AN', 4, 9)] },
  GS: {
    elements: [
      el('479', 'M', 'ID', 2, 2),
      el('142', 'M', 'AN', 2, 15),
      el('124', 'M', 'AN', 2, 15),
      el('373', 'M', 'DT', 8, 8),
      el('337', 'M', 'TM', 4, 8),
      el('28', 'M', 'N0', 1, 9),
      el('455', 'M', 'ID', 1, 2),
      el('480', 'M', 'AN', 1, 12),
    ],
  },
  GE: { elements: [el('97', 'M', 'N0', 1, 6), el('28', 'M', 'N0', 1, 9)] },
  IEA: { elements: [el('I16', 'M', 'N0', 1, 5), el('I12', 'M', 'N0', 9, 9)] },
  XQ: {
    elements: [el('305', 'M', 'ID', 1, 1), el('373', 'M', 'DT', 8, 8), el('373', 'O', 'DT', 8, 8), el('127', 'O', 'AN', 1, 30), el('127', 'O', 'AN', 1, 30)],
  },
  LIN: {
    elements: [el('350', 'O', 'AN', 1, 20), { ...QUALIFIER_235, req: 'M' }, el('234', 'M', 'AN', 1, 48)],
    repeat: { from: 4, pair: LIN_PAIR },
  },
  ZA: {
    elements: [
      el('859', 'M', 'ID', 2, 2, ACTIVITY_CODES),
      el('380', 'C', 'R', 1, 15),
      el('355', 'C', 'ID', 2, 2, UNIT_CODES),
      el('374', 'C', 'ID', 3, 3),
      el('373', 'C', 'DT', 8, 8),
      el('128', 'C', 'ID', 2, 3),
      el('127', 'C', 'AN', 1, 30),
      el('1073', 'O', 'ID', 1, 1),
    ],
    pairs: [
      [2, 3],
      [4, 5],
      [6, 7],
    ],
  },
  SDQ: {
    elements: [el('355', 'M', 'ID', 2, 2, UNIT_CODES), el('66', 'O', 'ID', 1, 2), el('67', 'M', 'AN', 2, 80), el('380', 'M', 'R', 1, 15)],
    repeat: { from: 5, pair: SDQ_PAIR },
  },
  QTY: { elements: [el('673', 'M', 'ID', 2, 2), el('380', 'C', 'R', 1, 15), { ...el('355', 'O', 'ID', 2, 2, UNIT_CODES), composite: true }, el('61', 'C', 'AN', 1, 30)] },
  BIA: { elements: [el('353', 'M', 'ID', 2, 2), el('755', 'M', 'ID', 2, 2), el('127', 'M', 'AN', 1, 30), el('373', 'M', 'DT', 8, 8), el('337', 'O', 'TM', 4, 8), el('306', 'O', 'ID', 1, 2)] },
  BSN: {
    elements: [el('353', 'M', 'ID', 2, 2), el('396', 'M', 'AN', 2, 30), el('373', 'M', 'DT', 8, 8), el('337', 'M', 'TM', 4, 8), el('1005', 'O', 'ID', 4, 4), el('640', 'O', 'ID', 2, 2), el('641', 'O', 'ID', 3, 3)],
  },
  HL: { elements: [el('628', 'M', 'AN', 1, 12), el('734', 'O', 'AN', 1, 12), el('735', 'M', 'ID', 1, 2, HL_LEVEL_CODES), el('736', 'O', 'ID', 1, 1)] },
  SN1: {
    elements: [
      el('350', 'O', 'AN', 1, 20),
      el('382', 'M', 'R', 1, 15),
      el('355', 'M', 'ID', 2, 2, UNIT_CODES),
      el('646', 'O', 'R', 1, 15),
      el('330', 'C', 'R', 1, 15),
      el('355', 'C', 'ID', 2, 2, UNIT_CODES),
      el('728', 'O', 'ID', 2, 2),
      el('668', 'O', 'ID', 2, 2),
    ],
    pairs: [[5, 6]],
  },
  PRF: { elements: [el('324', 'M', 'AN', 1, 22), el('328', 'O', 'AN', 1, 8), el('327', 'O', 'AN', 1, 8), el('373', 'O', 'DT', 8, 8)] },
  MAN: { elements: [el('88', 'M', 'ID', 1, 2), el('87', 'M', 'AN', 1, 48), el('87', 'O', 'AN', 1, 48)] },
  DTM: {
    elements: [el('374', 'M', 'ID', 3, 3), el('373', 'C', 'DT', 8, 8), el('337', 'C', 'TM', 4, 8), el('623', 'O', 'ID', 2, 2)],
  },
  REF: { elements: [el('128', 'M', 'ID', 2, 3), el('127', 'C', 'AN', 1, 50), el('352', 'C', 'AN', 1, 80)] },
  N1: { elements: [el('98', 'M', 'ID', 2, 3), el('93', 'C', 'AN', 1, 60), el('66', 'C', 'ID', 1, 2), el('67', 'C', 'AN', 2, 80)], pairs: [[3, 4]] },
  N3: { elements: [el('166', 'M', 'AN', 1, 55), el('166', 'O', 'AN', 1, 55)] },
  N4: { elements: [el('19', 'O', 'AN', 2, 30), el('156', 'O', 'ID', 2, 2), el('116', 'O', 'ID', 3, 15), el('26', 'O', 'ID', 2, 3), el('309', 'C', 'ID', 1, 2), el('310', 'C', 'AN', 1, 30)] },
  CTT: { elements: [el('354', 'M', 'N0', 1, 6), el('347', 'O', 'R', 1, 10)] },
};

/** Looked up once per segment read: a Map, not an object keyed by the segment id. */
export const SEGMENT_RULES: ReadonlyMap<string, SegmentRule> = new Map(Object.entries(RULES));


const DIGITS = /^\d+$/;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isValidDate(v: string): boolean {
  if (!DIGITS.test(v) || (v.length !== 8 && v.length !== 6)) return false;
  const year = v.length === 8 ? Number(v.slice(0, 4)) : 2000 + Number(v.slice(0, 2));
  const m = Number(v.slice(-4, -2));
  const d = Number(v.slice(-2));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return d <= (m === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[m]!);
}

export function isValidTime(v: string): boolean {
  if (!DIGITS.test(v) || v.length < 4 || v.length > 8) return false;
  const h = Number(v.slice(0, 2));
  const mi = Number(v.slice(2, 4));
  const s = v.length >= 6 ? Number(v.slice(4, 6)) : 0;
  return h <= 23 && mi <= 59 && s <= 59;
}

/**
 * One element against its rule, in one pass over its characters (this runs for every element of
 * every segment read): control characters, the type's shape (N0 integer, R decimal, DT/TM digits),
 * the length as X12 counts it (signs and decimal points not counted for N0 and R), the code list.
 */
function checkValue(rule: ElementRule, raw: string, component: string | null): { code: string; message: string } | null {
  let v = raw;
  if (rule.composite && component !== null) {
    const cut = v.indexOf(component);
    if (cut >= 0) v = v.slice(0, cut);
  }
  let digits = 0;
  let signs = 0;
  let points = 0;
  let other = false;
  let signNotFirst = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c === 127) return { code: '6', message: 'control character in element' };
    if (c >= 48 && c <= 57) digits++;
    else if (c === 45) {
      signs++;
      if (i !== 0) signNotFirst = true;
    } else if (c === 46) points++;
    else other = true;
  }
  const numeric = !other && digits > 0 && signs <= 1 && !signNotFirst;
  switch (rule.type) {
    case 'N0':
      if (!numeric || points > 0) return { code: '6', message: `"${v}" is not a whole number` };
      break;
    case 'R':
      if (!numeric || points > 1) return { code: '6', message: `"${v}" is not a decimal number` };
      break;
    case 'DT':
      if (other || signs > 0 || points > 0 || digits === 0) return { code: '6', message: `"${v}" is not a date (${rule.min === 6 ? 'YYMMDD' : 'CCYYMMDD'})` };
      if ((v.length === rule.min || v.length === rule.max || (rule.min === 6 && v.length === 7)) && !isValidDate(v)) return { code: '8', message: `"${v}" is not a valid date` };
      break;
    case 'TM':
      if (other || signs > 0 || points > 0 || digits === 0) return { code: '6', message: `"${v}" is not a time (HHMM)` };
      if (v.length >= rule.min && v.length <= rule.max && !isValidTime(v)) return { code: '9', message: `"${v}" is not a valid time` };
      break;
    default:
      break;
  }
  const len = rule.type === 'N0' || rule.type === 'R' ? v.length - signs - points : v.length;
  if (len < rule.min) return { code: '4', message: `"${v}" is shorter than ${rule.min}` };
  if (len > rule.max) return { code: '5', message: `"${v}" is longer than ${rule.max}` };
  if (rule.codes && !rule.codes.has(v)) return { code: '7', message: `"${v}" is not a code RxLedger accepts for element ${rule.ref}` };
  if (rule.shape && !rule.shape.test(v)) return { code: '7', message: `"${v}" is not an X12 code (capital letters and digits)` };
  return null;
}

function ruleAt(rule: SegmentRule, i: number): ElementRule | undefined {
  if (i <= rule.elements.length) return rule.elements[i - 1];
  if (!rule.repeat || i < rule.repeat.from) return undefined;
  return rule.repeat.pair[(i - rule.repeat.from) % 2];
}

function elementError(seg: Segment, element: number, r: ElementRule | undefined, code: string, message: string, badValue?: string): EdiError {
  const e: EdiError = { level: 'element', code, severity: 'error', message: `${seg.id}${String(element).padStart(2, '0')}: ${message}`, segmentId: seg.id, element };
  if (r) e.elementRef = r.ref;
  // AK404 must not repeat an invalid character back to the sender.
  if (badValue !== undefined && code !== '6') e.badValue = badValue;
  return e;
}

/**
 * Checks the elements of one segment against its rule (dates as YYMMDD where `shortDates`, for
 * a group before release 004010: sixDigitDates). Returns AK4-level errors (code = AK403
 * value); the caller wraps them in an AK3 code 8. Runs once per segment, so it allocates only
 * when something is wrong.
 */
export function checkElements(seg: Segment, component: string | null, shortDates = false): readonly EdiError[] {
  const rule = SEGMENT_RULES.get(seg.id);
  if (rule === undefined) return NO_ERRORS;
  let out: EdiError[] | null = null;
  const els = seg.elements;
  const count = els.length - 1;
  const maxElements = rule.repeat ? Math.max(rule.elements.length, rule.repeat.from + 1 + 2 * 13) : rule.elements.length;
  const last = Math.max(count, rule.elements.length);
  for (let i = 1; i <= last; i++) {
    const r = ruleAt(rule, i);
    const v = els[i] ?? '';
    if (!r) {
      if (i > maxElements && v !== '') {
        (out ??= []).push(elementError(seg, i, undefined, '3', 'too many data elements'));
        break;
      }
      continue;
    }
    if (v === '') {
      if (r.req === 'M') (out ??= []).push(elementError(seg, i, r, '1', 'required data element missing'));
      continue;
    }
    const bad = checkValue(shortDates && r.type === 'DT' ? SHORT_DATE : r, v, component);
    if (bad) (out ??= []).push(elementError(seg, i, r, bad.code, bad.message, v.slice(0, 99)));
  }
  const pairs = rule.pairs;
  if (pairs) for (let k = 0; k < pairs.length; k++) out = checkPair(seg, rule, pairs[k]![0], pairs[k]![1], out);
  if (rule.repeat) for (let i = rule.repeat.from; i <= count; i += 2) out = checkPair(seg, rule, i, i + 1, out);
  return out ?? NO_ERRORS;
}

const NO_ERRORS: readonly EdiError[] = Object.freeze([]);

/**
 * Element 373 (Date) before release 004010: YYMMDD, or CCYYMMDD from partners that widened their
 * dates for 2000 while staying on the older release; either is checked as the date it is.
 */
const SHORT_DATE: ElementRule = { ref: '373', req: 'O', type: 'DT', min: 6, max: 8 };

/**
 * Whether a group of this version (GS08, "003060", "004010X…") writes its dates as YYMMDD: X12
 * widened element 373 to CCYYMMDD in release 004010, and earlier releases' dates are six digits.
 * An unknown or empty version is read as a current one.
 */
export function sixDigitDates(version: string): boolean {
  return /^00[0-3]\d{3}/.test(version) || /^0040(0\d)/.test(version);
}

function checkPair(seg: Segment, rule: SegmentRule, a: number, b: number, out: EdiError[] | null): EdiError[] | null {
  const va = seg.elements[a] ?? '';
  const vb = seg.elements[b] ?? '';
  if (va !== '' && vb === '') (out ??= []).push(elementError(seg, b, ruleAt(rule, b), '2', `required when ${seg.id}${String(a).padStart(2, '0')} is present`));
  else if (vb !== '' && va === '') (out ??= []).push(elementError(seg, a, ruleAt(rule, a), '2', `required when ${seg.id}${String(b).padStart(2, '0')} is present`));
  return out;
}

/** Segment ids X12 allows: two or three characters, a letter first. */
export const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

/** SEGMENT_ID.test(id), without a regular expression: it runs for every segment read. */
export function isSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  const first = id.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  for (let i = 1; i < n; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** Segments defined in each transaction set we read (X12 004010 tables, abridged). */
export const DEFINED_SEGMENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  '852': new Set(
    'ST XQ XPO N9 MSG N1 N2 N3 N4 REF PER LIN PO4 PID MEA PKG UIT CTP PO3 ZA SDQ QTY G95 LDT DTM LM LQ SAC CUR AMT TD1 TD5 CTT SE'.split(' '),
  ),
  '846': new Set(
    'ST BIA CUR REF PER MEA DTM N1 N2 N3 N4 LIN SLN PID MEA PKG PO4 SAC AMT LDT QTY SDQ CTP G53 CS LS LE DD LM LQ FOB TD1 TD5 CTT SE'.split(' '),
  ),
  '856': new Set(
    'ST BSN DTM HL LIN SN1 SLN PRF PO4 PID MEA PWK PKG TD1 TD5 TD3 TD4 TSD REF PER LH1 LH2 LH3 LFH LEP LH4 LHT LHR CLD MAN FOB PAL N1 N2 N3 N4 SDQ ETD CUR SAC GF YNQ LM LQ V1 V9 H1 H2 NTE QTY SN3 PSD CTT SE'.split(
      ' ',
    ),
  ),
};
