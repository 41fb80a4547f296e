import { checkAssociations } from './gs1-associations';
import { CHARSET_NAMES, firstOutsideCharset, lookupAi, type AiDefinition } from './gs1-ai-table';
import { gs1CheckDigit } from './gs1-check-digit';
import { parseGs1Date } from './gs1-date';
import { DATE_LINTS, lintComponent } from './gs1-lint';
import type { IdentifierIssue } from './identifier-issue';
import type { Symbology } from './symbology';

export interface Gs1Element {
  ai: string;
  title: string;
  value: string;
  /** 0-based index of the AI in the input as given. */
  position: number;
  /** ISO date ("2027-02-28") or date-time ("2027-02-28T14:30") for date AIs. */
  date?: string;
}

export type Gs1Source = 'element-string' | 'hri' | 'digital-link';

export interface Gs1Message {
  ok: true;
  symbology: Symbology | null;
  source: Gs1Source;
  elements: Gs1Element[];
  /** AI 01, 14 digits. */
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  /** AI 17 as YYYY-MM-DD; falls back to the date part of AI 7003 when 17 is absent. */
  expiry: string | null;
  /** AI 7003 as YYYY-MM-DDThh:mm. */
  expiryDateTime: string | null;
  /** AI 15. Not an expiry: kept apart so a best-before date is never taken for one. */
  bestBefore: string | null;
  productionDate: string | null;
  sscc: string | null;
  /** AI 02, the GTIN of the items inside a logistic unit. */
  contentGtin: string | null;
  /** AI 37 (count of trade items in a logistic unit). */
  count: number | null;
  /** The human-readable interpretation, "(01)…(17)…(10)…". */
  hri: string;
  /** Things that parsed but look wrong, e.g. a lot that seems to have swallowed a date. */
  warnings: string[];
}

function label(def: AiDefinition): string {
  return `(AI ${def.ai})`;
}

/** "characters 7–12", or "character 9" for one. */
function span(start: number, end: number): string {
  return end - start === 1 ? `character ${end}` : `characters ${start + 1}–${end}`;
}

function where(position: number): string {
  return `at character ${position + 1}`;
}

