import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseX12, readX12, type ParseReport } from './reader';
import type { TransactionResult } from './envelope';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function stream(bytes: Uint8Array, size: number) {
  const txs: TransactionResult[] = [];
  let report: ParseReport | null = null;
  for await (const ev of readX12(chunked(bytes, size))) {
    if (ev.kind === 'transaction') txs.push(ev.transaction);
    else report = ev.report;
  }
  return { txs, report: report! };
}

describe('readX12 (streaming)', () => {
  it('yields each set as its SE arrives, then the report', async () => {
    const { txs, report } = await stream(fixture('mixed-good-bad.edi'), 16);
    expect(txs.map((t) => [t.control, t.ackCode])).toEqual([
      ['0001', 'A'],
      ['0002', 'R'],
    ]);
    expect(report.interchanges[0]?.groups[0]?.transactions.map((t) => t.valid)).toEqual([true, false]);
  });

  it('a set that looked good is rejected in the final report when its group trailer is wrong', async () => {
    const { txs, report } = await stream(fixture('bad-ge-count.edi'), 64);
    expect(txs[0]?.ackCode).toBe('A');
    // The yielded object is provisional; the summary it points to holds the final verdict.
    expect(txs[0]?.summary.valid).toBe(false);
    expect(report.interchanges[0]?.groups[0]?.transactions[0]).toMatchObject({ valid: false, rejectedBy: 'group' });
  });

  it('streams a 20 000-set file in 64 KiB chunks, yielding every set and a valid report', async () => {
    const one = fixture('4010-852-product-activity.edi').toString('latin1');
    const start = one.indexOf('ST*');
    const end = one.indexOf('GE*');
    const set = one.slice(start, end);
    const n = 20_000;
    const body = Array.from({ length: n }, (_, i) => set.replaceAll('*0001~', `*${String(i + 1).padStart(5, '0')}~`)).join('');
    const bytes = Buffer.from(`${one.slice(0, start)}${body}GE*${n}*101~\nIEA*1*000000101~\n`);
    let count = 0;
    let report: ParseReport | null = null;
    for await (const ev of readX12(chunked(bytes, 65536))) {
      if (ev.kind === 'transaction') count++;
      else report = ev.report;
    }
    expect(count).toBe(n);
    expect(report?.valid).toBe(true);
    expect(report?.segmentCount).toBe(4 + n * 12);
  });
});

describe('a transaction set over the size limit', () => {
  const isa = 'ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *240607*1200*U*00401*000000101*0*P*>~\nGS*PD*WHOLESALER*PHARMACY01*20240607*1200*101*X*004010~\n';
  const set = (control: string, lines: number) => {
    let body = `ST*852*${control}~\nXQ*H*20240601*20240607*RPT1~\n`;
    for (let i = 1; i <= lines; i++) body += `LIN*${i}*N4*59011-0440-10~\nZA*OH*${i}*EA~\n`;
    return `${body}CTT*${lines}~\nSE*${2 * lines + 4}*${control}~\n`;
  };
  const file = `${isa}${set('0001', 200)}${set('0002', 2)}GE*2*101~\nIEA*1*000000101~\n`;

  it('is rejected with AK3 code 4, counted but not held, and the next set is still read', () => {
    const { report, transactions } = parseX12(file, { maxSetBytes: 2000 });
    const [big, small] = transactions;
    expect(big!.valid).toBe(false);
    expect(big!.oversize).toBe(true);
    expect(big!.segments).toEqual([]);
    expect(big!.segmentCount).toBe(404);
    expect(big!.errors.map((e) => `${e.level}:${e.code}`)).toEqual(['segment:4']);
    expect(big!.errors[0]!.message).toMatch(/larger than 2 KB, the most RxLedger reads as one set/);
    expect(small!.valid).toBe(true);
    expect(small!.oversize).toBe(false);
    expect(report.errors.filter((e) => e.severity === 'error')).toHaveLength(1);
  });

  it('is read as usual under the default limit', () => {
    const { transactions } = parseX12(file);
    expect(transactions.map((t) => t.valid)).toEqual([true, true]);
  });
});
