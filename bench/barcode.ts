// Barcode parses per second: our decodeScan against gs1-barcode-parser-mod, same strings, same run.
// Run: npx tsx bench/barcode.ts   (about 16 s). decodeScan includes the GS1 association rules and
// the NDC candidates of the GTIN; the peer does neither.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
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

function perSecond(fn: (s: string) => unknown, ms: number): number {
  let sink = 0;
  let parses = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const s of inputs) sink += fn(s) ? 1 : 0;
    parses += inputs.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink); // keeps the results observable so the work is not optimised away
  return (parses / elapsed) * 1000;
}

const tolerant = (s: string) => {
  try {
    return parseBarcode(s);
  } catch {
    return null; // the library throws a string on any bad input
  }
};
const ours = (s: string) => decodeScan(s);

// Warm both up so both run JIT-compiled code, then alternate 1-second rounds: on a shared
// machine the load changes from second to second, and alternating gives both the same mix.
perSecond(ours, 500);
perSecond(tolerant, 500);
const ROUNDS = 7;
const GOAL = 3;
const mine: number[] = [];
const theirs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  mine.push(perSecond(ours, 1000));
  theirs.push(perSecond(tolerant, 1000));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = mine.map((m, i) => m / theirs[i]!);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = median(mine) / median(theirs);
console.log(`inputs per round:                          ${inputs.length} strings, ${ROUNDS} alternating 1-s rounds each (1-min load average ${loadavg()[0]!.toFixed(1)})`);
console.log(`RxLedger decodeScan:                       ${fmt(median(mine))} parses/s (median; rounds ${fmt(Math.min(...mine))}–${fmt(Math.max(...mine))})`);
console.log(`peer gs1-barcode-parser-mod parseBarcode:  ${fmt(median(theirs))} parses/s (median; rounds ${fmt(Math.min(...theirs))}–${fmt(Math.max(...theirs))})`);
console.log(`ratio decodeScan / peer:                   ${ratio.toFixed(2)}x (per round ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x); goal ≥ ${GOAL}x: ${ratio >= GOAL ? 'met' : 'NOT met'}`);
