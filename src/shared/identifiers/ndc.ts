import { fail, raise, unwrap, type Failure } from './identifier-issue';

/** The three layouts in which FDA assigns 10-digit NDCs; the label shows which one with hyphens. */
export type Ndc10Layout = '4-4-2' | '5-3-2' | '5-4-1';
/** 5-4-2 is the 11-digit billing form (HIPAA/NCPDP); 6-4-2 the 12-digit form FDA adopted for 2033. */
export type NdcLayout = Ndc10Layout | '5-4-2' | '6-4-2';

export const NDC10_LAYOUTS: readonly Ndc10Layout[] = ['4-4-2', '5-3-2', '5-4-1'];

export interface Ndc {
  /**
   * The 11-digit 5-4-2 form with hyphens, the catalog key. Null only for a 12-digit NDC whose
   * 6-digit labeler code does not start with 0: such a code has no 11-digit form at all.
   */
  ndc11: string | null;
  /** 11 digits when `ndc11` exists, otherwise the 12 digits. */
  digits: string;
  /** Segments of `ndc11` (5-4-2), or of `ndc12` (6-4-2) when there is no 11-digit form. */
  labeler: string;
  product: string;
  package: string;
  /** The layout the code was written in. */
  layout: NdcLayout;
  /** The 10-digit form with hyphens, when the input was a 10-digit NDC. */
  ndc10: string | null;
  /** The 12-digit 6-4-2 form with hyphens; every NDC has one. */
  ndc12: string;
}

export type NdcResult = ({ ok: true } & Ndc) | Failure;

export interface NdcOptions {
  /**
   * Catalog look-up by 11-digit 5-4-2 NDC with hyphens. Needed to read a 10-digit NDC written
   * without hyphens: its layout, and so its 11-digit form, cannot be known otherwise.
   */
  isKnown?: (ndc11: string) => boolean;
}

const LAYOUT_PATTERNS: readonly [NdcLayout, RegExp][] = [
  ['4-4-2', /^(\d{4})-(\d{4})-(\d{2})$/],
  ['5-3-2', /^(\d{5})-(\d{3})-(\d{2})$/],
  ['5-4-1', /^(\d{5})-(\d{4})-(\d)$/],
  ['5-4-2', /^(\d{5})-(\d{4})-(\d{2})$/],
  ['6-4-2', /^(\d{6})-(\d{4})-(\d{2})$/],
];

const ACCEPTED_FORMS =
  'Type it as printed on the package with hyphens (4-4-2, 5-3-2 or 5-4-1, e.g. 0002-1200-30), as the 11-digit billing form (00002-1200-30 or 00002120030), or as the 12-digit 6-4-2 form.';

/** Pads each segment to 5-4-2 (or 6-4-2) widths: this is the whole of NDC10→NDC11 conversion. */
function build(labeler: string, product: string, pkg: string, layout: NdcLayout, ndc10: string | null): Ndc {
  const l6 = labeler.padStart(6, '0');
  const p4 = product.padStart(4, '0');
  const k2 = pkg.padStart(2, '0');
  const ndc12 = `${l6}-${p4}-${k2}`;
  if (l6.startsWith('0')) {
    const l5 = l6.slice(1);
    return { ndc11: `${l5}-${p4}-${k2}`, digits: l5 + p4 + k2, labeler: l5, product: p4, package: k2, layout, ndc10, ndc12 };
  }
  return { ndc11: null, digits: l6 + p4 + k2, labeler: l6, product: p4, package: k2, layout, ndc10, ndc12 };
}

function splitNdc10(digits: string, layout: Ndc10Layout): [string, string, string] {
  switch (layout) {
    case '4-4-2':
      return [digits.slice(0, 4), digits.slice(4, 8), digits.slice(8)];
    case '5-3-2':
      return [digits.slice(0, 5), digits.slice(5, 8), digits.slice(8)];
    case '5-4-1':
      return [digits.slice(0, 5), digits.slice(5, 9), digits.slice(9)];
  }
}