/** Checks one element against its definition: length, characters, check digit, date. */
export function validateElement(def: AiDefinition, value: string, position: number, now: Date): Gs1Element | IdentifierIssue {
  // The failure texts are built only on failure: this runs for every element of every scan.
  if (value.length < def.minLength) {
    return {
      ai: def.ai,
      position,
      value,
      code: def.fixedLength ? 'truncated' : 'too-short',
      message: def.fixedLength
        ? `The ${def.label} ${label(def)} ${where(position)} is cut short: ${value.length} of ${def.minLength} characters. The code is damaged or incomplete; scan again.`
        : `The ${def.label} ${label(def)} ${where(position)} is empty or too short (needs at least ${def.minLength} characters).`,
    };
  }
  if (value.length > def.maxLength) {
    return {
      ai: def.ai,
      position,
      value,
      code: 'too-long',
      message: `The ${def.label} ${label(def)} ${where(position)} is ${value.length} characters long; GS1 allows at most ${def.maxLength}. The code is damaged or a separator (GS) after it is missing.`,
    };
  }
  const components = def.components;
  let offset = 0;
  for (let i = 0; i < components.length; i++) {
    const component = components[i]!;
    const end = i === components.length - 1 ? value.length : Math.min(value.length, offset + component.max);
    const start = offset;
    const bad = firstOutsideCharset(value, offset, end, component.charset);
    offset = end;
    if (bad >= 0) {
      const ch = value[bad] ?? '';
      const shown = ch === ' ' ? 'a space' : /[\x00-\x1f\x7f]/.test(ch) ? `control character 0x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `"${ch}"`;
      return {
        ai: def.ai,
        position,
        value,
        code: 'bad-characters',
        message: `The ${def.label} ${label(def)} ${where(position)} contains ${shown}; it may hold ${CHARSET_NAMES[component.charset]}. The code is damaged or was misread.`,
      };
    }
    // An optional part may be left out only where the data ends; one the data reaches is whole.
    if (component.optionalFixed && end > start && end - start < component.max) {
      return {
        ai: def.ai,
        position,
        value,
        code: 'truncated',
        message: `The ${def.label} ${label(def)} ${value} ${where(position)} is cut short: its last part "${value.slice(start, end)}" (${span(start, end)} of the value) has ${end - start} of ${component.max} characters. The code is damaged or incomplete; scan again.`,
      };
    }
    // An optional component the data does not reach is absent, not empty.
    if (component.lints && end > start) {
      const part = value.slice(start, end);
      for (const lint of component.lints) {
        const broken = lintComponent(lint, part, now);
        if (broken === null) continue;
        const which = components.length === 1 ? '' : `: its part "${part}" (${span(start, end)} of the value)`;
        return {
          ai: def.ai,
          position,
          value,
          code: DATE_LINTS.has(lint) ? 'bad-date' : 'bad-value',
          message: `The ${def.label} ${label(def)} ${value} ${where(position)}${which} ${broken} (GS1 Barcode Syntax Dictionary rule "${lint}"). The code is damaged or was printed wrong.`,
        };
      }
    }
  }
  if (def.checkDigitOver !== undefined) {
    const n = def.checkDigitOver;
    const expected = gs1CheckDigit(value.length > n - 1 ? value.slice(0, n - 1) : value);
    const got = value.charCodeAt(n - 1) - 48;
    if (expected !== got) {
      const key = value.slice(0, n);
      return {
        ai: def.ai,
        position,
        value,
        code: 'bad-check-digit',
        message: `The ${def.label} ${label(def)} ${key} ${where(position)} has a wrong check digit (last digit ${key.slice(-1)}, expected ${expected}). The code is damaged or was misread; scan again.`,
      };
    }
  }
  if (def.lint !== undefined) {
    const broken = lintProblem(def.lint, value);
    if (broken) return { ai: def.ai, position, value, code: 'bad-value', message: `The ${def.label} ${label(def)} ${value} ${where(position)} ${broken}. The code is damaged or was printed wrong.` };
  }
  const element: Gs1Element = { ai: def.ai, title: def.title, value, position };
  if (def.date) {
    const parsed = parseGs1Date(value, def.date, now);
    if (!parsed.ok) {
      return { ai: def.ai, position, value, code: 'bad-date', message: `The ${def.label} ${label(def)} ${value} ${where(position)} is not a real date: ${parsed.reason}.` };
    }
    element.date = parsed.iso;
  }
  return element;
}

/** What a Syntax Dictionary rule finds wrong with the value, or null. */
function lintProblem(lint: NonNullable<AiDefinition['lint']>, value: string): string | null {
  if (lint === 'zeroFirst') return value.startsWith('0') ? null : 'must start with 0 (the GRAI is a 0 and a 13-digit key)';
  if (lint === 'noZeroPrefix') return value.length > 1 && value.startsWith('0') ? 'must not start with 0' : null;
  // pieceOfTotal: the last four digits are the piece number and the total number of pieces.
  const piece = Number(value.slice(14, 16));
  const total = Number(value.slice(16, 18));
  if (piece === 0 || total === 0) return `names piece ${piece} of ${total}: piece and total count from 1`;
  return piece > total ? `names piece ${piece} of ${total}: the piece number is larger than the total` : null;
}

export function isIssue<T extends object>(x: T | IdentifierIssue): x is IdentifierIssue {
  return 'code' in x && 'message' in x;
}

/** AIs that commonly follow a lot or serial; seeing one with a valid date at the end of a value hints a lost separator. */
const SWALLOWED_DATE = /(1[1-7])(\d{6})$/;

function swallowWarning(el: Gs1Element, now: Date): string | null {
  if (el.ai !== '10' && el.ai !== '21') return null;
  const m = SWALLOWED_DATE.exec(el.value);
  if (!m || m.index === 0 || !m[2]) return null;
  if (!parseGs1Date(m[2], 'yymmd0', now).ok) return null;
  return `The ${el.ai === '10' ? 'lot' : 'serial'} "${el.value}" ends in what looks like a (${m[1]}) date; if the package shows a shorter ${el.ai === '10' ? 'lot' : 'serial'}, the barcode lacks a separator. Check it against the label.`;
}

function find(elements: readonly Gs1Element[], ai: string): Gs1Element | undefined {
  for (let i = 0; i < elements.length; i++) if (elements[i]!.ai === ai) return elements[i];
  return undefined;
}

/**
 * Builds the summary from validated elements; refuses one AI carried twice with different values,
 * and (unless `associations` is false) a combination the GS1 association rules forbid.
 */
export function summarise(
  elements: Gs1Element[],
  symbology: Symbology | null,
  source: Gs1Source,
  now: Date,
  associations = true,
): Gs1Message | IdentifierIssue {
  // A code holds a handful of elements: a linear scan beats a Map here.
  const unique: Gs1Element[] = [];
  for (const el of elements) {
    const prior = find(unique, el.ai);
    if (prior === undefined) unique.push(el);
    else if (prior.value !== el.value) {
      return {
        code: 'conflicting-ai',
        ai: el.ai,
        position: el.position,
        value: el.value,
        message: `The code carries the ${lookupAi(el.ai)?.label ?? 'element'} (AI ${el.ai}) twice with different values ("${prior.value}" and "${el.value}"); it cannot be trusted. Set the package aside and check it.`,
      };
    }
  }
  if (associations) {
    const broken = checkAssociations(unique);
    if (broken) return broken;
  }
  let hri = '';
  const warnings: string[] = [];
  let gtin: string | null = null;
  let lot: string | null = null;
  let serial: string | null = null;
  let expiry: string | null = null;
  let exp7003: string | null = null;
  let bestBefore: string | null = null;
  let productionDate: string | null = null;
  let sscc: string | null = null;
  let contentGtin: string | null = null;
  let count: number | null = null;
  for (const e of unique) {
    hri += `(${e.ai})${e.value}`;
    switch (e.ai) {
      case '01':
        gtin = e.value;
        break;
      case '10':
      case '21': {
        if (e.ai === '10') lot = e.value;
        else serial = e.value;
        const w = swallowWarning(e, now);
        if (w !== null) warnings.push(w);
        break;
      }
      case '17':
        expiry = e.date ?? null;
        break;
      case '7003':
        exp7003 = e.date ?? null;
        break;
      case '15':
        bestBefore = e.date ?? null;
        break;
      case '11':
        productionDate = e.date ?? null;
        break;
      case '00':
        sscc = e.value;
        break;
      case '02':
        contentGtin = e.value;
        break;
      case '37':
        count = Number(e.value);
        break;
    }
  }
  return {
    ok: true,
    symbology,
    source,
    elements: unique,
    gtin,
    lot,
    serial,
    expiry: expiry ?? (exp7003 === null ? null : exp7003.slice(0, 10)),
    expiryDateTime: exp7003,
    bestBefore,
    productionDate,
    sscc,
    contentGtin,
    count,
    hri,
    warnings,
  };
}
