import type { Gs1Element } from './gs1-element';
import { parseGs1, type Gs1ParseOptions, type Gs1Result } from './gs1-parse';
import { expandUpcE, ndcFromGtin, parseGtin } from './gtin';
import type { IdentifierIssue } from './identifier-issue';
import { candidatesForNdc10, parseNdc, type Ndc } from './ndc';
import { splitSymbologyId, type Symbology } from './symbology';

export interface DecodeOptions extends Gs1ParseOptions {
  /**
   * Catalog look-up by 11-digit 5-4-2 NDC with hyphens. Without it, the NDC inside a GTIN or a
   * hyphenless 10-digit NDC is never turned into an 11-digit NDC: its layout would be a guess.
   */
  isKnownNdc?: (ndc11: string) => boolean;
}

export type ScanKind = 'gs1' | 'digital-link' | 'gtin' | 'ndc';

export interface ScanResult {
  ok: boolean;
  /** The input exactly as received, kept so a failed scan can be stored and replayed. */
  raw: string;
  kind: ScanKind | null;
  /** Name of the symbology from the AIM identifier, e.g. "GS1 DataMatrix"; null when none was sent. */
  symbology: string | null;
  symbologyId: string | null;
  /** GTIN-14. */
  gtin: string | null;
  /**
   * The NDC as the catalog key: 11-digit 5-4-2 with hyphens, or 6-4-2 for a 12-digit NDC that
   * has no 11-digit form. Null when the code carries no NDC or its layout could not be resolved.
   */
  ndc: string | null;
  /** The 12-digit 6-4-2 form of `ndc`. */
  ndc12: string | null;
  /** When an NDC10 was read but not resolved: the 11-digit forms it could be. */
  ndc10Candidates: string[];
  lot: string | null;
  /** YYYY-MM-DD. */
  expiry: string | null;
  /** YYYY-MM-DDThh:mm from AI 7003, when present. */
  expiryDateTime: string | null;
  bestBefore: string | null;
  serial: string | null;
  sscc: string | null;
  elements: Gs1Element[];
  warnings: string[];
  error: string | null;
  issue: IdentifierIssue | null;
}

function blank(raw: string, symbology: Symbology | null): ScanResult {
  return {
    ok: false,
    raw,
    kind: null,
    symbology: symbology?.name ?? null,
    symbologyId: symbology?.id ?? null,
    gtin: null,
    ndc: null,
    ndc12: null,
    ndc10Candidates: [],
    lot: null,
    expiry: null,
    expiryDateTime: null,
    bestBefore: null,
    serial: null,
    sscc: null,
    elements: [],
    warnings: [],
    error: null,
    issue: null,
  };
}

// The helpers below fill in the one result object decodeScan made: no copies on the scan path.
function withIssue(result: ScanResult, issue: IdentifierIssue): ScanResult {
  result.ok = false;
  result.error = issue.message;
  result.issue = issue;
  return result;
}

function setNdc(result: ScanResult, ndc: Ndc): void {
  result.ndc = ndc.ndc11 ?? ndc.ndc12;
  result.ndc12 = ndc.ndc12;
}

/** Fills `ndc` from the GTIN when it is an NDC-based one and the catalog settles its layout. */
function addNdcFromGtin(result: ScanResult, opts: DecodeOptions): void {
  const g = result.gtin;
  if (!g) return;
  // result.gtin is a checked GTIN-14 here. Without a catalog the answer is only the candidates:
  // skip the general path, which checks the GTIN again and builds the resolution record.
  if (!opts.isKnownNdc) {
    if (g.length === 14 && g.charCodeAt(1) === 48 && g.charCodeAt(2) === 51) result.ndc10Candidates = candidatesForNdc10(g.slice(3, 13));
    return;
  }
  const fromGtin = ndcFromGtin(g, { isKnown: opts.isKnownNdc });
  if (!fromGtin.ok) return;
  if (fromGtin.ndc) {
    setNdc(result, fromGtin.ndc);
    return;
  }
  result.ndc10Candidates = fromGtin.candidates;
  if (fromGtin.resolution === 'unknown') {
    result.warnings.push(`The NDC in this GTIN (${fromGtin.ndc10Digits}) is not in the drug catalog in any layout (${fromGtin.candidates.join(', ')}).`);
  } else if (fromGtin.resolution === 'ambiguous') {
    result.warnings.push(`The NDC in this GTIN (${fromGtin.ndc10Digits}) matches more than one catalog product; pick the product by hand.`);
  }
}

