/**
 * GS1 application identifiers we understand, after the GS1 General Specifications §3 and the
 * GS1 Barcode Syntax Dictionary. An AI missing here is refused rather than guessed at: a wrong
 * length would misread every element after it.
 */

import { GS1_LINTS, type Gs1Lint } from './gs1-lint';

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
  /** The Syntax Dictionary's content rules for this component (gs1-lint.ts); absent when none. */
  lints?: readonly Gs1Lint[];
  /** An optional part of fixed length ("[N2]"): absent, or all `max` characters. */
  optionalFixed?: true;
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

/**
 * Reads a syntax such as "N18", "X..20", "N3+X..9", "N13+[X..17]" (bracket: optional part), with
 * the Dictionary's linters after a comma: "N3,iso3166+[N3],iso3166".
 */
function parseSyntax(syntax: string): Gs1Component[] {
  return syntax.split('+').map((part) => {
    const [type = '', ...lints] = part.split(',');
    const optional = type.startsWith('[');
    const m = /^\[?([NXY])(\.\.)?(\d+)\]?$/.exec(type);
    if (!m || lints.some((l) => !GS1_LINTS.has(l))) throw new Error(`bad AI syntax ${syntax}`);
    const [, charset = 'X', range, max = '0'] = m;
    const n = Number(max);
    const component: Gs1Component = { charset: charset as Gs1Charset, min: optional ? 0 : range ? 1 : n, max: n };
    if (lints.length) component.lints = lints as Gs1Lint[];
    if (optional && !range) component.optionalFixed = true;
    return component;
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
/** The ship-to (430n, 4310–4319 for return-to) address AIs: name, address lines, country, phone, geolocation. */
const shipping = (stem: string, title: string, label: string): AiDefinition[] => [
  // Names and address lines may carry characters outside set 82 percent-encoded ("%20").
  def(`${stem}0`, 'X..35,pcenc', `${title} COMP`, `${label} company`),
  def(`${stem}1`, 'X..35,pcenc', `${title} NAME`, `${label} contact`),
  def(`${stem}2`, 'X..70,pcenc', `${title} ADD1`, `${label} address line 1`),
  def(`${stem}3`, 'X..70,pcenc', `${title} ADD2`, `${label} address line 2`),
  def(`${stem}4`, 'X..70,pcenc', `${title} SUB`, `${label} suburb`),
  def(`${stem}5`, 'X..70,pcenc', `${title} LOC`, `${label} locality`),
  def(`${stem}6`, 'X..70,pcenc', `${title} REG`, `${label} region`),
  def(`${stem}7`, 'X2,iso3166alpha2', `${title} COUNTRY`, `${label} country code`),
  // 4308 is the ship-to phone; 4309 its geolocation. The return-to block has its postal code at 4318.
  ...(stem === '430'
    ? [def('4308', 'X..30', 'SHIP TO PHONE', 'ship-to telephone'), def('4309', 'N10,latitude+N10,longitude', 'SHIP TO GEO', 'ship-to geolocation')]
    : [def('4318', 'X..20', 'RTN TO POST', 'return-to postal code'), def('4319', 'X..30', 'RTN TO PHONE', 'return-to telephone')]),
];

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
  def('401', 'X..30,key', 'GINC', 'consignment number (GINC)'),
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
  def('421', 'N3,iso3166+X..9', 'SHIP TO POST', 'ship-to postal code with country'),
  def('422', 'N3,iso3166', 'ORIGIN', 'country of origin'),
  def('423', 'N3,iso3166+[N3],iso3166+[N3],iso3166+[N3],iso3166+[N3],iso3166', 'COUNTRY - INITIAL PROCESS', 'countries of initial processing'),
  def('424', 'N3,iso3166', 'COUNTRY - PROCESS', 'country of processing'),
  def('425', 'N3,iso3166+[N3],iso3166+[N3],iso3166+[N3],iso3166+[N3],iso3166', 'COUNTRY - DISASSEMBLY', 'countries of disassembly'),
  def('426', 'N3,iso3166', 'COUNTRY - FULL PROCESS', 'country of full process chain'),
  def('427', 'X..3', 'ORIGIN SUBDIVISION', 'country subdivision of origin'),
  ...shipping('430', 'SHIP TO', 'ship-to'),
  ...shipping('431', 'RTN TO', 'return-to'),
  def('4320', 'X..35,pcenc', 'SRV DESCRIPTION', 'service code description'),
  def('4321', 'N1,yesno', 'DANGEROUS GOODS', 'dangerous goods flag'),
  def('4322', 'N1,yesno', 'AUTH TO LEAVE', 'authority to leave flag'),
  def('4323', 'N1,yesno', 'SIG REQUIRED', 'signature required flag'),
  // Date (day 00 allowed) and time: checked part by part, not read into a date.
  def('4324', 'N6,yymmd0+N4,hhmi', 'NOT BEF DEL DT', 'not before delivery date and time'),
  def('4325', 'N6,yymmd0+N4,hhmi', 'NOT AFT DEL DT', 'not after delivery date and time'),
  def('4326', 'N6', 'REL DATE', 'release date', { date: 'yymmdd' }),
  def('4330', 'N6+[X1],hyphen', 'MAX TEMP F.', 'maximum temperature (°F)'),
  def('4331', 'N6+[X1],hyphen', 'MAX TEMP C.', 'maximum temperature (°C)'),
  def('4332', 'N6+[X1],hyphen', 'MIN TEMP F.', 'minimum temperature (°F)'),
  def('4333', 'N6+[X1],hyphen', 'MIN TEMP C.', 'minimum temperature (°C)'),
  def('7001', 'N13', 'NSN', 'NATO stock number'),
  def('7002', 'X..30', 'MEAT CUT', 'meat carcass and cut classification'),
  def('7003', 'N10', 'EXPIRY TIME', 'expiry date and time', { date: 'yymmddhhmm' }),
  def('7004', 'N..4', 'ACTIVE POTENCY', 'active potency'),
  def('7005', 'X..12', 'CATCH AREA', 'catch area'),
  def('7006', 'N6', 'FIRST FREEZE DATE', 'first freeze date', { date: 'yymmdd' }),
  // One date, or a first and a last (YYMMDD each).
  def('7007', 'N6,yymmdd+[N6],yymmdd', 'HARVEST DATE', 'harvest date'),
  def('7008', 'X..3', 'AQUATIC SPECIES', 'aquatic species'),
  def('7009', 'X..10', 'FISHING GEAR TYPE', 'fishing gear type'),
  def('7010', 'X..2', 'PROD METHOD', 'production method'),
  def('7011', 'N6,yymmdd+[N4],hhmi', 'TEST BY DATE', 'test-by date'),
  def('7020', 'X..20', 'REFURB LOT', 'refurbishment lot'),
  def('7021', 'X..20', 'FUNC STAT', 'functional status'),
  def('7022', 'X..20', 'REV STAT', 'revision status'),
  def('7023', 'X..30,key', 'GIAI - ASSEMBLY', 'asset id of an assembly'),
  ...Array.from({ length: 10 }, (_, n) => def(`703${n}`, 'N3,iso3166999+X..27', `PROCESSOR # ${n}`, `approval number of processor ${n}`)),
  def('7040', 'N1+X1+X1+X1,importeridx', 'UIC+EXT', 'tobacco importer index (UIC with extension)'),
  def('7041', 'X..4,packagetype', 'UFRGT UNIT TYPE', 'freight unit type'),
  nhrn('710', 'NHRN PZN', 'Germany PZN'),
  nhrn('711', 'NHRN CIP', 'France CIP'),
  nhrn('712', 'NHRN CN', 'Spain CN'),
  nhrn('713', 'NHRN DRN', 'Brazil DRN'),
  nhrn('714', 'NHRN AIM', 'Portugal AIM'),
  nhrn('715', 'NHRN NDC', 'US FDA NDC'),
  nhrn('716', 'NHRN AIC', 'Italy AIC'),
  ...Array.from({ length: 10 }, (_, n) => def(`723${n}`, 'X2+X..28', `CERT # ${n + 1}`, `certification reference ${n + 1}`)),
  def('7240', 'X..20', 'PROTOCOL', 'protocol id'),
  def('7241', 'N2,mediatype', 'AIDC MEDIA TYPE', 'AIDC media type'),
  def('7242', 'X..25', 'VCN', 'version control number'),
  def('8001', 'N4,nonzero+N5,nonzero+N3,nonzero+N1,winding+N1', 'DIMENSIONS', 'roll dimensions'),
  def('8002', 'X..20', 'CMT No.', 'mobile telephone id'),
  // Dictionary: N1,zero N13,csum,key — a leading 0 and a check digit over the 13 after it (the same mod-10 sum).
  def('8003', 'N14+[X..16]', 'GRAI', 'returnable asset id (GRAI)', { checkDigitOver: 14, lint: 'zeroFirst' }),
  def('8004', 'X..30,key', 'GIAI', 'individual asset id (GIAI)'),
  def('8005', 'N6', 'PRICE PER UNIT', 'price per unit of measure'),
  def('8006', 'N14+N2+N2', 'ITIP', 'piece of a trade item (ITIP)', { checkDigitOver: 14, lint: 'pieceOfTotal' }),
  def('8007', 'X..34,iban', 'IBAN', 'bank account number (IBAN)'),
  // YYMMDD HH, then optional minutes and seconds.
  def('8008', 'N6,yymmdd+N2,hh+[N2],mi+[N2],ss', 'PROD TIME', 'production date and time'),
  def('8009', 'X..50', 'OPTSEN', 'optically readable sensor indicator'),
  def('8010', 'Y..30,key', 'CPID', 'component/part id (CPID)'),
  def('8011', 'N..12', 'CPID SERIAL', 'component/part serial', { lint: 'noZeroPrefix' }),
  def('8012', 'X..20', 'VERSION', 'software version'),
  def('8017', 'N18', 'GSRN - PROVIDER', 'service relation number (provider)', { checkDigitOver: 18 }),
  def('8018', 'N18', 'GSRN - RECIPIENT', 'service relation number (recipient)', { checkDigitOver: 18 }),
  def('8019', 'N..10', 'SRIN', 'service relation instance number'),
  def('8020', 'X..25', 'REF No.', 'payment slip reference'),
  def('8026', 'N14+N2+N2', 'ITIP CONTENT', 'pieces of trade items contained (ITIP)', { checkDigitOver: 14, lint: 'pieceOfTotal' }),
  def('8110', 'X..70,couponcode', 'COUPON', 'coupon code (North America)'),
  def('8111', 'N4', 'POINTS', 'loyalty points of a coupon'),
  def('8112', 'X..70,couponposoffer', 'COUPON', 'paperless coupon code (North America)'),
  def('8200', 'X..70', 'PRODUCT URL', 'extended packaging URL'),
  def('90', 'X..30', 'INTERNAL', 'internal information'),
];

const MEASURE_FAMILIES: [stem: string, title: string][] = [
  ['310', 'NET WEIGHT (kg)'], ['311', 'LENGTH (m)'], ['312', 'WIDTH (m)'], ['313', 'HEIGHT (m)'],
  ['314', 'AREA (m2)'], ['315', 'NET VOLUME (l)'], ['316', 'NET VOLUME (m3)'],
  ['320', 'NET WEIGHT (lb)'], ['321', 'LENGTH (in)'], ['322', 'LENGTH (ft)'], ['323', 'LENGTH (yd)'],
  ['324', 'WIDTH (in)'], ['325', 'WIDTH (ft)'], ['326', 'WIDTH (yd)'],
  ['327', 'HEIGHT (in)'], ['328', 'HEIGHT (ft)'], ['329', 'HEIGHT (yd)'],
  ['330', 'GROSS WEIGHT (kg)'], ['331', 'LENGTH (m), log'], ['332', 'WIDTH (m), log'], ['333', 'HEIGHT (m), log'],
  ['334', 'AREA (m2), log'], ['335', 'VOLUME (l), log'], ['336', 'VOLUME (m3), log'], ['337', 'KG PER m2'],
  ['340', 'GROSS WEIGHT (lb)'], ['341', 'LENGTH (in), log'], ['342', 'LENGTH (ft), log'], ['343', 'LENGTH (yd), log'],
  ['344', 'WIDTH (in), log'], ['345', 'WIDTH (ft), log'], ['346', 'WIDTH (yd), log'],
  ['347', 'HEIGHT (in), log'], ['348', 'HEIGHT (ft), log'], ['349', 'HEIGHT (yd), log'],
  ['350', 'AREA (in2)'], ['351', 'AREA (ft2)'], ['352', 'AREA (yd2)'],
  ['353', 'AREA (in2), log'], ['354', 'AREA (ft2), log'], ['355', 'AREA (yd2), log'],
  ['356', 'NET WEIGHT (t oz)'], ['357', 'NET VOLUME (oz)'],
  ['360', 'NET VOLUME (qt)'], ['361', 'NET VOLUME (gal.)'], ['362', 'VOLUME (qt), log'], ['363', 'VOLUME (gal.), log'],
  ['364', 'VOLUME (in3)'], ['365', 'VOLUME (ft3)'], ['366', 'VOLUME (yd3)'],
  ['367', 'VOLUME (in3), log'], ['368', 'VOLUME (ft3), log'], ['369', 'VOLUME (yd3), log'],
];
// The fourth digit is the implied decimal point's position: 0–5 for measures (the Dictionary's
// 3100-3105 and so on), 0–9 for the amounts and prices below.
for (const [stem, title] of MEASURE_FAMILIES) {
  for (let n = 0; n <= 5; n++) DEFINITIONS.push(def(`${stem}${n}`, 'N6', title, `${title.toLowerCase()}, ${n} decimals`));
}
for (let n = 0; n <= 9; n++) {
  DEFINITIONS.push(def(`390${n}`, 'N..15', 'AMOUNT', 'amount payable'));
  DEFINITIONS.push(def(`391${n}`, 'N3,iso4217+N..15', 'AMOUNT', 'amount payable with currency'));
  DEFINITIONS.push(def(`392${n}`, 'N..15', 'PRICE', 'price'));
  DEFINITIONS.push(def(`393${n}`, 'N3,iso4217+N..15', 'PRICE', 'price with currency'));
}
for (let n = 0; n <= 3; n++) DEFINITIONS.push(def(`394${n}`, 'N4', 'PRCNT OFF', 'percentage discount of a coupon'));
for (let n = 0; n <= 5; n++) DEFINITIONS.push(def(`395${n}`, 'N6', 'PRICE/UoM', 'price per unit of measure'));
for (let n = 1; n <= 9; n++) DEFINITIONS.push(def(`9${n}`, 'X..90', 'INTERNAL', 'company internal information'));

export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(DEFINITIONS.map((d) => [d.ai, d]));

/**
 * AIs of the GS1 Barcode Syntax Dictionary the table leaves out on purpose (docs/identifiers.md):
 * 8013/8014 (check-character pair not computed), 8030 (character set 64), 7250–7259 (a person's
 * data). They are GS1 AIs all the same: met where a value could hide them, they are refused as
 * AIs RxLedger does not read, never taken for data.
 */
export const LEFT_OUT_AIS: ReadonlySet<string> = new Set(['8013', '8014', '8030', '7250', '7251', '7252', '7253', '7254', '7255', '7256', '7257', '7258', '7259']);

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
