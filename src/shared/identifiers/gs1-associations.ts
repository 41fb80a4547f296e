import { lookupAi } from './gs1-ai-table';
import type { Gs1Element } from './gs1-element';
import type { IdentifierIssue } from './identifier-issue';

/**
 * GS1 General Specifications §4.14: element strings that must not appear together ("invalid
 * pairs", Figure 4.14-1) and element strings that need another one beside them ("mandatory
 * associations", Figure 4.14-2). The rows below are those tables for the AIs RxLedger reads,
 * as GS1 publishes them in machine-readable form in the GS1 Barcode Syntax Dictionary
 * (`req=` and `ex=` attributes). A `req` entry is a list of alternatives, one of which must be
 * present; an AI with two `req` entries needs one of each. An `n` in a pattern is any digit
 * ("310n" is 3100–3109). An AI is never an invalid pair with itself.
 *
 * The General Specifications say the rules apply to the data of all GS1 carriers on an item
 * together; a caller that joins several barcodes of one package checks the joined elements
 * with `checkAssociations` and parses each barcode with `associations: false`.
 */
const RULES: ReadonlyArray<[ais: string, rule: string]> = [
  ['01', 'ex=255,37'],
  ['02', 'ex=01,03 req=37'],
  ['03', 'ex=01,02,37'],
  ['10 11 13 15 16', 'req=01,02,03,8006,8026'],
  ['12', 'req=8020'],
  ['17', 'req=01,02,03,255,8006,8026'],
  ['20 240 241 242 7001', 'req=01,02,8006,8026'],
  ['21', 'req=01,03,8006 ex=235'],
  ['22 235 243 710 711 712 713 714 715 716 8200', 'req=01'],
  ['250', 'req=01,8006 req=21'],
  ['251 7240', 'req=01,8006'],
  ['254', 'req=414'],
  ['255', 'ex=01,02,415,8006,8020,8026'],
  ['30 7003 7006', 'req=01,02'],
  ['37', 'req=00 req=02,8026'],
  ['403', 'req=00'],
  ['415', 'req=8020'],
  ['420', 'ex=421'],
  ['421', 'ex=4307'],
  ['422', 'req=01,02,8006,8026 ex=426'],
  ['7004', 'req=01 req=10'],
  ['8006', 'ex=01,37'],
  ['8011', 'req=8010'],
  ['8017', 'ex=8018'],
  ['8018', 'ex=8017'],
  ['8019', 'req=8017,8018'],
  ['8020', 'req=415'],
  ['423 424 425', 'req=01,02 ex=426'],
  ['426 7002 7005 7007 7008 7009 7010 7011 7030 7031 7032 7033 7034 7035 7036 7037 7038 7039', 'req=01,02'],
  ['427', 'req=01,02 req=422'],
  ['4300 4301 4302 4304 4305 4306 4307 4308 4309 4310 4311 4312 4314 4315 4316 4317 4318 4319 4320 4321 4322 4323 4324 4325 4326 7041', 'req=00'],
  ['4303', 'req=4302'],
  ['4313', 'req=4312'],
  ['4330', 'req=00 ex=4331'],
  ['4331', 'req=00 ex=4330'],
  ['4332', 'req=00 ex=4333'],
  ['4333', 'req=00 ex=4332'],
  ['7020', 'req=01,8006 req=416'],
  ['7021 8012', 'req=01,8006'],
  ['7022', 'req=7021'],
  ['7230 7231 7232 7233 7234 7235 7236 7237 7238 7239', 'req=01,8004'],
  ['7241 7242', 'req=8017,8018'],
  ['8001', 'req=01'],
  ['8005 8008', 'req=01,02'],
  ['8007', 'req=415'],
  ['8009', 'req=00,01'],
  ['8026', 'req=37 ex=02,8006'],
  ['8111', 'req=255'],
];

/** Measure families (31nn–36nn): trade measures need 01 or 02, logistic ones 00 or 01; one decimal position per family. */
const MEASURE_RULES: ReadonlyArray<[stems: string, req: string]> = [
  ['310 311 312 313 314 315 316 320 321 322 323 324 325 326 327 328 329 350 351 352 356 357 360 361 364 365 366', '01,02'],
  ['330 331 332 333 334 335 336 340 341 342 343 344 345 346 347 348 349 353 354 355 362 363 367 368 369', '00,01'],
  ['337', '01'],
];

