/**
 * EDI reader throughput: RxLedger's reader against x12-parser (and node-x12) on the same generated
 * files, in one run: (1) an 852 of large sets, (2) a file of many small interchanges (one 852 of
 * 5 products each), (3) the extreme of one product per interchange, about 20 MB each. Goal:
 * readX12 with every check at 2x x12-parser on (1) and (2); (3) is printed for information.
 * Run: npx tsx bench/edi.ts [sizeMB]
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { X12Parser as NodeX12Parser } from 'node-x12';
import { X12parser } from 'x12-parser';
import { parseX12, readSegments, readX12 } from '../src/shared/edi';

const targetMb = Number(process.argv[2] ?? 20);

function generate852(bytes: number): { text: string; segments: number; sets: number } {
  const isa = 'ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *240607*1200*U*00401*000000101*0*P*>~\n';
  const parts: string[] = [isa, 'GS*PD*WHOLESALER*PHARMACY01*20240607*1200*101*X*004010~\n'];
  let size = parts.join('').length;
  let sets = 0;
  let segments = 2;
  while (size < bytes) {
    sets++;
    const ctl = String(sets).padStart(9, '0');
    const body: string[] = ['XQ*H*20240601*20240607*RPT0001', 'N9*IA*STORE-12'];
    for (let i = 1; i <= 200; i++) {
      const ndc = `59011-${String(i).padStart(4, '0')}-10`;
      body.push(`LIN*${i}*N4*${ndc}`, 'ZA*QA*240*EA', 'SDQ*EA*92*STORE12*100*STORE14*140', 'ZA*QS*36*EA', 'ZA*QR*48*EA');
    }
    body.push('CTT*200');
    const seg = [`ST*852*${ctl}`, ...body, `SE*${body.length + 2}*${ctl}`];
    const chunk = seg.map((s) => `${s}~\n`).join('');
    parts.push(chunk);
    size += chunk.length;
    segments += seg.length;
  }
  parts.push(`GE*${sets}*101~\n`, 'IEA*1*000000101~\n');
  return { text: parts.join(''), segments: segments + 2, sets };
}

/**
 * A file of many small interchanges, as a partner that sends one ISA..IEA per store report:
 * each interchange is one group with one 852 of `items` products (LIN and two ZA each).
 */
function generateSmallInterchanges(bytes: number, items: number): { text: string; segments: number; sets: number } {
  const parts: string[] = [];
  let size = 0;
  let sets = 0;
  let segments = 0;
  while (size < bytes) {
    sets++;
    const isa13 = String(sets % 1e9).padStart(9, '0');
    const body = ['XQ*H*20240601*20240607*RPT0001', 'N9*IA*STORE-12'];
    for (let i = 1; i <= items; i++) body.push(`LIN*${i}*N4*59011-${String((sets + i) % 10000).padStart(4, '0')}-10`, 'ZA*QA*240*EA', 'ZA*QS*36*EA');
    body.push(`CTT*${items}`);
    const segs = [
      `ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *240607*1200*U*00401*${isa13}*0*P*>`,
      `GS*PD*WHOLESALER*PHARMACY01*20240607*1200*${sets}*X*004010`,
      'ST*852*0001',
      ...body,
      `SE*${body.length + 2}*0001`,
      `GE*1*${sets}`,
      `IEA*1*${isa13}`,
    ];
    const chunk = segs.map((x) => `${x}~\n`).join('');
    parts.push(chunk);
    size += chunk.length;
    segments += segs.length;
  }
  return { text: parts.join(''), segments, sets };
}

interface Figure {
  name: string;
  seconds: number;
  segments: number;
  peakRssMb: number;
}

async function timed(name: string, fn: () => Promise<number> | number): Promise<Figure> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const segments = await fn();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { name, seconds, segments, peakRssMb: peak / 2 ** 20 };
}

const GOAL = 2;

const ROUNDS = 3;

async function readX12Figure(file: string): Promise<Figure> {
  return timed('rxledger readX12 (stream, full checks)', async () => {
    let n = 0;
    for await (const ev of readX12(createReadStream(file) as AsyncIterable<Uint8Array>)) if (ev.kind === 'end') n = ev.report.segmentCount;
    return n;
  });
}

async function x12ParserFigure(file: string): Promise<Figure> {
  return timed('x12-parser X12parser (stream, tokenize only)', () => {
    return new Promise<number>((resolve, reject) => {
      let n = 0;
      const p = new X12parser();
      p.on('error', reject);
      createReadStream(file)
        .pipe(p)
        .on('data', () => n++)
        .on('end', () => resolve(n));
    });
  });
}

/** The median run by time, its peak RSS the highest seen. */
function median(runs: Figure[]): Figure {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor(sorted.length / 2)]!, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

