/**
 * Delimiter discovery. X12 carries its own delimiters inside the ISA, which is fixed width
 * precisely so a reader can find them before it knows them: the element separator is the
 * 4th character, the repetition separator ISA11 (5010; a plain 'U' standards id in 4010),
 * the component separator ISA16 and the segment terminator the 106th character.
 */

export interface Delimiters {
  element: string;
  /** null when unknown: bare ST..SE files carry no ISA16. */
  component: string | null;
  /** ISA11 when it is a separator (00402 and later); null in 4010, where ISA11 is 'U'. */
  repetition: string | null;
  segment: string;
}

export const ISA_LENGTH = 106;

/** Where each element separator sits in a well-formed ISA (0-based, relative to the 'I'). */
export const ISA_SEPARATOR_POSITIONS = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103] as const;

/** Fixed widths of ISA01..ISA16, used both to check an ISA and to pad the one we write. */
export const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;

export type DelimiterFailure = {
  ok: false;
  /** TA1 interchange note code (X12 element I18). */
  ta1: string;
  message: string;
};

export type DelimiterResult =
  | { ok: true; delimiters: Delimiters; mode: 'isa' | 'bare'; fixedWidth: boolean; message?: string }
  | DelimiterFailure;

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Bytes a reader may skip before the first segment id: a UTF-8 BOM and whitespace. */
export function skipPreamble(bytes: Uint8Array, from = 0): number {
  let i = from;
  if (i === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  return i;
}

/**
 * Bytes needed past `start` before detection can decide; fewer at the end of input is a
 * truncated file. Bare files need their first segment terminator, searched within a bound.
 */
export const DETECTION_WINDOW = 4096;

function ch(c: number): string {
  return String.fromCharCode(c);
}

/**
 * A delimiter as a message names it: the character, or a control character's byte. A byte past
 * ASCII is not named: text decoded and encoded again on its way here (a file read as UTF-8) no
 * longer holds the file's own byte there.
 */
function named(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0x80) return 'that is not an ASCII character (an X12 delimiter is one ASCII character; is the file in another encoding?)';
  return code < 0x20 || code === 0x7f ? `byte 0x${code.toString(16).toUpperCase().padStart(2, '0')}` : JSON.stringify(c);
}

function checkDistinct(d: Delimiters): DelimiterFailure | null {
  const seg = d.segment.charCodeAt(0);
  const el = d.element.charCodeAt(0);
  if (isAlnum(el) || el === 32 || el >= 0x80) return { ok: false, ta1: '026', message: `invalid element separator ${named(d.element)}` };
  if (isAlnum(seg) || seg === 32 || seg >= 0x80 || d.segment === d.element)
    return { ok: false, ta1: '004', message: `invalid segment terminator ${named(d.segment)}` };
  if (d.component !== null) {
    const co = d.component.charCodeAt(0);
    if (isAlnum(co) || co === 32 || co >= 0x80 || d.component === d.element || d.component === d.segment)
      return { ok: false, ta1: '027', message: `invalid component separator ${named(d.component)}` };
  }
  if (d.repetition !== null && (d.repetition === d.element || d.repetition === d.segment || d.repetition === d.component))
    d.repetition = null;
  return null;
}

/**
 * Reads the delimiters from the bytes at `start` (the first non-blank byte). `final` says no
 * more bytes will come, so a short ISA is a truncated file rather than a reason to wait.
 * Returns null when more bytes are needed.
 */
export function detectDelimiters(bytes: Uint8Array, start: number, final: boolean): DelimiterResult | null {
  const avail = bytes.length - start;
  if (avail < 3) {
    if (!final) return null;
    return { ok: false, ta1: '023', message: avail === 0 ? 'empty input' : 'input ends before the first segment' };
  }
  const b0 = bytes[start]!;
  const b1 = bytes[start + 1]!;
  const b2 = bytes[start + 2]!;
  if (b0 === 73 && b1 === 83 && b2 === 65) return detectFromIsa(bytes, start, final);
  const isGs = b0 === 71 && b1 === 83;
  const isSt = b0 === 83 && b1 === 84;
  if ((isGs || isSt) && !isAlnum(b2)) return detectBare(bytes, start, final);
  return { ok: false, ta1: '022', message: 'not X12: input does not start with ISA, GS or ST' };
}