function fromGs1(result: ScanResult, parsed: Gs1Result, opts: DecodeOptions): ScanResult {
  if (!parsed.ok) {
    result.elements = parsed.elements;
    return withIssue(result, parsed.issue);
  }
  const out = result;
  out.ok = true;
  out.kind = parsed.source === 'digital-link' ? 'digital-link' : 'gs1';
  out.gtin = parsed.gtin;
  out.lot = parsed.lot;
  out.expiry = parsed.expiry;
  out.expiryDateTime = parsed.expiryDateTime;
  out.bestBefore = parsed.bestBefore;
  out.serial = parsed.serial;
  out.sscc = parsed.sscc;
  out.elements = parsed.elements;
  for (const w of parsed.warnings) out.warnings.push(w);
  addNdcFromGtin(out, opts);
  return out;
}

function fromGtin(result: ScanResult, digits: string, opts: DecodeOptions): ScanResult {
  const parsed = parseGtin(digits);
  if (!parsed.ok) return withIssue(result, parsed.issue);
  const out = result;
  out.ok = true;
  out.kind = 'gtin';
  out.gtin = parsed.gtin14;
  if (out.symbologyId === ']E0' && digits.length === 13 && digits.startsWith('0')) out.symbology = 'UPC-A';
  addNdcFromGtin(out, opts);
  return out;
}

/** UPC-E: 8 digits, number system 0; expanded to its GTIN-12 (docs/identifiers.md). */
function fromUpcE(result: ScanResult, digits: string, opts: DecodeOptions): ScanResult {
  const parsed = expandUpcE(digits);
  result.symbology = 'UPC-E';
  if (!parsed.ok) return withIssue(result, parsed.issue);
  result.ok = true;
  result.kind = 'gtin';
  result.gtin = parsed.gtin14;
  addNdcFromGtin(result, opts);
  return result;
}

function fromNdc(result: ScanResult, text: string, opts: DecodeOptions): ScanResult {
  const parsed = parseNdc(text, { isKnown: opts.isKnownNdc });
  if (!parsed.ok) {
    result.ndc10Candidates = parsed.issue.candidates ?? [];
    return withIssue(result, parsed.issue);
  }
  const out = result;
  out.ok = true;
  out.kind = 'ndc';
  setNdc(out, parsed);
  if (opts.isKnownNdc && parsed.ndc11 && !opts.isKnownNdc(parsed.ndc11)) {
    out.warnings.push(`NDC ${parsed.ndc11} is not in the drug catalog.`);
  }
  return out;
}

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);
/** Blanks around a scan (tabs and spaces before, CR/LF after): tested first, replaced only when present. */
const EDGE_BLANKS = /^[ \t]|[ \t\r\n]$/;
const EDGE_BLANKS_ALL = /^[ \t]+|[ \t\r\n]+$/g;
const ELEMENT_FAILURES: ReadonlySet<string> = new Set(['bad-date', 'missing-association', 'invalid-pair']);

/**
 * One entry point for whatever a scanner or a person hands us: a GS1 element string (with or
 * without AIM symbology identifier, raw or in parentheses), a GS1 Digital Link URI, a bare
 * GTIN-8/12/13/14 (EAN-8, UPC-A, EAN-13, ITF-14), a UPC-A carrying an NDC, or a typed NDC.
 * Never throws; `ok: false` comes with a message for the person at the counter.
 */