async function streamed(file: string): Promise<Figure[]> {
  // Ours and the peer alternate, ROUNDS times each, and the median of each is kept: on a shared
  // machine the load changes between runs, and alternating gives both the same mix.
  const ours: Figure[] = [];
  const peer: Figure[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(await readX12Figure(file));
    peer.push(await x12ParserFigure(file));
  }
  const tokenizeOnly = await timed('rxledger readSegments (stream, tokenize only)', async () => {
    let n = 0;
    for await (const _ of readSegments(createReadStream(file) as AsyncIterable<Uint8Array>)) n++;
    return n;
  });
  return [median(ours), tokenizeOnly, median(peer)];
}

function print(title: string, mb: number, figures: Figure[]): number {
  const baseline = figures.find((f) => f.name.startsWith('x12-parser'))!;
  const rate = (f: Figure) => ({ mbs: mb / f.seconds, segs: f.segments / f.seconds });
  console.log(`\n${title}`);
  console.log(`${'reader'.padEnd(52)} ${'MiB/s'.padStart(8)} ${'segments/s'.padStart(12)} ${'segments'.padStart(10)} ${'peak RSS'.padStart(9)}  vs x12-parser`);
  for (const f of figures) {
    const r = rate(f);
    const ratio = r.mbs / rate(baseline).mbs;
    console.log(
      `${f.name.padEnd(52)} ${r.mbs.toFixed(1).padStart(8)} ${Math.round(r.segs).toLocaleString().padStart(12)} ${f.segments.toLocaleString().padStart(10)} ${`${f.peakRssMb.toFixed(0)} MB`.padStart(9)}  ${ratio.toFixed(2)}x`,
    );
  }
  const full = figures[0]!;
  const ratio = baseline.seconds / full.seconds;
  console.log(`peer measured in this run: x12-parser ${rate(baseline).mbs.toFixed(1)} MiB/s; readX12 with all checks ${ratio.toFixed(2)}x, goal ≥ ${GOAL}x: ${ratio >= GOAL ? 'met' : 'NOT met'}`);
  return ratio;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'rxledger-bench-edi-'));
  console.log(`node ${process.version}, 1-min load average ${loadavg()[0]!.toFixed(1)} at start`);

  const large = generate852(targetMb * 1e6);
  const file = join(dir, 'bench-852.edi');
  writeFileSync(file, large.text);
  const mb = Buffer.byteLength(large.text) / 2 ** 20;
  const small = generateSmallInterchanges(targetMb * 1e6, 5);
  const smallFile = join(dir, 'bench-852-small.edi');
  writeFileSync(smallFile, small.text);
  const smallMb = Buffer.byteLength(small.text) / 2 ** 20;
  const tiny = generateSmallInterchanges(targetMb * 1e6, 1);
  const tinyFile = join(dir, 'bench-852-tiny.edi');
  writeFileSync(tinyFile, tiny.text);
  const tinyMb = Buffer.byteLength(tiny.text) / 2 ** 20;

  // The streaming readers first, in a fresh heap, so their peak RSS says something about bounded memory.
  const largeFigures = await streamed(file);
  const smallFigures = await streamed(smallFile);
  const tinyFigures = await streamed(tinyFile);
  const input = readFileSync(file);
  largeFigures.push(await timed('rxledger parseX12 (whole file, full checks)', () => parseX12(input).segments.length));
  largeFigures.push(
    await timed('node-x12 X12Parser.parse (whole file, object model)', () => {
      const interchange = new NodeX12Parser(true).parse(input.toString('utf8')) as unknown as { functionalGroups: Array<{ transactions: Array<{ segments: unknown[] }> }> };
      let n = 4;
      for (const g of interchange.functionalGroups) for (const t of g.transactions) n += t.segments.length + 2;
      return n;
    }),
  );
  const r1 = print(`1. large sets: generated 852, ${mb.toFixed(1)} MiB, ${large.segments.toLocaleString()} segments, one interchange of ${large.sets} sets of 1,002 segments`, mb, largeFigures);
  const r2 = print(
    `2. many small interchanges: ${smallMb.toFixed(1)} MiB, ${small.segments.toLocaleString()} segments, ${small.sets.toLocaleString()} interchanges, each one 852 of 5 products (24 segments, ISA to IEA)`,
    smallMb,
    smallFigures,
  );
  const r3 = print(
    `3. (extreme, for information) ${tinyMb.toFixed(1)} MiB, ${tiny.segments.toLocaleString()} segments, ${tiny.sets.toLocaleString()} interchanges, each one 852 of 1 product (12 segments, ISA to IEA)`,
    tinyMb,
    tinyFigures,
  );
  rmSync(dir, { recursive: true, force: true });

  console.log(
    `\nsummary: readX12 (all checks) vs x12-parser (tokenize only): large sets ${r1.toFixed(2)}x, small interchanges ${r2.toFixed(2)}x; goal ≥ ${GOAL}x on both: ${r1 >= GOAL && r2 >= GOAL ? 'met' : 'NOT met'}; one-product interchanges ${r3.toFixed(2)}x (1-min load average ${loadavg()[0]!.toFixed(1)} at end)`,
  );
  console.log(`readX12 and x12-parser: median of ${ROUNDS} alternating runs each. x12-parser streams and splits segments, with no checks and no positions. Peak RSS is the whole process, sampled every 20 ms.`);
}

void main();
