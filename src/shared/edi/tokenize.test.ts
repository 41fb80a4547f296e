import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { readSegments, tokenize, type Segment } from './tokenize';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

/** Segments (and any unparsed tail) must cover the input byte for byte, in order. */
function expectTiled(bytes: Uint8Array) {
  const r = tokenize(bytes);
  let at = 0;
  for (const s of r.segments) {
    expect(s.byteOffset).toBe(at);
    at += s.byteLength;
  }
  if (r.unparsed) {
    expect(r.unparsed.byteOffset).toBe(at);
    at += r.unparsed.byteLength;
  }
  expect(at).toBe(bytes.length);
  return r;
}

describe('delimiters come from the ISA', () => {
  it('reads |, ^ and ! from a file that uses them', () => {
    const r = expectTiled(fixture('custom-delimiters.edi'));
    expect(r.delimiters).toEqual({ element: '|', component: '^', repetition: null, segment: '!' });
    expect(r.segments.map((s) => s.id).slice(0, 4)).toEqual(['ISA', 'GS', 'ST', 'XQ']);
    expect(r.segments.find((s) => s.id === 'SDQ')?.elements).toEqual(['SDQ', 'EA', '92', 'STORE12', '100', 'STORE14', '140']);
  });

  it('takes ISA11 as the repetition separator in 5010 and not in 4010', () => {
    expect(tokenize(fixture('5010-856-pharmacy-asn.edi')).delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(tokenize(fixture('4010-852-product-activity.edi')).delimiters?.repetition).toBeNull();
  });

  it('reads through a UTF-8 BOM and CRLF after each terminator, keeping them in the raw text', () => {
    const bytes = fixture('bom-crlf.edi');
    const r = expectTiled(bytes);
    expect(r.segments[0]?.id).toBe('ISA');
    expect(r.segments[0]?.raw.startsWith('\ufeffISA*')).toBe(true);
    expect(r.segments[1]?.raw).toBe('GS*PD*WHOLESALER*PHARMACY01*20240607*1200*101*X*004010~\r\n');
    expect(r.segments.at(-1)?.elements).toEqual(['IEA', '1', '000000101']);
  });

  it('accepts CR as the segment terminator with a LF after it (a CRLF-terminated file)', () => {
    const text = fixture('4010-852-product-activity.edi').toString('latin1').replace(/~\n/g, '\r\n');
    const isa = text.slice(0, 106);
    expect(isa.endsWith('\r')).toBe(true);
    const r = tokenize(text);
    expect(r.delimiters?.segment).toBe('\r');
    expect(r.segments[1]?.id).toBe('GS');
    expect(r.segments.find((s) => s.id === 'SE')?.elements).toEqual(['SE', '12', '0001']);
  });

  it('refuses input that is not X12, keeping all of it as unparsed', () => {
    const bytes = fixture('bad-binary.bin');
    const r = expectTiled(bytes);
    expect(r.segments).toHaveLength(0);
    expect(r.unparsed?.byteLength).toBe(bytes.length);
    expect(r.issues[0]?.ta1).toBe('022');
  });

  it('cuts a run without terminator at maxSegmentBytes instead of buffering it', () => {
    const isa = fixture('4010-852-product-activity.edi').toString('latin1').slice(0, 107);
    const r = tokenize(isa + 'X'.repeat(5000), { maxSegmentBytes: 1000 });
    expect(r.segments.length).toBeGreaterThan(5);
    expect(r.segments.slice(1).every((s) => s.byteLength <= 1000)).toBe(true);
    expect(r.issues.some((i) => i.ta1 === '004')).toBe(true);
  });
});

describe('streaming', () => {
  it('gives the same segments whatever the chunk size', async () => {
    const bytes = fixture('bom-crlf.edi');
    // Compared as a reader sees them: every field, the raw text included.
    const view = (s: Segment) => ({ id: s.id, elements: s.elements, index: s.index, byteOffset: s.byteOffset, byteLength: s.byteLength, raw: s.raw, terminated: s.terminated });
    const whole = tokenize(bytes).segments.map(view);
    for (const size of [1, 2, 3, 7, 64, 4096]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const got = [];
      for await (const s of readSegments(chunks())) got.push(view(s));
      expect(got).toEqual(whole);
    }
  });
});

describe.skipIf(!corporaPresent)('corpus files', () => {
  if (!corporaPresent) console.warn(corporaSkipReason);

  it('reads the bare pharmacy 852 and trims stray spaces before segment ids', () => {
    const r = expectTiled(readFileSync(corpusPath('edi', '852', 'x12org_008010X369_pharmacy_852__via_intbricks.txt')));
    expect(r.mode).toBe('bare');
    expect(r.segments.map((s) => s.id)).toEqual(['ST', 'XQ', 'N9', 'PER', 'LIN', 'CTP', 'ZA', 'SDQ', 'ZA', 'SDQ', 'CTT', 'SE']);
    expect(r.segments[6]?.raw).toBe(' ZA*OH*500*EA~');
  });

  it('reads a newline-terminated file whose last segment has no terminator', () => {
    const r = expectTiled(readFileSync(corpusPath('edi', 'malformed', 'gozer_x12.base_bad_counts.txt')));
    expect(r.delimiters?.segment).toBe('\n');
    expect(r.segments.at(-1)).toMatchObject({ id: 'IEA', terminated: false, elements: ['IEA', '2', '000000049'] });
  });
});
