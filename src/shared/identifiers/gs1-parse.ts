import { LEFT_OUT_AIS, lookupAi, lookupAiAt, type AiDefinition } from './gs1-ai-table';
import { parseDigitalLink } from './gs1-digital-link';
import { isIssue, summarise, validateElement, type Gs1Element, type Gs1Message, type Gs1Source } from './gs1-element';
import type { Failure, IdentifierIssue } from './identifier-issue';
import { splitSymbologyId, type Symbology } from './symbology';

export interface Gs1ParseOptions {
  /** The reference for the two-digit-year window; defaults to the current time. */
  now?: Date;
  /**
   * Characters that stand for FNC1 between elements. Default GS (0x1D). Some scanners are set
   * up to send another character instead (often "|" or "~"); list it here, not in the data.
   */
  separators?: readonly string[];
  /**
   * Check the GS1 association rules (invalid pairs, mandatory associations) on this code alone.
   * Default true. Set false only when the elements of several barcodes of one package are
   * joined and checked together with `checkAssociations`.
   */
  associations?: boolean;
}

export type Gs1Failure = Failure & { symbology: Symbology | null; elements: Gs1Element[] };
export type Gs1Result = Gs1Message | Gs1Failure;

function failure(issue: IdentifierIssue, symbology: Symbology | null, elements: Gs1Element[]): Gs1Failure {
  return { ok: false, error: issue.message, issue, symbology, elements };
}

function finish(elements: Gs1Element[], symbology: Symbology | null, source: Gs1Source, now: Date, associations: boolean | undefined): Gs1Result {
  const message = summarise(elements, symbology, source, now, associations !== false);
  return isIssue(message) ? failure(message, symbology, elements) : message;
}

function unknownAi(data: string, i: number, position: number): IdentifierIssue {
  const ahead = data.slice(i, i + 4);
  const digits = /^\d+/.exec(ahead)?.[0] ?? '';
  if (digits.length >= 2) {
    return {
      code: 'unknown-ai',
      ai: digits,
      position,
      value: data.slice(i),
      message: `"${ahead}" at character ${position + 1} does not start any GS1 application identifier RxLedger knows. The code is damaged, or it is not a GS1 code.`,
    };
  }
  const shown = data.slice(i, i + 12).replace(/[\x00-\x1f]/g, '·');
  return {
    code: 'unknown-ai',
    position,
    value: data.slice(i),
    message: `Expected a GS1 application identifier (digits) at character ${position + 1} but found "${shown}". The code is damaged, or it is not a GS1 code.`,
  };
}

/**
 * Raw element string as scanners send it: elements run together, a variable-length element ends
 * at a separator or at the end. Leading, doubled and trailing separators carry no data and are
 * skipped, as is a superfluous one after a fixed-length element.
 */
export function parseElementString(data: string, opts: Gs1ParseOptions = {}, symbology: Symbology | null = null, offset = 0): Gs1Result {
  return readElementString(data, opts, opts.now ?? new Date(), symbology, offset);
}

const GS_CODE = 0x1d;

/** Whether `data[i]` is a separator: GS by default (compared by char code), else one of the scanner's set. */
function isSeparatorAt(data: string, i: number, seps: ReadonlySet<string> | null): boolean {
  return seps === null ? data.charCodeAt(i) === GS_CODE : seps.has(data[i]!);
}

/** Index of the next separator at or after `from` (data.length when none). */
function nextSeparator(data: string, from: number, seps: ReadonlySet<string> | null): number {
  let j = from;
  if (seps === null) {
    while (j < data.length && data.charCodeAt(j) !== GS_CODE) j++;
  } else {
    while (j < data.length && !seps.has(data[j]!)) j++;
  }
  return j;
}

function readElementString(data: string, opts: Gs1ParseOptions, now: Date, symbology: Symbology | null, offset: number): Gs1Result {
  // The default separator (GS) is compared by char code; a scanner-specific set goes through a Set.
  const seps = opts.separators === undefined ? null : new Set(opts.separators);
  const elements: Gs1Element[] = [];
  let i = 0;
  while (i < data.length) {
    if (isSeparatorAt(data, i, seps)) {
      i++;
      continue;
    }
    const def = lookupAiAt(data, i);
    if (!def) return failure(unknownAi(data, i, offset + i), symbology, elements);
    const position = offset + i;
    const start = i + def.ai.length;
    const end = def.fixedLength ? Math.min(nextSeparator(data, start, seps), start + def.maxLength) : nextSeparator(data, start, seps);
    const checked = validateElement(def, data.slice(start, end), position, now);
    if (isIssue(checked)) return failure(checked, symbology, elements);
    // Only AIs of predefined length (§7.8.5.2: first two digits 00–04, 11–20, 31–36, 41) may be
    // followed straight by the next AI; any other, even of fixed length (422, 7003, 8006...),
    // ends with a separator unless it ends the data.
    if (def.fnc1Required && end < data.length && !isSeparatorAt(data, end, seps))
      return failure(missingSeparator(def, position, offset + end), symbology, elements);
    elements.push(checked);
    i = end;
  }
  if (elements.length === 0) {
    return failure({ code: 'empty', position: offset, message: 'The code holds no GS1 data (only separators).' }, symbology, elements);
  }
  return finish(elements, symbology, 'element-string', now, opts.associations);
}