function detectFromIsa(bytes: Uint8Array, start: number, final: boolean): DelimiterResult | null {
  const avail = bytes.length - start;
  if (avail < 4) return final ? { ok: false, ta1: '023', message: 'input ends inside the ISA segment' } : null;
  const el = bytes[start + 3]!;
  let fixed = avail >= ISA_LENGTH;
  if (fixed) for (const p of ISA_SEPARATOR_POSITIONS) if (bytes[start + p] !== el) fixed = false;
  if (fixed && bytes[start + 104] === el) fixed = false;
  if (fixed) {
    const d: Delimiters = {
      element: ch(el),
      component: ch(bytes[start + 104]!),
      repetition: repetitionSeparator(bytes[start + 82]!, bytes.subarray(start + 84, start + 89)),
      segment: ch(bytes[start + 105]!),
    };
    const bad = checkDistinct(d);
    return bad ?? { ok: true, delimiters: d, mode: 'isa', fixedWidth: true };
  }
  if (avail < ISA_LENGTH && !final) return null;
  // Senders that trim the padded ISA fields exist; find ISA16 by counting separators so the
  // file is still read and reported (as a fixed-width violation) instead of being garbage.
  let count = 0;
  const limit = Math.min(bytes.length, start + DETECTION_WINDOW);
  for (let i = start + 3; i < limit; i++) {
    if (bytes[i] !== el) continue;
    count++;
    if (count === 16) {
      if (i + 2 >= bytes.length) break;
      const isa11 = isaElement(bytes, start, el, 11);
      const isa12 = isaElement(bytes, start, el, 12);
      const d: Delimiters = {
        element: ch(el),
        component: ch(bytes[i + 1]!),
        repetition: isa11 && isa12 && isa11.length === 1 ? repetitionSeparator(isa11[0]!, isa12) : null,
        segment: ch(bytes[i + 2]!),
      };
      const bad = checkDistinct(d);
      return (
        bad ?? {
          ok: true,
          delimiters: d,
          mode: 'isa',
          fixedWidth: false,
          message: 'ISA is not fixed width (106 characters): fields are not padded to their lengths',
        }
      );
    }
  }
  if (!final && bytes.length - start < DETECTION_WINDOW) return null;
  return { ok: false, ta1: '023', message: 'input ends inside the ISA segment (fewer than 16 elements)' };
}

/** The bytes of ISA element `n` (after the n-th separator), or null when the input ends first. */
function isaElement(bytes: Uint8Array, start: number, el: number, n: number): Uint8Array | null {
  let count = 0;
  for (let i = start + 3; i < bytes.length; i++) {
    if (bytes[i] !== el) continue;
    count++;
    if (count === n) {
      const end = bytes.indexOf(el, i + 1);
      return end < 0 ? null : bytes.subarray(i + 1, end);
    }
  }
  return null;
}

/**
 * ISA11 is the repetition separator from interchange version 00402 on; before it, ISA11 is the
 * standards identifier ('U') and the interchange has no repetition separator, whatever
 * character the sender put there (X12.5). A letter, digit or space is never a separator.
 */
function repetitionSeparator(isa11: number, isa12: Uint8Array): string | null {
  if (isAlnum(isa11) || isa11 === 32) return null;
  let version = '';
  for (const b of isa12) version += ch(b);
  return isa11IsStandardsId(version) ? null : ch(isa11);
}

/** Whether ISA11 of an interchange of this version (ISA12) is the standards identifier, not a separator: before 00402. */
export function isa11IsStandardsId(version: string): boolean {
  return /^\d{5}$/.test(version) && version < '00402';
}

function detectBare(bytes: Uint8Array, start: number, final: boolean): DelimiterResult | null {
  const el = bytes[start + 2]!;
  const limit = Math.min(bytes.length, start + DETECTION_WINDOW);
  // Header values are digits, letters, spaces and a little punctuation; the first byte that is
  // none of these ends the GS or ST segment and so is the segment terminator.
  for (let i = start + 3; i < limit; i++) {
    const c = bytes[i]!;
    if (c === el || isAlnum(c) || c === 32 || c === 46 || c === 45 || c === 95) continue;
    const d: Delimiters = { element: ch(el), component: null, repetition: null, segment: ch(c) };
    const bad = checkDistinct(d);
    return bad ?? { ok: true, delimiters: d, mode: 'bare', fixedWidth: true };
  }
  if (!final && bytes.length - start < DETECTION_WINDOW) return null;
  return { ok: false, ta1: '004', message: 'no segment terminator found after the first segment' };
}
