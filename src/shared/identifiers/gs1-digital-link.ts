import { lookupAi } from './gs1-ai-table';
import { isIssue, summarise, validateElement, type Gs1Element, type Gs1Message } from './gs1-element';
import type { IdentifierIssue } from './identifier-issue';
import type { Symbology } from './symbology';

/**
 * GS1 Digital Link URIs: https://any.host[/prefix]/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD.
 * Any host is accepted (brands use their own domains); what makes it GS1 is the path.
 */

/** AIs that may start the identifying part of the path (GS1 Digital Link standard §4 "primary keys"). */
const PRIMARY_KEYS = new Set(['00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8013', '8017', '8018']);

/** Short names from the Digital Link 1.0 "convenience alphas", still seen on older packs. */
const ALIASES: Record<string, string> = {
  gtin: '01', itip: '8006', cpv: '22', lot: '10', ser: '21', sscc: '00', gln: '414', glnx: '254', party: '417',
  gsrnp: '8017', gsrn: '8018', gcn: '255', gdti: '253', ginc: '401', gsin: '402', grai: '8003', giai: '8004',
  cpid: '8010', cpsn: '8011', exp: '17', expdt: '7003', bbd: '15', pkg: '13',
};

const URI = /^(https?):\/\/([^/?#\s]+)([^?#\s]*)(\?[^#\s]*)?(#\S*)?$/i;

export function looksLikeDigitalLink(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

const toAi = (key: string) => ALIASES[key.toLowerCase()] ?? key;

interface RawPair {
  ai: string;
  raw: string;
  position: number;
}

function decode(raw: string, ai: string, position: number): string | IdentifierIssue {
  try {
    return decodeURIComponent(raw);
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

export type DigitalLinkResult = Gs1Message | IdentifierIssue;

export function parseDigitalLink(uri: string, symbology: Symbology | null, offset: number, now: Date, associations = true): DigitalLinkResult {
  const m = URI.exec(uri);
  if (!m) {
    return { code: 'bad-uri', position: offset, value: uri, message: 'This web address is malformed (spaces or nothing after the host). It is not a GS1 Digital Link.' };
  }
  const [, scheme = '', host = '', path = '', query = ''] = m;
  const pathStart = offset + scheme.length + 3 + host.length;

  const segments: { text: string; position: number }[] = [];
  let cursor = pathStart;
  for (const text of path.split('/')) {
    if (text !== '') segments.push({ text, position: cursor });
    cursor += text.length + 1;
  }

  const isAiPair = (from: number) => {
    for (let j = from; j < segments.length; j += 2) if (!lookupAi(toAi(segments[j]?.text ?? ''))) return false;
    return true;
  };
  let start = -1;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg && PRIMARY_KEYS.has(toAi(seg.text)) && (segments.length - i) % 2 === 0 && isAiPair(i)) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    return {
      code: 'bad-uri',
      position: offset,
      value: uri,
      message: `This web address (${host}) is not a GS1 Digital Link: its path has no product identifier such as /01/ followed by a GTIN.`,
    };
  }

  const pairs: RawPair[] = [];
  for (let i = start; i + 1 < segments.length; i += 2) {
    const key = segments[i];
    const val = segments[i + 1];
    if (key && val) pairs.push({ ai: toAi(key.text), raw: val.text, position: key.position });
  }
  const warnings: string[] = [];
  let qPos = pathStart + path.length + 1;
  for (const param of query.replace(/^\?/, '').split('&')) {
    const position = qPos;
    qPos += param.length + 1;
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = eq < 0 ? param : param.slice(0, eq);
    const ai = toAi(key);
    if (!/^\d{2,4}$/.test(ai)) continue; // linkType, context and other non-AI parameters carry no product data
    if (!lookupAi(ai)) {
      warnings.push(`The web address carries AI (${ai}), which RxLedger does not know; it was ignored.`);
      continue;
    }
    pairs.push({ ai, raw: eq < 0 ? '' : param.slice(eq + 1), position });
  }

  const elements: Gs1Element[] = [];
  for (const pair of pairs) {
    const def = lookupAi(pair.ai);
    if (!def) continue;
    const decoded = decode(pair.raw, pair.ai, pair.position);
    if (typeof decoded !== 'string') return decoded;
    // The path may carry a GTIN-8/12/13; GS1 stores every GTIN as 14 digits.
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
