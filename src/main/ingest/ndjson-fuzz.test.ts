import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempWorkstation } from '../../testing/temp-workstation';
import { sha256Hex } from '../ledger/hash';
import type { Workstation } from '../workstation';
import { createGate, type GateOutcome } from './gate';
import { ingestNdjsonFile } from './ndjson-file';

/** mulberry32: a small seeded PRNG, so a failing case can be run again from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const NDCS = ['0002-1200-30', '00002-1200-30', '59011-0440-10', '0002120030', '12345-678-9', 'NDC 0002-1200-30', ''];
const TYPES = ['RECEIPT', 'RECEIPT', 'RECEIPT', 'DISPENSE', 'RETURN', 'ADJUSTMENT', 'TRANSFER'];
const SCHEDULES = ['II', 'CII', 'III', 'IV', 'V', 'OTC', 'VI'];

function goodish(r: ReturnType<typeof prng>): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    ndc: r.pick(NDCS.slice(0, 3)),
    schedule: 'II',
    lot_number: r.pick(['A1', 'B2', 'C3', 'LOT-9']),
    quantity: r.pick([1, 5, 10, 50, 100]),
    facility_id: 'MAIN01',
    handler_id: r.pick(['tech01', 'tech02', 'pharm1']),
    transaction_type: r.pick(TYPES.slice(0, 5)),
    timestamp_utc: `2026-0${1 + r.int(9)}-1${r.int(9)}T${10 + r.int(10)}:00:00Z`,
  };
  if (r.next() < 0.3) rec.expiry = r.pick(['2027-12-31', '2025-01-01', '2026-13-01']);
  if (r.next() < 0.2) rec.idempotency_key = `k-${r.int(20)}`;
  if (r.next() < 0.1) rec.serial_number = `SN${r.int(1000)}`;
  return rec;
}

function mutate(r: ReturnType<typeof prng>, line: string): Buffer {
  const b = Buffer.from(line, 'utf8');
  switch (r.int(9)) {
    case 0: {
      // flip a few bytes (never to a newline: one input line stays one line)
      for (let i = 0; i < 1 + r.int(4); i++) {
        const at = r.int(b.length);
        let v = r.int(256);
        if (v === 0x0a) v = 0x0b;
        b[at] = v;
      }
      return b;
    }
    case 1:
      return b.subarray(0, r.int(b.length));
    case 2:
      return Buffer.concat([b.subarray(0, r.int(b.length)), Buffer.from(r.pick(['"', '{', '}', ',', '\\', '\u0000', '\uFFFD', 'null'])), b.subarray(r.int(b.length))]);
    case 3: {
      const o = JSON.parse(line) as Record<string, unknown>;
      delete o[r.pick(Object.keys(o))];
      return Buffer.from(JSON.stringify(o));
    }
    case 4: {
      const o = JSON.parse(line) as Record<string, unknown>;
      o[r.pick(Object.keys(o))] = r.pick([null, -1, 0, 1.5, 1e300, '', [], {}, true, 'x'.repeat(30), 2 ** 60]);
      return Buffer.from(JSON.stringify(o));
    }
    case 5: {
      const o = JSON.parse(line) as Record<string, unknown>;
      o.ndc = r.pick(NDCS);
      o.schedule = r.pick(SCHEDULES);
      o.transaction_type = r.pick(TYPES);
      return Buffer.from(JSON.stringify(o));
    }
    case 6:
      return Buffer.from(JSON.stringify({ ...JSON.parse(line), extra_field: 1 }));
    case 7:
      return Buffer.from(JSON.stringify([JSON.parse(line)]));
    default:
      return b;
  }
}

function randomBytes(r: ReturnType<typeof prng>, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let v = r.int(256);
    if (v === 0x0a) v = 0x20;
    b[i] = v;
  }
  return b;
}

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
beforeEach(() => {
  t = tempWorkstation();
  ws = t.ws;
});
afterEach(() => t.cleanup());

describe('NDJSON fuzzing (seeded, bounded)', () => {
  for (const seed of [1, 7, 2026]) {
    it(`seed ${seed}: never crashes and never loses a payload`, async () => {
      const r = prng(seed);
      const lines: Buffer[] = [];
      for (let i = 0; i < 300; i++) {
        const roll = r.next();
        const base = JSON.stringify(goodish(r));
        if (roll < 0.35) lines.push(Buffer.from(base));
        else if (roll < 0.8) lines.push(mutate(r, base));
        else if (roll < 0.92) lines.push(randomBytes(r, 1 + r.int(200)));
        else if (roll < 0.96) lines.push(randomBytes(r, 2100 + r.int(1000))); // over the 2 KB line limit below
        else lines.push(Buffer.from(r.pick(['', '   ', '\t', '\r'])));
      }
      // Duplicates: re-send some earlier lines verbatim.
      for (let i = 0; i < 30; i++) lines.push(lines[r.int(lines.length)]!);
      const file = join(t.dir, `fuzz-${seed}.ndjson`);
      writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));

      const outcomes = new Map<number, GateOutcome>();
      const res = await ingestNdjsonFile(file, {
        gate: createGate(ws),
        submitter: 'tech01',
        batchSize: 37,
        maxLineBytes: 2048,
        onOutcome: (line, o) => {
          expect(outcomes.has(line)).toBe(false);
          outcomes.set(line, o);
        },
      });

      const entryBySha = new Map<string, number>();
      for (const e of ws.db.prepare('SELECT body FROM ledger_entries').all() as { body: string }[]) {
        const sha = (JSON.parse(e.body) as { source: { payload_sha256: string } }).source.payload_sha256;
        entryBySha.set(sha, (entryBySha.get(sha) ?? 0) + 1);
      }
      const quarantined = new Map(ws.quarantine.list().map((q) => [q.id, q]));
      let counted = 0;
      lines.forEach((raw, i) => {
        const lineNo = i + 1;
        let bytes = raw;
        if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
        const blank = bytes.length === 0 || /^\s*$/.test(bytes.toString('latin1'));
        const o = outcomes.get(lineNo);
        if (blank) return expect(o, `line ${lineNo}`).toBeUndefined();
        counted++;
        expect(o, `line ${lineNo} has an outcome`).toBeDefined();
        const sha = sha256Hex(bytes);
        if (o!.status === 'committed') expect(entryBySha.get(sha), `line ${lineNo} committed with its payload hash`).toBeGreaterThan(0);
        else if (o!.status === 'quarantined') {
          const q = quarantined.get(o!.quarantineId)!;
          expect(q.sha256, `line ${lineNo} quarantined with its sha256`).toBe(sha);
          // Over-long lines (LINE_TOO_LONG) too: up to 16 MB they are kept in the row.
          if (bytes.length > 2048) expect(q.reasons).toEqual(['LINE_TOO_LONG']);
          expect(ws.quarantine.raw(q.id)?.equals(bytes) ?? bytes.length === 0, `line ${lineNo} kept byte for byte`).toBe(true);
        } else expect(o!.status).toBe('duplicate');
      });
      expect(res.accepted + res.duplicates + res.rejected).toBe(counted);
      expect(ws.verify().ok).toBe(true);
      // Sending the whole file again: a line committed before is a duplicate now. Only lines refused
      // for the state of the stock then (a dispense before its receipt) may commit now.
      const firstPass = new Map(outcomes);
      const again = new Map<number, GateOutcome>();
      await ingestNdjsonFile(file, { gate: createGate(ws), submitter: 'tech01', maxLineBytes: 2048, onOutcome: (line, o) => again.set(line, o) });
      for (const [line, o] of again) {
        const before = firstPass.get(line)!;
        if (before.status === 'committed' || before.status === 'duplicate') expect(o.status, `line ${line} again`).toBe('duplicate');
        if (o.status === 'committed') {
          expect(before.status).toBe('quarantined');
          expect(before.status === 'quarantined' && before.reasons.some((x) => ['INSUFFICIENT_STOCK', 'SCHEDULE_CHANGE'].includes(x))).toBe(true);
        }
      }
      expect(ws.verify().ok).toBe(true);
    }, 60_000);
  }
});
