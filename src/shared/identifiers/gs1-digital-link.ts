import { LEFT_OUT_AIS, lookupAi } from './gs1-ai-table';
import { isIssue, summarise, validateElement, type Gs1Element, type Gs1Message } from './gs1-element';
import type { IdentifierIssue } from './identifier-issue';
import type { Symbology } from './symbology';

/**
 * GS1 Digital Link URIs (URI Syntax 1.2): https://any.host[/prefix]/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD.
 * Any host is accepted (brands use their own domains); what makes it GS1 is the path: the
 * rightmost primary key, then only the key qualifiers the GS1 Barcode Syntax Dictionary lists for
 * it (`dlpkey`), in that order; data attributes go in the query.
 */

/**
 * Primary keys RxLedger reads and their qualifiers as the Syntax Dictionary gives them
 * (`dlpkey=`): each sequence is one ordered list of optional qualifiers, and `|` in the
 * Dictionary separates sequences that may not be mixed ("22,10,21|235": /22/…/10/…/21/… or
 * /235/…, never /10/…/235/…).
 */
const KEY_QUALIFIERS: ReadonlyMap<string, ReadonlyArray<ReadonlyArray<string>>> = new Map([
  ['00', []],
  ['01', [['22', '10', '21'], ['235']]],
  ['253', []],
  ['255', []],
  ['401', []],
  ['402', []],
  ['414', [['254'], ['7040']]],
  ['415', [['8020']]],
  ['417', [['7040']]],
  ['8003', []],
  ['8004', [['7040']]],
  ['8006', [['22', '10', '21']]],
  ['8010', [['8011']]],
  ['8017', [['8019']]],
  ['8018', [['8019']]],
]);

/**
 * AIs of RxLedger's table that the Syntax Dictionary does not flag "?" (permitted as a GS1
 * Digital Link data attribute): key qualifiers and AIs that only make sense beside a key in the
 * path. In a query they are refused, as GS1's own parser refuses them.
 */
const NOT_DATA_ATTRIBUTES: ReadonlySet<string> = new Set(['03', '21', '22', '235', '254', '7040', '7041', '8011', '8019', '8020', '8200']);

/**
 * The Digital Link 1.0 "convenience alphas" (deprecated since 1.2, still on older packs), as
 * the 1.0 grammar spells them: lower case only.
 */
const ALIASES: Record<string, string> = {
  gtin: '01', itip: '8006', cpv: '22', lot: '10', ser: '21', sscc: '00', gln: '414', glnx: '254', party: '417',
  gsrnp: '8017', gsrn: '8018', srin: '8019', gcn: '255', gdti: '253', ginc: '401', gsin: '402', grai: '8003', giai: '8004',
  cpid: '8010', cpsn: '8011', exp: '17', expdt: '7003',
};

