/**
 * GS1 application identifiers we understand, after the GS1 General Specifications §3 and the
 * GS1 Barcode Syntax Dictionary. An AI missing here is refused rather than guessed at: a wrong
 * length would misread every element after it.
 */

/** N: digits. X: GS1 AI encodable character set 82. Y: set 39 (used by component/part ids). */
export type Gs1Charset = 'N' | 'X' | 'Y';

/**
 * yymmd0: YYMMDD where day 00 means the last day of the month (AIs 11–17).
 * yymmdd: a real calendar day. yymmddhhmm: AI 7003, date and time of expiry.
 */
export type Gs1DateFormat = 'yymmd0' | 'yymmdd' | 'yymmddhhmm';

export interface Gs1Component {
  charset: Gs1Charset;
  min: number;
  max: number;
}

export interface AiDefinition {
  ai: string;
  /** GS1's data title, e.g. "BATCH/LOT". */
  title: string;
  /** Plain words for messages at the counter, e.g. "lot number". */
  label: string;
  components: readonly Gs1Component[];
  minLength: number;
  maxLength: number;
  fixedLength: boolean;
  /**
   * False only for AIs whose first two digits are in GS1's table of predefined lengths
   * (§5.10.1): those never need an FNC1/GS after them. Every other AI needs one unless last.
   */
  fnc1Required: boolean;
  date?: Gs1DateFormat;
  /** Length of the leading GS1 key whose last digit is a mod-10 check digit (SSCC 18, GTIN 14, GLN 13). */
  checkDigitOver?: number;
  /**
   * A rule of the GS1 Barcode Syntax Dictionary beyond length, characters, check digit and date:
   * pieceOfTotal (8006: piece and total of a split item, each 01–99, piece ≤ total), zeroFirst
   * (8003: the GRAI's first digit is 0), noZeroPrefix (8011: no leading 0).
   */
  lint?: 'pieceOfTotal' | 'zeroFirst' | 'noZeroPrefix';
}

/** First two digits of the AIs with a predefined length (GS1 General Specifications Figure 5.10.1-2). */
const PREDEFINED_LENGTH_PREFIXES = new Set(['00', '01', '02', '03', '04', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '31', '32', '33', '34', '35', '36', '41']);

/** Reads a syntax such as "N18", "X..20", "N3+X..9", "N13+[X..17]" (bracket: optional part). */
function parseSyntax(syntax: string): Gs1Component[] {
  return syntax.split('+').map((part) => {
    const optional = part.startsWith('[');
    const m = /^\[?([NXY])(\.\.)?(\d+)\]?$/.exec(part);
    if (!m) throw new Error(`bad AI syntax ${syntax}`);
    const [, charset = 'X', range, max = '0'] = m;
    const n = Number(max);
    return { charset: charset as Gs1Charset, min: optional ? 0 : range ? 1 : n, max: n };
  });
}

function def(ai: string, syntax: string, title: string, label: string, extra: Partial<AiDefinition> = {}): AiDefinition {
  const components = parseSyntax(syntax);
  const minLength = components.reduce((s, c) => s + c.min, 0);
  const maxLength = components.reduce((s, c) => s + c.max, 0);
  return {
    ai,
    title,
    label,
    components,
    minLength,
    maxLength,
    fixedLength: minLength === maxLength,
    fnc1Required: !PREDEFINED_LENGTH_PREFIXES.has(ai.slice(0, 2)),
    ...extra,
  };
}

const date = (ai: string, title: string, label: string) => def(ai, 'N6', title, label, { date: 'yymmd0' });
const nhrn = (ai: string, title: string, country: string) => def(ai, 'X..20', title, `national healthcare reimbursement number (${country})`);