function missingSeparator(def: AiDefinition, position: number, at: number): IdentifierIssue {
  return {
    code: 'missing-separator',
    ai: def.ai,
    position,
    message: `The ${def.label} (AI ${def.ai}) at character ${position + 1} is followed straight by more data at character ${at + 1}: GS1 requires a separator (FNC1/GS) after AI ${def.ai}, which is not one of the predefined-length AIs. The barcode was printed wrong; type the label's values by hand.`,
  };
}

const HRI_AI = /\s*\((\d{2,4})\)\s*/y;

/**
 * The human-readable form printed under a barcode, "(01)00300123456782(17)270331(10)A1".
 * Parentheses belong to character set 82, so a lot may contain them: a value ends only where a
 * known AI in parentheses follows, and a fixed-length value is taken at its exact length.
 */
export function parseHri(text: string, opts: Gs1ParseOptions = {}, symbology: Symbology | null = null, offset = 0): Gs1Result {
  const now = opts.now ?? new Date();
  const elements: Gs1Element[] = [];
  const data = text.trimEnd();
  const aiAt = (at: number): { def: AiDefinition | undefined; ai: string; next: number } | null => {
    HRI_AI.lastIndex = at;
    const m = HRI_AI.exec(data);
    if (!m) return null;
    const ai = m[1] ?? '';
    return { def: lookupAi(ai), ai, next: HRI_AI.lastIndex };
  };
  let i = 0;
  while (i < data.length) {
    const head = aiAt(i);
    const position = offset + i;
    if (!head) {
      const found = data.slice(i, i + 12);
      return failure(
        { code: 'unknown-ai', position, value: data.slice(i), message: `Expected "(" and an application identifier at character ${position + 1} but found "${found}".` },
        symbology,
        elements,
      );
    }
    if (!head.def) {
      return failure(
        { code: 'unknown-ai', ai: head.ai, position, value: data.slice(i), message: `(${head.ai}) at character ${position + 1} is not a GS1 application identifier RxLedger knows.` },
        symbology,
        elements,
      );
    }
    const def = head.def;
    const start = head.next;
    let end = data.length;
    const fixedEnd = start + def.maxLength;
    const fixedFits = def.fixedLength && (fixedEnd === data.length || (aiAt(fixedEnd)?.def !== undefined));
    if (fixedFits) {
      end = fixedEnd;
    } else {
      for (let j = data.indexOf('(', start); j >= 0; j = data.indexOf('(', j + 1)) {
        const next = aiAt(j);
        if (next?.def) {
          end = j;
          break;
        }
        // A GS1 AI RxLedger does not read: taken into this value, it would make a wrong serial or lot.
        if (next && LEFT_OUT_AIS.has(next.ai)) {
          return failure(
            {
              code: 'unknown-ai',
              ai: next.ai,
              position: offset + j,
              value: data.slice(j),
              message: `(${next.ai}) at character ${offset + j + 1} is a GS1 application identifier RxLedger does not read, so the ${def.label} before it cannot be told from it. Type the label's other values without it.`,
            },
            symbology,
            elements,
          );
        }
      }
    }
    const value = data.slice(start, end).trimEnd();
    const checked = validateElement(def, value, position, now);
    if (isIssue(checked)) return failure(checked, symbology, elements);
    elements.push(checked);
    i = end;
  }
  if (elements.length === 0) {
    return failure({ code: 'empty', position: offset, message: 'No GS1 data was given.' }, symbology, elements);
  }
  return finish(elements, symbology, 'hri', now, opts.associations);
}

/**
 * Any GS1 message: an optional AIM symbology identifier, then a Digital Link URI, the
 * parenthesised human-readable form, or a raw element string.
 */
export function parseGs1(input: string, opts: Gs1ParseOptions = {}): Gs1Result {
  const now = opts.now ?? new Date();
  // Scanners end a scan with CR and/or LF; those are never data.
  const last = input.charCodeAt(input.length - 1);
  const trimmed = last === 10 || last === 13 ? input.replace(/[\r\n]+$/, '') : input;
  const { symbology, data, offset } = splitSymbologyId(trimmed);
  if (!/\S/.test(data)) {
    return failure({ code: 'empty', position: 0, message: 'The scan was empty.' }, symbology, []);
  }
  if (LEADING_URI.test(data)) {
    const lead = data.length - data.trimStart().length;
    const result = parseDigitalLink(data.trim(), symbology, offset + lead, now, opts.associations !== false);
    return isIssue(result) ? failure(result, symbology, []) : result;
  }
  if (LEADING_HRI.test(data)) {
    const lead = data.length - data.trimStart().length;
    return parseHri(data.trimStart(), { ...opts, now }, symbology, offset + lead);
  }
  return readElementString(data, opts, now, symbology, offset);
}

const LEADING_URI = /^\s*https?:\/\//i;
const LEADING_HRI = /^\s*\(\d/;
