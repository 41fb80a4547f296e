import { describe, expect, it } from 'vitest';
import { buildHidPosReports, parseHidPosReport } from './hid-pos-report';
import { ScanAssembler } from './scan-assembler';
import { scanText, toHex } from './types';

const enc = new TextEncoder();
const T0 = new Date('2025-03-01T10:00:00.000Z');
const GS1 = '010030001234567521SERIAL0000000000000001\u001d10LOT-ABCDEFGHIJ12345\u001d17270331\u001d7003' + '2503011200' + '\u001d240' + 'X'.repeat(40);

function assemble(reports: Uint8Array[], assembler = new ScanAssembler({ scannerId: 's1', source: 'usb-hid-pos' })) {
  const out = [];
  for (const r of reports) {
    const e = assembler.push(parseHidPosReport(r)!, T0);
    if (e) out.push(e);
  }
  return { out, assembler };
}

describe('scan assembly', () => {
  it('joins a GS1 DataMatrix spanning 3 reports, GS bytes and AIM id intact', () => {
    const reports = buildHidPosReports(']d2', enc.encode(GS1));
    expect(reports).toHaveLength(3);
    const { out } = assemble(reports);
    expect(out).toHaveLength(1);
    const scan = out[0]!;
    expect(scan.raw).toBe(GS1);
    expect(scan.raw.split('\u001d')).toHaveLength(5);
    expect(scan.symbologyId).toBe(']d2');
    expect(scanText(scan)).toBe(']d2' + GS1);
    expect(scan).toMatchObject({ scannerId: 's1', source: 'usb-hid-pos', complete: true, receivedAt: '2025-03-01T10:00:00.000Z' });
    expect(scan.rawBytesHex).toBe(toHex(new TextEncoder().encode(GS1)));
  });

  it('reports a scan cut short as incomplete, keeping the bytes that came', () => {
    const reports = buildHidPosReports(']d2', enc.encode(GS1));
    const { out, assembler } = assemble(reports.slice(0, 2));
    expect(out).toEqual([]);
    const partial = assembler.abort('scanner unplugged', T0)!;
    expect(partial.complete).toBe(false);
    expect(partial.problem).toMatch(/incomplete scan: scanner unplugged/);
    expect(partial.raw).toBe(GS1.slice(0, 112));
    expect(partial.rawBytesHex).toBe(toHex(new TextEncoder().encode(GS1.slice(0, 112))));
    expect(assembler.abort('again', T0)).toBeNull();
  });

  it('detects an AIM identifier carried in the data itself', () => {
    const { out } = assemble(buildHidPosReports(null, enc.encode(']C1011234')));
    expect(out[0]!.symbologyId).toBe(']C1');
    expect(out[0]!.raw).toBe(']C1011234');
    expect(scanText(out[0]!)).toBe(']C1011234');
  });

  it('keeps non-UTF-8 bytes one char per byte', () => {
    const { out } = assemble(buildHidPosReports(null, Uint8Array.from([0x41, 0xe9, 0x42])));
    expect(out[0]!.raw).toBe('A\u00e9B');
    expect(out[0]!.rawBytesHex).toBe('41e942');
  });

  it('starts the next scan clean after one completes', () => {
    const a = buildHidPosReports(']E0', enc.encode('0300123456789'));
    const b = buildHidPosReports(']C1', enc.encode('01003001234567'));
    const { out } = assemble([...a, ...b]);
    expect(out.map((e) => [e.symbologyId, e.raw])).toEqual([
      [']E0', '0300123456789'],
      [']C1', '01003001234567'],
    ]);
  });
});