const DEFINITIONS: AiDefinition[] = [
  def('00', 'N18', 'SSCC', 'shipping container code (SSCC)', { checkDigitOver: 18 }),
  def('01', 'N14', 'GTIN', 'GTIN', { checkDigitOver: 14 }),
  def('02', 'N14', 'CONTENT', 'GTIN of contained items', { checkDigitOver: 14 }),
  def('03', 'N14', 'MTO GTIN', 'made-to-order GTIN', { checkDigitOver: 14 }),
  def('10', 'X..20', 'BATCH/LOT', 'lot number'),
  date('11', 'PROD DATE', 'production date'),
  date('12', 'DUE DATE', 'due date'),
  date('13', 'PACK DATE', 'packaging date'),
  date('15', 'BEST BEFORE or BEST BY', 'best-before date'),
  date('16', 'SELL BY', 'sell-by date'),
  date('17', 'USE BY OR EXPIRY', 'expiry date'),
  def('20', 'N2', 'VARIANT', 'variant'),
  def('21', 'X..20', 'SERIAL', 'serial number'),
  def('22', 'X..20', 'CPV', 'consumer product variant'),
  def('235', 'X..28', 'TPX', 'third-party serial extension'),
  def('240', 'X..30', 'ADDITIONAL ID', 'additional product id'),
  def('241', 'X..30', 'CUST. PART No.', 'customer part number'),
  def('242', 'N..6', 'MTO VARIANT', 'made-to-order variant'),
  def('243', 'X..20', 'PCN', 'packaging component number'),
  def('250', 'X..30', 'SECONDARY SERIAL', 'secondary serial number'),
  def('251', 'X..30', 'REF. TO SOURCE', 'reference to source entity'),
  def('253', 'N13+[X..17]', 'GDTI', 'document type id (GDTI)', { checkDigitOver: 13 }),
  def('254', 'X..20', 'GLN EXTENSION COMPONENT', 'GLN extension'),
  def('255', 'N13+[N..12]', 'GCN', 'coupon number (GCN)', { checkDigitOver: 13 }),
  def('30', 'N..8', 'VAR. COUNT', 'variable count'),
  def('37', 'N..8', 'COUNT', 'count of trade items'),
  def('400', 'X..30', "ORDER NUMBER", 'purchase order number'),
  def('401', 'X..30', 'GINC', 'consignment number (GINC)'),
  def('402', 'N17', 'GSIN', 'shipment id (GSIN)', { checkDigitOver: 17 }),
  def('403', 'X..30', 'ROUTE', 'routing code'),
  def('410', 'N13', 'SHIP TO LOC', 'ship-to GLN', { checkDigitOver: 13 }),
  def('411', 'N13', 'BILL TO', 'bill-to GLN', { checkDigitOver: 13 }),
  def('412', 'N13', 'PURCHASE FROM', 'purchased-from GLN', { checkDigitOver: 13 }),
  def('413', 'N13', 'SHIP FOR LOC', 'ship-for GLN', { checkDigitOver: 13 }),
  def('414', 'N13', 'LOC No.', 'location GLN', { checkDigitOver: 13 }),
  def('415', 'N13', 'PAY TO', 'invoicing party GLN', { checkDigitOver: 13 }),
  def('416', 'N13', 'PROD/SERV LOC', 'production location GLN', { checkDigitOver: 13 }),
  def('417', 'N13', 'PARTY', 'party GLN', { checkDigitOver: 13 }),
  def('420', 'X..20', 'SHIP TO POST', 'ship-to postal code'),
  def('421', 'N3+X..9', 'SHIP TO POST', 'ship-to postal code with country'),
  def('422', 'N3', 'ORIGIN', 'country of origin'),
  def('7001', 'N13', 'NSN', 'NATO stock number'),
  def('7003', 'N10', 'EXPIRY TIME', 'expiry date and time', { date: 'yymmddhhmm' }),
  def('7004', 'N..4', 'ACTIVE POTENCY', 'active potency'),
  def('7006', 'N6', 'FIRST FREEZE DATE', 'first freeze date', { date: 'yymmdd' }),
  nhrn('710', 'NHRN PZN', 'Germany PZN'),
  nhrn('711', 'NHRN CIP', 'France CIP'),
  nhrn('712', 'NHRN CN', 'Spain CN'),
  nhrn('713', 'NHRN DRN', 'Brazil DRN'),
  nhrn('714', 'NHRN AIM', 'Portugal AIM'),
  nhrn('715', 'NHRN NDC', 'US FDA NDC'),
  nhrn('716', 'NHRN AIC', 'Italy AIC'),
  def('7240', 'X..20', 'PROTOCOL', 'protocol id'),
  // Dictionary: N1,zero N13,csum,key — a leading 0 and a check digit over the 13 after it (the same mod-10 sum).
  def('8003', 'N14+[X..16]', 'GRAI', 'returnable asset id (GRAI)', { checkDigitOver: 14, lint: 'zeroFirst' }),
  def('8004', 'X..30', 'GIAI', 'individual asset id (GIAI)'),
  def('8006', 'N14+N2+N2', 'ITIP', 'piece of a trade item (ITIP)', { checkDigitOver: 14, lint: 'pieceOfTotal' }),
  def('8010', 'Y..30', 'CPID', 'component/part id (CPID)'),
  def('8011', 'N..12', 'CPID SERIAL', 'component/part serial', { lint: 'noZeroPrefix' }),
  def('8017', 'N18', 'GSRN - PROVIDER', 'service relation number (provider)', { checkDigitOver: 18 }),
  def('8018', 'N18', 'GSRN - RECIPIENT', 'service relation number (recipient)', { checkDigitOver: 18 }),
  def('8019', 'N..10', 'SRIN', 'service relation instance number'),
  def('8020', 'X..25', 'REF No.', 'payment slip reference'),
  def('8200', 'X..70', 'PRODUCT URL', 'extended packaging URL'),
  def('90', 'X..30', 'INTERNAL', 'internal information'),
];

