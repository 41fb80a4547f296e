/**
 * EDI reader throughput: RxLedger's reader against x12-parser and node-x12 on the same generated
 * 852 (about 20 MB), in one run. Run: npx tsx bench/edi.ts [sizeMB]
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

async function main() {
  const { text, segments, sets } = generate852(targetMb * 1e6);
  const dir = mkdtempSync(join(tmpdir(), 'rxledger-bench-edi-'));
  const file = join(dir, 'bench-852.edi');
  writeFileSync(file, text);
  const bytes = Buffer.byteLength(text);
  const mb = bytes / 2 ** 20;
  console.log(`input: generated 852, ${mb.toFixed(1)} MiB, ${segments.toLocaleString()} segments, ${sets} transaction sets`);

  const figures: Figure[] = [];
  // Streaming first, in a fresh heap, so its peak RSS says something about the bounded memory.
  figures.push(
    await timed('rxledger readX12 (stream, full checks)', async () => {
      let n = 0;
      for await (const ev of readX12(createReadStream(file) as AsyncIterable<Uint8Array>)) if (ev.kind === 'end') n = ev.report.segmentCount;
      return n;
    }),
  );
  figures.push(
    await timed('rxledger readSegments (stream, tokenize only)', async () => {
      let n = 0;
      for await (const _ of readSegments(createReadStream(file) as AsyncIterable<Uint8Array>)) n++;
      return n;
    }),
  );
  figures.push(
    await timed('x12-parser X12parser (stream, tokenize only)', () => {
      return new Promise<number>((resolve, reject) => {
        let n = 0;
        const p = new X12parser();
        p.on('error', reject);
        createReadStream(file)
          .pipe(p)
          .on('data', () => n++)
          .on('end', () => resolve(n));
      });
    }),
  );
  const input = readFileSync(file);
  figures.push(await timed('rxledger parseX12 (whole file, full checks)', () => parseX12(input).segments.length));
  figures.push(
    await timed('node-x12 X12Parser.parse (whole file, object model)', () => {
      const interchange = new NodeX12Parser(true).parse(input.toString('utf8')) as unknown as { functionalGroups: Array<{ transactions: Array<{ segments: unknown[] }> }> };
      let n = 4;
      for (const g of interchange.functionalGroups) for (const t of g.transactions) n += t.segments.length + 2;
      return n;
    }),
  );
  rmSync(dir, { recursive: true, force: true });

  const baseline = figures[2]!;
  const rate = (f: Figure) => ({ mbs: mb / f.seconds, segs: f.segments / f.seconds });
  console.log(`\n${'reader'.padEnd(52)} ${'MiB/s'.padStart(8)} ${'segments/s'.padStart(12)} ${'segments'.padStart(10)} ${'peak RSS'.padStart(9)}  vs x12-parser`);
  for (const f of figures) {
    const r = rate(f);
    const ratio = r.mbs / rate(baseline).mbs;
    console.log(
      `${f.name.padEnd(52)} ${r.mbs.toFixed(1).padStart(8)} ${Math.round(r.segs).toLocaleString().padStart(12)} ${f.segments.toLocaleString().padStart(10)} ${`${f.peakRssMb.toFixed(0)} MB`.padStart(9)}  ${ratio.toFixed(2)}x`,
    );
  }
  console.log(`\nbaseline compared against: x12-parser ${rate(baseline).mbs.toFixed(1)} MiB/s (streams, splits segments, no checks, no positions).`);
  console.log('Peak RSS is the whole process, sampled every 20 ms; the streaming runs come first.');
}

void main();