export function decodeScan(raw: string, opts: DecodeOptions = {}): ScanResult {
  const input = EDGE_BLANKS.test(raw) ? raw.replace(EDGE_BLANKS_ALL, '') : raw;
  const { symbology, data } = splitSymbologyId(input);
  const result = blank(raw, symbology);
  if (!/\S/.test(data)) {
    return withIssue(result, { code: 'empty', message: 'The scan was empty. Scan again, or type the code.' });
  }

  if (symbology?.content === 'gs1' || /^https?:\/\//i.test(data)) return fromGs1(result, parseGs1(input, opts), opts);

  if (symbology?.content === 'gtin') {
    // An add-on (2 or 5 digits, e.g. a price) follows the main code with ]E3; it is not part of the GTIN.
    if (symbology.id === ']E3' && /^\d{15}$|^\d{18}$/.test(data)) {
      result.warnings.push(`Add-on ${data.slice(13)} after the barcode was ignored.`);
      return fromGtin(result, data.slice(0, 13), opts);
    }
    // Under ]E0 a UPC-E arrives expanded (13 digits) from a scanner set up as GS1 says; one
    // that sends the 8 digits of the symbol instead is read too.
    if (symbology.id === ']E0' && data.length === 8) return fromUpcE(result, data, opts);
    return fromGtin(result, data, opts);
  }

  if (/^\d+$/.test(data)) {
    // 8 digits starting with 0: a UPC-E. (A GTIN-8 with GS1-8 prefix 0 is a restricted
    // circulation number, never a trade item; an EAN-8 scanned with ]E4 is read as EAN-8 above.)
    if (data.length === 8 && data[0] === '0') return fromUpcE(result, data, opts);
    if (GTIN_LENGTHS.has(data.length)) {
      const asGtin = parseGtin(data);
      if (asGtin.ok) return fromGtin(result, data, opts);
      // Not a valid GTIN; it may still be a short element string such as "17270331".
      const asGs1 = parseGs1(input, opts);
      if (asGs1.ok) return fromGs1(result, asGs1, opts);
      // Eight digits that read as a GS1 element but fail on its date or on the association rules
      // (an expiry alone needs a GTIN) were meant as a date element, not as an EAN-8.
      if (data.length === 8 && ELEMENT_FAILURES.has(asGs1.issue.code)) return fromGs1(result, asGs1, opts);
      if (data.length === 12) {
        return withIssue(result, {
          ...asGtin.issue,
          message: `${asGtin.issue.message} If this is a 12-digit NDC, type it with hyphens (6-4-2).`,
        });
      }
      return withIssue(result, asGtin.issue);
    }
    if (data.length === 10 || data.length === 11) return fromNdc(result, data, opts);
    const parsed = fromGs1(result, parseGs1(input, opts), opts);
    if (parsed.ok && symbology?.content === 'plain') parsed.warnings.push(`The scanner reported ${symbology.name}, not a GS1 symbology; the data was read as GS1 anyway.`);
    // Six or seven digits are no GS1 code (there is no six-digit UPC-E, GenSpecs §2.1.3.3), but a
    // scanner set to drop a UPC-E's number system or check digit sends exactly that.
    if (!parsed.ok && !symbology && (data.length === 6 || data.length === 7) && parsed.issue) {
      return withIssue(result, {
        code: 'bad-upc-e',
        value: data,
        message: `${data} has ${data.length} digits and is no product code (a GTIN has 8, 12, 13 or 14). If it is a UPC-E, the scanner left out its number system${data.length === 6 ? ' and check digit' : ' or check digit'}: set the scanner to send all 8 digits (or the expanded UPC-A), or type the 12-digit UPC-A printed under the barcode.`,
      });
    }
    return parsed;
  }

  if (/^(ndc[\s:#]*)?\d+([\s-]+\d+)+$/i.test(data) || /^ndc[\s:#]*\d+$/i.test(data)) return fromNdc(result, data, opts);

  if (/^[\d(\x1d]/.test(data) || (opts.separators ?? []).includes(data[0] ?? '')) {
    const parsed = fromGs1(result, parseGs1(input, opts), opts);
    if (parsed.ok && symbology?.content === 'plain') parsed.warnings.push(`The scanner reported ${symbology.name}, not a GS1 symbology; the data was read as GS1 anyway.`);
    return parsed;
  }

  const shown = data.length > 40 ? `${data.slice(0, 40)}…` : data;
  return withIssue(result, {
    code: 'unrecognised',
    value: data,
    message: `"${shown.replace(/[\x00-\x1f]/g, '·')}" is not a GS1 barcode, GTIN/UPC or NDC. Scan the product's barcode (the 2D code on DSCSA packs), or type the NDC with hyphens.`,
  });
}
