import { checkAssociations } from './gs1-associations';
import { CHARSET_NAMES, lookupAi, matchesCharset, type AiDefinition } from './gs1-ai-table';
import { gs1CheckDigit } from './gs1-check-digit';
import { parseGs1Date } from './gs1-date';
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

const label = (def: AiDefinition) => `(AI ${def.ai})`;

/** Checks one element against its definition: length, characters, check digit, date. */
export function validateElement(def: AiDefinition, value: string, position: number, now: Date): Gs1Element | IdentifierIssue {
  const base = { ai: def.ai, position, value };
  const where = `at character ${position + 1}`;
  if (value.length < def.minLength) {
    return {
      ...base,
      code: def.fixedLength ? 'truncated' : 'too-short',
      message: def.fixedLength
        ? `The ${def.label} ${label(def)} ${where} is cut short: ${value.length} of ${def.minLength} characters. The code is damaged or incomplete; scan again.`
        : `The ${def.label} ${label(def)} ${where} is empty or too short (needs at least ${def.minLength} characters).`,
    };
  }
  if (value.length > def.maxLength) {
    return {
      ...base,
      code: 'too-long',
      message: `The ${def.label} ${label(def)} ${where} is ${value.length} characters long; GS1 allows at most ${def.maxLength}. The code is damaged or a separator (GS) after it is missing.`,
    };
  }
  let offset = 0;
  for (const [i, component] of def.components.entries()) {
    const isLast = i === def.components.length - 1;
    const part = isLast ? value.slice(offset) : value.slice(offset, offset + component.max);
    offset += part.length;
    if (!matchesCharset(part, component.charset)) {
      const bad = [...part].find((ch) => !matchesCharset(ch, component.charset)) ?? '';
      const shown = bad === ' ' ? 'a space' : /[\x00-\x1f\x7f]/.test(bad) ? `control character 0x${bad.charCodeAt(0).toString(16).padStart(2, '0')}` : `"${bad}"`;
      return {
        ...base,
        code: 'bad-characters',
        message: `The ${def.label} ${label(def)} ${where} contains ${shown}; it may hold ${CHARSET_NAMES[component.charset]}. The code is damaged or was misread.`,
      };
    }
  }
  if (def.checkDigitOver !== undefined) {
    const key = value.slice(0, def.checkDigitOver);
    const expected = gs1CheckDigit(key.slice(0, -1));
    const got = Number(key.slice(-1));
    if (expected !== got) {
      return {
        ...base,
        code: 'bad-check-digit',
        message: `The ${def.label} ${label(def)} ${key} ${where} has a wrong check digit (last digit ${got}, expected ${expected}). The code is damaged or was misread; scan again.`,
      };
    }
  }
  const element: Gs1Element = { ai: def.ai, title: def.title, value, position };
  if (def.date) {
    const parsed = parseGs1Date(value, def.date, now);
    if (!parsed.ok) {
      return { ...base, code: 'bad-date', message: `The ${def.label} ${label(def)} ${value} ${where} is not a real date: ${parsed.reason}.` };
    }
    element.date = parsed.iso;
  }
  return element;
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
  const seen = new Map<string, Gs1Element>();
  const unique: Gs1Element[] = [];
  for (const el of elements) {
    const prior = seen.get(el.ai);
    if (prior && prior.value !== el.value) {
      return {
        code: 'conflicting-ai',
        ai: el.ai,
        position: el.position,
        value: el.value,
        message: `The code carries the ${lookupAi(el.ai)?.label ?? 'element'} (AI ${el.ai}) twice with different values ("${prior.value}" and "${el.value}"); it cannot be trusted. Set the package aside and check it.`,
      };
    }
    if (!prior) {
      seen.set(el.ai, el);
      unique.push(el);
    }
  }
  if (associations) {
    const broken = checkAssociations(unique);
    if (broken) return broken;
  }
  const get = (ai: string) => seen.get(ai);
  const exp7003 = get('7003')?.date ?? null;
  const count = get('37');
  return {
    ok: true,
    symbology,
    source,
    elements: unique,
    gtin: get('01')?.value ?? null,
    lot: get('10')?.value ?? null,
    serial: get('21')?.value ?? null,
    expiry: get('17')?.date ?? exp7003?.slice(0, 10) ?? null,
    expiryDateTime: exp7003,
    bestBefore: get('15')?.date ?? null,
    productionDate: get('11')?.date ?? null,
    sscc: get('00')?.value ?? null,
    contentGtin: get('02')?.value ?? null,
    count: count ? Number(count.value) : null,
    hri: unique.map((e) => `(${e.ai})${e.value}`).join(''),
    warnings: unique.map((e) => swallowWarning(e, now)).filter((w): w is string => w !== null),
  };
}