const URI = /^(https?):\/\/([^/?#\s]+)([^?#\s]*)(\?[^#\s]*)?(#\S*)?$/i;
/** A host name or address and an optional port: no user information ("user@host"), nothing else. */
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(:\d{1,5})?$/;

export function looksLikeDigitalLink(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

const toAi = (key: string) => ALIASES[key] ?? key;

interface RawPair {
  ai: string;
  raw: string;
  position: number;
  query: boolean;
}

function decode(raw: string, ai: string, position: number, query: boolean): string | IdentifierIssue {
  try {
    // In the query, "+" is a space (application/x-www-form-urlencoded); in the path it is itself.
    return decodeURIComponent(query ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return {
      code: 'bad-uri',
      ai,
      position,
      value: raw,
      message: `The value of (${ai}) in the web address, "${raw}", has broken percent-encoding. The code is damaged; scan again.`,
    };
  }
}

const badUri = (position: number, value: string, message: string, ai?: string): IdentifierIssue => ({ code: 'bad-uri', position, value, message, ...(ai ? { ai } : {}) });

/**
 * The first qualifier after a key that the Syntax Dictionary does not allow there (its index in
 * `qualifiers`) and why, or null when they are the key's qualifiers in their order.
 */
/** Whether `qualifiers` keep the order of `sequence`, each at most once. */
function fitsSequence(sequence: readonly string[], qualifiers: readonly string[]): boolean {
  let next = 0;
  for (const q of qualifiers) {
    const at = sequence.indexOf(q, next);
    if (at < 0) return false;
    next = at + 1;
  }
  return true;
}

function qualifierProblem(key: string, qualifiers: readonly string[]): { index: number; why: string } | null {
  const sequences = KEY_QUALIFIERS.get(key) ?? [];
  const fits = (qs: readonly string[]) => sequences.some((seq) => fitsSequence(seq, qs));
  if (!qualifiers.length || fits(qualifiers)) return null;
  const index = qualifiers.findIndex((_, i) => !fits(qualifiers.slice(0, i + 1)));
  const q = qualifiers[index]!;
  const allowed = sequences.map((seq) => seq.join(', then ')).join('; or ');
  if (sequences.some((seq) => seq.includes(q))) {
    return {
      index,
      why: `(${q}) is out of order, repeated or mixed with another sequence's qualifier after (${key}): the path takes ${allowed}, in that order`,
    };
  }
  return {
    index,
    why: `(${q}) is not a qualifier of (${key}) in a Digital Link path${allowed ? ` (the path may go on with ${allowed}, in that order)` : ' (nothing may follow it in the path)'}; a data attribute such as (17) goes in the query (?17=…)`,
  };
}

export type DigitalLinkResult = Gs1Message | IdentifierIssue;

export function parseDigitalLink(uri: string, symbology: Symbology | null, offset: number, now: Date, associations = true): DigitalLinkResult {
  const m = URI.exec(uri);
  if (!m) return badUri(offset, uri, 'This web address is malformed (spaces or nothing after the host). It is not a GS1 Digital Link.');
  const [, scheme = '', host = '', path = '', query = ''] = m;
  if (!AUTHORITY.test(host)) return badUri(offset, uri, `The host of this web address, "${host}", is not a host name (user names, "@" and other characters are not allowed there). It is not a GS1 Digital Link.`);
  const pathStart = offset + scheme.length + 3 + host.length;

  const segments: { text: string; position: number }[] = [];
  let cursor = pathStart;
  const parts = path.split('/');
  for (let n = 1; n < parts.length; n++) {
    const text = parts[n]!;
    cursor += 1;
    if (text === '' && !(n === 1 && parts.length === 2)) return badUri(cursor, uri, 'This web address has an empty path segment ("//" or a "/" at the end). It is not a valid GS1 Digital Link.');
    if (text !== '') segments.push({ text, position: cursor });
    cursor += text.length;
  }

  // The rightmost primary key in a key position (an even number of segments after it): a
  // brand's own path before it may contain anything, even something that looks like an AI.
  let start = -1;
  for (let i = segments.length - 2; i >= 0; i -= 2) {
    if (KEY_QUALIFIERS.has(toAi(segments[i]!.text))) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    const compressed = segments.length === 1 && /^[A-Za-z0-9_-]{8,}$/.test(segments[0]!.text);
    return badUri(
      offset,
      uri,
      compressed
        ? `This web address (${host}) looks like a compressed GS1 Digital Link, which RxLedger does not read: set the scanner or label software to the uncompressed form, or type the code.`
        : `This web address (${host}) is not a GS1 Digital Link: its path has no product identifier such as /01/ followed by a GTIN.`,
    );
  }
  const key = toAi(segments[start]!.text);
  const pairs: RawPair[] = [];
  for (let i = start; i + 1 < segments.length; i += 2) {
    const k = segments[i]!;
    pairs.push({ ai: toAi(k.text), raw: segments[i + 1]!.text, position: k.position, query: false });
  }
  const wrong = qualifierProblem(key, pairs.slice(1).map((p) => p.ai));
  if (wrong) {
    const at = pairs[wrong.index + 1]!;
    return badUri(at.position, uri, `This GS1 Digital Link's path is not valid: ${wrong.why}.`, at.ai);
  }

  // A query AI belongs in the path only where the path could take it: the qualifiers of the
  // sequences the path's own qualifiers fit (/01/…/235/T?10=L is fine: 10 and 235 never mix).
  const pathQualifiers = pairs.slice(1).map((p) => p.ai);
  const inPath = new Set([key, ...(KEY_QUALIFIERS.get(key) ?? []).filter((seq) => fitsSequence(seq, pathQualifiers)).flat()]);
  const warnings: string[] = [];
  let qPos = pathStart + path.length + 1;
  for (const param of query.replace(/^\?/, '').split(/[&;]/)) {
    const position = qPos;
    qPos += param.length + 1;
    const eq = param.indexOf('=');
    // A parameter without "=" carries no value (the standard's parsers skip it).
    if (param === '' || eq < 0) continue;
    const name = param.slice(0, eq);
    const ai = toAi(name);
    if (!/^\d+$/.test(ai)) continue; // linkType, context and other non-AI parameters carry no product data
    if (ai.length < 2 || ai.length > 4) return badUri(position, uri, `The web address's query names "${name}", which is all digits but no GS1 application identifier. It is not a valid GS1 Digital Link.`);
    if (inPath.has(ai))
      return badUri(position, uri, `(${ai}) is given in the web address's query, but it is ${ai === key ? 'the key' : `a qualifier of (${key})`} and belongs in the path (/${ai}/…). It is not a valid GS1 Digital Link.`, ai);
    if (!lookupAi(ai)) {
      // All-digit keys are GS1's (Digital Link 1.2): one the Syntax Dictionary does not list is
      // no AI, and the link is not valid; one RxLedger leaves out on purpose is passed over.
      if (!LEFT_OUT_AIS.has(ai))
        return badUri(position, uri, `The web address's query names (${ai}), which is all digits but no GS1 application identifier. It is not a valid GS1 Digital Link.`, ai);
      warnings.push(`The web address carries AI (${ai}), which RxLedger does not read; it was ignored.`);
      continue;
    }
    if (NOT_DATA_ATTRIBUTES.has(ai)) {
      return badUri(
        position,
        uri,
        `(${ai}) is given in the web address's query, but the GS1 Barcode Syntax Dictionary does not allow it as a Digital Link data attribute (it qualifies a key in the path, or belongs to one that is not here). It is not a valid GS1 Digital Link.`,
        ai,
      );
    }
    pairs.push({ ai, raw: param.slice(eq + 1), position, query: true });
  }
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.ai)) return { code: 'conflicting-ai', ai: p.ai, position: p.position, message: `(${p.ai}) appears twice in the web address; a GS1 Digital Link gives each AI once.` };
    seen.add(p.ai);
  }

  const elements: Gs1Element[] = [];
  for (const pair of pairs) {
    const def = lookupAi(pair.ai);
    if (!def) continue;
    const decoded = decode(pair.raw, pair.ai, pair.position, pair.query);
    if (typeof decoded !== 'string') return decoded;
    // The path may carry a GTIN-8/12/13 (the 1.2 grammar allows them); GS1 stores every GTIN as 14 digits.
    const value = pair.ai === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(decoded) ? decoded.padStart(14, '0') : decoded;
    const checked = validateElement(def, value, pair.position, now);
    if (isIssue(checked)) return checked;
    elements.push(checked);
  }
  const message = summarise(elements, symbology, 'digital-link', now, associations);
  if (isIssue(message)) return message;
  message.warnings.push(...warnings);
  return message;
}
