import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corpusPath } from '../../testing/corpora';
import { generateAck } from './ack';
import { mapTransaction } from './map';
import { parseX12, X12Reader, type ParseResult } from './reader';

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fixtureDir = join(import.meta.dirname, 'fixtures');
const seeds: Uint8Array[] = readdirSync(fixtureDir).map((f) => readFileSync(join(fixtureDir, f)));
if (corporaPresent)
  for (const [dir, file] of [
    ['852', 'x12org_008010X369_pharmacy_852__via_intbricks.txt'],
    ['856', 'node-x12_test-data_856.edi'],
    ['malformed', 'gozer_x12.base_bad_counts.txt'],
    ['malformed', 'gozer_x12.missing.ISA.txt'],
  ] as const)
    seeds.push(readFileSync(corpusPath('edi', dir, file)));

const SPECIAL = [...'*~>^|!:\n\r ISAGSTE0123456789'].map((c) => c.charCodeAt(0));

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b = Array.from(src);
  const edits = 1 + pick(4);
  for (let k = 0; k < edits; k++) {
    const at = pick(b.length + 1);
    switch (pick(6)) {
      case 0:
        if (b.length) b[Math.min(at, b.length - 1)] = pick(256);
        break;
      case 1:
        b.splice(at, 0, rnd() < 0.5 ? pick(256) : SPECIAL[pick(SPECIAL.length)]!);
        break;
      case 2:
        b.splice(at, 1 + pick(8));
        break;
      case 3:
        b = b.slice(0, at);
        break;
      case 4: {
        const from = pick(b.length + 1);
        b.splice(at, 0, ...b.slice(from, from + pick(40)));
        break;
      }
      default:
        b.splice(at, 0, ...Array.from({ length: pick(16) }, () => pick(256)));
    }
  }
  return Uint8Array.from(b);
}

/** Nothing lost: segments then the unparsed tail cover every byte; sets are exact slices of them. */
function expectAccounted(bytes: Uint8Array, r: ParseResult) {
  let at = 0;
  for (const s of r.segments) {
    expect(s.byteOffset).toBe(at);
    at += s.byteLength;
  }
  const unparsed = r.report.unparsed;
  if (unparsed) {
    expect(unparsed.byteOffset).toBe(at);
    at += unparsed.byteLength;
  }
  expect(at).toBe(bytes.length);
  const ascii = bytes.every((c) => c < 0x80);
  const text = ascii ? Buffer.from(bytes).toString('latin1') : null;
  for (const tx of r.transactions) {
    expect(tx.raw).toBe(tx.segments.map((s) => s.raw).join(''));
    expect(tx.byteEnd - tx.byteStart).toBe(tx.segments.reduce((n, s) => n + s.byteLength, 0));
    if (text !== null) expect(tx.raw).toBe(text.slice(tx.byteStart, tx.byteEnd));
  }
}

function exercise(bytes: Uint8Array) {
  const r = parseX12(bytes);
  expectAccounted(bytes, r);
  for (const tx of r.transactions) mapTransaction(tx, r.report.delimiters?.component ?? null);
  const ack = generateAck(r.report, { interchangeControl: 1, now: new Date(0) });
  if (ack.ok) expect(parseX12(ack.text).report.readable).toBe(true);
  return r;
}

describe('fuzzing the reader (seeded)', () => {
  it('mutated fixture and corpus files: never a throw, every byte accounted for', () => {
    const rnd = prng(0x5eed852);
    for (let i = 0; i < 4000; i++) {
      const seed = seeds[i % seeds.length]!;
      const input = mutate(seed, rnd);
      try {
        const r = exercise(input);
        if (i % 25 === 0) {
          // The streaming reader must agree with the whole-file one whatever the chunking.
          const reader = new X12Reader();
          const got = [];
          for (let at = 0; at < input.length; ) {
            const n = 1 + Math.floor(rnd() * 50);
            got.push(...reader.push(input.subarray(at, at + n)));
            at += n;
          }
          got.push(...reader.end());
          expect(got.map((t) => [t.control, t.byteStart, t.byteEnd, t.ackCode])).toEqual(r.transactions.map((t) => [t.control, t.byteStart, t.byteEnd, t.ackCode]));
          expect(reader.report().errors.length).toBe(r.report.errors.length);
        }
      } catch (err) {
        throw new Error(`iteration ${i}: ${(err as Error).message}\ninput: ${JSON.stringify(Buffer.from(input).toString('latin1'))}`);
      }
    }
  });

  it('random bytes, alone and after a valid ISA: never a throw, never valid', () => {
    const rnd = prng(0xbadbee);
    const isa = seeds[1]!.subarray(0, 107);
    for (let i = 0; i < 1500; i++) {
      const body = Uint8Array.from({ length: Math.floor(rnd() * 600) }, () => Math.floor(rnd() * 256));
      const input = i % 2 ? body : Uint8Array.from([...isa, ...body]);
      const r = exercise(input);
      expect(r.report.valid).toBe(false);
    }
  });
});