/** AMOUNT, PRICE, PERCENT OFF and PRICE/UoM families (390n–395n), with the last n of each. */
const MONEY_RULES: ReadonlyArray<[stem: string, rule: string, last: number]> = [
  ['390', 'req=255,8020 ex=390n,391n,394n,8111', 9],
  ['391', 'req=8020 ex=391n', 9],
  ['392', 'req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n', 9],
  ['393', 'req=30,31nn,32nn,35nn,36nn ex=393n', 9],
  ['394', 'req=255 ex=394n,8111', 3],
  ['395', 'req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005', 5],
];

interface Pattern {
  /** The text: "01", "310n", "31nn". */
  text: string;
  prefix: string;
  length: number;
}

interface Rule {
  /** Each entry: alternatives, one of which must be present. */
  req: Pattern[][];
  ex: Pattern[];
}

const pattern = (text: string): Pattern => {
  const wild = /n+$/.exec(text);
  return { text, prefix: wild ? text.slice(0, wild.index) : text, length: text.length };
};

function parseRule(spec: string): Rule {
  const rule: Rule = { req: [], ex: [] };
  for (const part of spec.split(/\s+/)) {
    const [key, list = ''] = part.split('=');
    const patterns = list.split(',').map(pattern);
    if (key === 'req') rule.req.push(patterns);
    else if (key === 'ex') rule.ex.push(...patterns);
  }
  return rule;
}

const TABLE = new Map<string, Rule>();
for (const [ais, spec] of RULES) for (const ai of ais.split(' ')) TABLE.set(ai, parseRule(spec));
for (const [stems, req] of MEASURE_RULES)
  for (const stem of stems.split(' ')) for (let n = 0; n <= 5; n++) TABLE.set(`${stem}${n}`, parseRule(`req=${req} ex=${stem}n`));
for (const [stem, spec, last] of MONEY_RULES) for (let n = 0; n <= last; n++) TABLE.set(`${stem}${n}`, parseRule(spec));

const matches = (p: Pattern, ai: string) => ai.length === p.length && ai.startsWith(p.prefix);

/** "the GTIN (AI 01)", or "AI 8026" for an AI outside RxLedger's table. */
function named(ai: string): string {
  const def = lookupAi(ai);
  return def ? `the ${def.label} (AI ${ai})` : `AI ${ai}`;
}

function namedPattern(p: Pattern): string {
  if (p.prefix.length === p.length) return named(p.text);
  return `an AI ${p.text} (${p.prefix}${'0'.repeat(p.length - p.prefix.length)}–${p.prefix}${'9'.repeat(p.length - p.prefix.length)})`;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The rule for one AI, for documentation and tests: `{ req: [['01','03','8006']], ex: ['235'] }`. */
export function associationRule(ai: string): { req: string[][]; ex: string[] } | null {
  const r = TABLE.get(ai);
  return r ? { req: r.req.map((alts) => alts.map((p) => p.text)), ex: r.ex.map((p) => p.text) } : null;
}

/**
 * The first association rule the elements break, in element order: an invalid pair, or an
 * element without the element it needs. Null when the combination is allowed.
 */
export function checkAssociations(elements: readonly Gs1Element[]): IdentifierIssue | null {
  const n = elements.length;
  for (let i = 0; i < n; i++) {
    const el = elements[i]!;
    const rule = TABLE.get(el.ai);
    if (rule === undefined) continue;
    for (const p of rule.ex) {
      for (let j = 0; j < n; j++) {
        const other = elements[j]!;
        if (other.ai === el.ai || !matches(p, other.ai)) continue;
        return {
          code: 'invalid-pair',
          ai: el.ai,
          position: el.position,
          value: el.value,
          message: `The code carries ${named(el.ai)} together with ${named(other.ai)}, a pair GS1 does not allow (General Specifications §4.14.1, invalid pairs: ${el.ai} with ${p.text}). The label is wrong; set the package aside and check it.`,
        };
      }
    }
    for (const alternatives of rule.req) {
      let found = false;
      for (let j = 0; j < n && !found; j++) for (const p of alternatives) if (matches(p, elements[j]!.ai)) found = true;
      if (found) continue;
      const list = alternatives.map((p) => p.text);
      return {
        code: 'missing-association',
        ai: el.ai,
        position: el.position,
        value: el.value,
        message: `${capitalise(named(el.ai))} at character ${el.position + 1} needs ${orList(alternatives.map(namedPattern))} in the same code, and there is none (GS1 General Specifications §4.14.2, mandatory associations: ${el.ai} requires ${orList(list)}). The code is incomplete or part of it is in another barcode; scan the product's 2D code.`,
      };
    }
  }
  return null;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
