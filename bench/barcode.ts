// Barcode parses per second: our decodeScan against gs1-barcode-parser-mod, same strings, same run.
// Run: npx tsx bench/barcode.ts   (about 8 s)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { corpusPath } from '../src/testing/corpora';
import { decodeScan } from '../src/shared/identifiers';

const { parseBarcode } = createRequire(import.meta.url)('gs1-barcode-parser-mod') as { parseBarcode: (code: string) => unknown };

const GS = '\x1d';
const GTIN = '00300021200305';
const inputs: string[] = [
  `]d2${GS}01${GTIN}21SN0000012345${GS}1727033110LOT-A1B2`,
  `]d201${GTIN}1727030010LOT-7${GS}21SERIAL0001`,
  `01${GTIN}1727033110ABC123`,
  `]C1001061414112345678970210300021200302${'37'}24${GS}10LOT9`,
  `(01)${GTIN}(17)270331(10)LOT1(21)SN1`,
  `]e001${GTIN}`,
  `01${GTIN}17251332`, // impossible date
  `01${GTIN}10${'X'.repeat(25)}`, // lot too long
];
const corpus = corpusPath('gs1', 'biip_cases.json');
if (existsSync(corpus)) {
  for (const c of JSON.parse(readFileSync(corpus, 'utf8')) as { input: string }[]) inputs.push(c.input);
}

function perSecond(label: string, fn: (s: string) => unknown, ms: number): number {
  let sink = 0;
  // Warm up so both run JIT-compiled code before the clock starts.
  for (let i = 0; i < 2000; i++) sink += fn(inputs[i % inputs.length] ?? '') ? 1 : 0;
  let parses = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const s of inputs) sink += fn(s) ? 1 : 0;
    parses += inputs.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(label); // keeps the results observable so the work is not optimised away
  return (parses / elapsed) * 1000;
}

const tolerant = (s: string) => {
  try {
    return parseBarcode(s);
  } catch {
    return null; // the library throws a string on any bad input
  }
};

const ours = perSecond('decodeScan', (s) => decodeScan(s), 4000);
const theirs = perSecond('gs1-barcode-parser-mod', tolerant, 4000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`inputs per round:                         ${inputs.length}`);
console.log(`RxLedger decodeScan:                      ${fmt(ours)} parses/s`);
console.log(`gs1-barcode-parser-mod parseBarcode:      ${fmt(theirs)} parses/s`);
console.log(`ratio decodeScan / gs1-barcode-parser-mod: ${(ours / theirs).toFixed(2)}x`);