const MEASURE_FAMILIES: [stem: string, title: string][] = [
  ['310', 'NET WEIGHT (kg)'], ['311', 'LENGTH (m)'], ['312', 'WIDTH (m)'], ['313', 'HEIGHT (m)'],
  ['314', 'AREA (m2)'], ['315', 'NET VOLUME (l)'], ['316', 'NET VOLUME (m3)'],
  ['320', 'NET WEIGHT (lb)'], ['330', 'GROSS WEIGHT (kg)'], ['337', 'KG PER m2'],
  ['340', 'GROSS WEIGHT (lb)'], ['356', 'NET WEIGHT (t oz)'], ['357', 'NET VOLUME (oz)'],
];
// The fourth digit is the implied decimal point's position: 0–5 for measures (the Dictionary's
// 3100-3105 and so on), 0–9 for the amounts and prices below.
for (const [stem, title] of MEASURE_FAMILIES) {
  for (let n = 0; n <= 5; n++) DEFINITIONS.push(def(`${stem}${n}`, 'N6', title, `${title.toLowerCase()}, ${n} decimals`));
}
for (let n = 0; n <= 9; n++) {
  DEFINITIONS.push(def(`390${n}`, 'N..15', 'AMOUNT', 'amount payable'));
  DEFINITIONS.push(def(`391${n}`, 'N3+N..15', 'AMOUNT', 'amount payable with currency'));
  DEFINITIONS.push(def(`392${n}`, 'N..15', 'PRICE', 'price'));
  DEFINITIONS.push(def(`393${n}`, 'N3+N..15', 'PRICE', 'price with currency'));
}
for (let n = 1; n <= 9; n++) DEFINITIONS.push(def(`9${n}`, 'X..90', 'INTERNAL', 'company internal information'));

export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(DEFINITIONS.map((d) => [d.ai, d]));

/**
 * The AI at the start of `text`. GS1 AIs are prefix-free (no AI is the start of another), so the
 * first length that names a known AI is the only possible reading.
 */
export function lookupAiPrefix(text: string): AiDefinition | undefined {
  return lookupAiAt(text, 0);
}

/** The AI starting at `at` in `text` (see lookupAiPrefix), without copying the rest. */
export function lookupAiAt(text: string, at: number): AiDefinition | undefined {
  for (let len = 2; len <= 4 && at + len <= text.length; len++) {
    const found = AI_TABLE.get(text.substr(at, len));
    if (found) return found;
  }
  return undefined;
}

export function lookupAi(ai: string): AiDefinition | undefined {
  return AI_TABLE.get(ai);
}

/** GS1 AI encodable character set 82 (General Specifications Figure 7.11-1). */
const SET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
/** GS1 AI encodable character set 39 (Figure 7.11-2). */
const SET_39 = /^[#\-/0-9A-Z]*$/;

/** Character set 82 as a lookup by char code (Figure 7.11-1), for the per-element check. */
const IN_82 = new Uint8Array(128);
for (const ch of '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz') IN_82[ch.charCodeAt(0)] = 1;
const IN_39 = new Uint8Array(128);
for (const ch of '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') IN_39[ch.charCodeAt(0)] = 1;

/** Index of the first character of value[from, to) outside the set, or -1. */
export function firstOutsideCharset(value: string, from: number, to: number, charset: Gs1Charset): number {
  const table = charset === 'X' ? IN_82 : charset === 'Y' ? IN_39 : null;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (table === null ? c < 48 || c > 57 : c > 127 || table[c] === 0) return i;
  }
  return -1;
}

export function matchesCharset(value: string, charset: Gs1Charset): boolean {
  switch (charset) {
    case 'N':
      return /^\d*$/.test(value);
    case 'X':
      return SET_82.test(value);
    case 'Y':
      return SET_39.test(value);
  }
}

export const CHARSET_NAMES: Record<Gs1Charset, string> = {
  N: 'digits only',
  X: 'letters, digits and the GS1 punctuation set (no spaces)',
  Y: 'capital letters, digits, #, - and /',
};