/** Reads a 10-digit NDC (no hyphens) in a layout the caller knows, e.g. from the catalog. */
export function ndcFromNdc10Digits(digits: string, layout: Ndc10Layout): Ndc {
  if (!/^\d{10}$/.test(digits)) {
    raise({ code: 'bad-ndc', message: `"${digits}" is not 10 digits, so it is not a 10-digit NDC.`, value: digits });
  }
  const [l, p, k] = splitNdc10(digits, layout);
  return build(l, p, k, layout, `${l}-${p}-${k}`);
}

/**
 * The possible 11-digit forms of a 10-digit NDC written without hyphens, in layout order
 * 4-4-2, 5-3-2, 5-4-1. Duplicates (only possible for a labeler of all zeros) are dropped.
 */
export function candidatesForNdc10(digits: string): string[] {
  const clean = digits.includes('-') ? digits.replace(/-/g, '') : digits;
  if (!/^\d{10}$/.test(clean)) return [];
  // Each layout padded to 5-4-2 (what ndcFromNdc10Digits builds, written out: this runs for every GTIN scanned).
  const a = `0${clean.slice(0, 4)}-${clean.slice(4, 8)}-${clean.slice(8)}`;
  const b = `${clean.slice(0, 5)}-0${clean.slice(5, 8)}-${clean.slice(8)}`;
  const c = `${clean.slice(0, 5)}-${clean.slice(5, 9)}-0${clean.slice(9)}`;
  const out = [a];
  if (b !== a) out.push(b);
  if (c !== a && c !== b) out.push(c);
  return out;
}

/** Resolves a hyphenless 10-digit NDC against the catalog: exactly one candidate must be known. */
export function resolveNdc10(digits: string, isKnown: (ndc11: string) => boolean): NdcResult {
  const clean = digits.trim();
  if (!/^\d{10}$/.test(clean)) return parseNdc(clean, { isKnown });
  const known = NDC10_LAYOUTS.map((layout) => ndcFromNdc10Digits(clean, layout)).filter(
    (ndc, i, all) => ndc.ndc11 !== null && isKnown(ndc.ndc11) && all.findIndex((o) => o.ndc11 === ndc.ndc11) === i,
  );
  const candidates = candidatesForNdc10(clean);
  const [only] = known;
  if (known.length === 1 && only) return { ok: true, ...only };
  if (known.length === 0) {
    return fail({
      code: 'ndc-unknown',
      message: `NDC ${clean} is not in the drug catalog in any layout (${candidates.join(', ')}). Check the number on the package, or update the catalog.`,
      value: clean,
      candidates,
    });
  }
  const names = known.map((n) => `${n.ndc10} (${n.ndc11})`).join(' or ');
  return fail({
    code: 'ndc-ambiguous',
    message: `NDC ${clean} matches more than one catalog product: ${names}. Type it with the hyphens printed on the package.`,
    value: clean,
    candidates: known.map((n) => n.ndc11 ?? n.ndc12),
  });
}

/** Reads an NDC in any written form. Never guesses the layout of a hyphenless 10-digit code. */
export function parseNdc(input: string, opts: NdcOptions = {}): NdcResult {
  const text = input
    .trim()
    .replace(/^ndc[\s:#]*/i, '')
    .replace(/\s*-\s*|\s+/g, '-');
  if (text === '') return fail({ code: 'empty', message: 'No NDC was entered.', value: input });

  for (const [layout, pattern] of LAYOUT_PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const [, l = '', p = '', k = ''] = m;
    const isTen = layout === '4-4-2' || layout === '5-3-2' || layout === '5-4-1';
    return { ok: true, ...build(l, p, k, layout, isTen ? `${l}-${p}-${k}` : null) };
  }

  if (/^\d{11}$/.test(text)) return { ok: true, ...build(text.slice(0, 5), text.slice(5, 9), text.slice(9), '5-4-2', null) };
  if (/^\d{12}$/.test(text)) return { ok: true, ...build(text.slice(0, 6), text.slice(6, 10), text.slice(10), '6-4-2', null) };
  if (/^\d{10}$/.test(text)) {
    if (opts.isKnown) return resolveNdc10(text, opts.isKnown);
    const candidates = candidatesForNdc10(text);
    return fail({
      code: 'ndc-ambiguous',
      message: `NDC ${text} has no hyphens, so it could be ${candidates.join(', ')}. Type it with the hyphens printed on the package (e.g. 0002-1200-30).`,
      value: text,
      candidates,
    });
  }

  const digitCount = text.replace(/-/g, '').length;
  if (/^[\d-]+$/.test(text)) {
    return fail({
      code: 'bad-ndc',
      message: /^\d+$/.test(text)
        ? `"${input.trim()}" has ${digitCount} digits; an NDC has 10, 11 or 12. ${ACCEPTED_FORMS}`
        : `"${input.trim()}" is not a valid NDC layout (groups ${text.split('-').map((g) => g.length).join('-')}). ${ACCEPTED_FORMS}`,
      value: input,
    });
  }
  return fail({ code: 'bad-ndc', message: `"${input.trim()}" is not an NDC: it contains characters other than digits and hyphens. ${ACCEPTED_FORMS}`, value: input });
}

/** Throwing form of `parseNdc`, for data that is expected to be well formed (catalog files). */
export function normalizeNdc(input: string, opts: NdcOptions = {}): Ndc {
  const { ok: _ok, ...ndc } = unwrap(parseNdc(input, opts));
  return ndc;
}

/** The padding zero each 10-digit layout adds when it becomes 5-4-2, as an index into the 11 digits. */
const PAD_INDEX: Record<Ndc10Layout, number> = { '4-4-2': 0, '5-3-2': 5, '5-4-1': 9 };
const PAD_SEGMENT: Record<Ndc10Layout, string> = { '4-4-2': 'labeler code', '5-3-2': 'product code', '5-4-1': 'package code' };

export function layoutsPossibleFor(ndc11Digits: string): Ndc10Layout[] {
  return NDC10_LAYOUTS.filter((layout) => ndc11Digits[PAD_INDEX[layout]] === '0');
}

export interface Ndc10 {
  ndc10: string;
  digits: string;
  layout: Ndc10Layout;
}

/**
 * Back from the 11-digit form to the 10-digit one. The layout comes from the argument, else from
 * how the NDC was written, else from the digits when only one layout fits; otherwise it is an error
 * (the catalog, which stores the 10-digit form, knows the answer).
 */
export function toNdc10(ndc: Ndc | string, layout?: Ndc10Layout): Ndc10 {
  const parsed = typeof ndc === 'string' ? normalizeNdc(ndc) : ndc;
  if (parsed.ndc11 === null) {
    raise({ code: 'ndc-not-convertible', message: `NDC ${parsed.ndc12} has a 6-digit labeler code and has no 10-digit form.`, value: parsed.ndc12 });
  }
  const digits11 = parsed.digits;
  const given = layout ?? (parsed.layout === '5-4-2' || parsed.layout === '6-4-2' ? undefined : parsed.layout);
  const possible = layoutsPossibleFor(digits11);
  let chosen: Ndc10Layout;
  if (given) {
    if (!possible.includes(given)) {
      raise({ code: 'ndc-not-convertible', message: `NDC ${parsed.ndc11} cannot be written in the ${given} layout: its ${PAD_SEGMENT[given]} does not start with the padding 0.`, value: parsed.ndc11 ?? '' });
    }
    chosen = given;
  } else if (possible.length === 1 && possible[0]) {
    chosen = possible[0];
  } else {
    const message =
      possible.length === 0
        ? `NDC ${parsed.ndc11} has no 10-digit form (no segment carries a padding zero).`
        : `NDC ${parsed.ndc11} could be written as ${possible.join(' or ')}; the catalog's 10-digit NDC says which.`;
    raise({ code: 'ndc-not-convertible', message, value: parsed.ndc11 ?? '' });
  }
  const pad = PAD_INDEX[chosen];
  const digits = digits11.slice(0, pad) + digits11.slice(pad + 1);
  const [l, p, k] = splitNdc10(digits, chosen);
  return { ndc10: `${l}-${p}-${k}`, digits, layout: chosen };
}

/** The string to store and look up an NDC by: the 11-digit form, or 6-4-2 when there is none. */
export function ndcKey(ndc: Ndc): string {
  return ndc.ndc11 ?? ndc.ndc12;
}
