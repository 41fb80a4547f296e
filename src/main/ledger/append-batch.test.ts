import { generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/ledger/canonical';
import { EntryBody } from '../../shared/schemas/ledger-entry';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { signHash } from '../keys/device-key';
import { LedgerRuleError, type AppendResult } from './append';
import { canonicalBody, checkedBody } from '../../shared/ledger/body-check';
import { ParallelSigner, SIGNER_CAPACITY } from './parallel-signer';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function ws() {
  const t = tempWorkstation();
  cleanups.push(t.cleanup);
  return t.ws;
}

const committed = (r: AppendResult) => {
  if (r.status !== 'committed') throw new Error('expected a commit');
  return r.entry;
};

describe('batched appends', () => {
  it('store exactly what one-by-one appends would: chain, signatures, stock', () => {
    const w = ws();
    const n = SIGNER_CAPACITY * 2 + 37; // several signer batches, the last one partial
    const results = w.ledger.append(Array.from({ length: n }, (_, i) => receipt({ lot: `L${i % 7}`, quantity: 1 + (i % 5), delta: 1 + (i % 5) })));
    expect(results).toHaveLength(n);
    let prev = '0'.repeat(64);
    results.forEach((r, i) => {
      const e = committed(r);
      expect(e.seq).toBe(i + 1);
      expect(e.prev_hash).toBe(prev);
      // Ed25519 is deterministic: whichever thread signed, the bytes are signHash's.
      expect(e.signature).toBe(signHash(w.deviceKey.privateKey, e.hash));
      prev = e.hash;
    });
    const report = w.verify();
    expect(report).toMatchObject({ ok: true, checked: n, failure: null });
  });

  it('treat a key repeated inside one batch as a duplicate of the earlier entry', () => {
    const w = ws();
    const [a, b, ...rest] = w.ledger.append([
      receipt({ idempotency_key: 'dup-1' }),
      receipt({ idempotency_key: 'dup-1' }),
      ...Array.from({ length: 10 }, () => receipt()),
    ]);
    expect(committed(a!).seq).toBe(1);
    expect(b).toEqual({ status: 'duplicate', existing: { device_id: w.deviceId, seq: 1 }, sameContent: true });
    expect(rest.map((r) => committed(r).seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(w.ledger.append(Array.from({ length: 9 }, () => receipt({ idempotency_key: 'dup-1' })))[0]).toMatchObject({ status: 'duplicate' });
    expect(w.verify().ok).toBe(true);
  });

  it('see the stock effect of earlier entries of the same batch, and write nothing when one is refused', () => {
    const w = ws();
    const ok = w.ledger.append([
      receipt({ quantity: 10, delta: 10 }),
      ...Array.from({ length: 10 }, () => receipt({ type: 'DISPENSE', quantity: 1, delta: -1 })),
    ]);
    expect(ok).toHaveLength(11);
    expect(() =>
      w.ledger.append([...Array.from({ length: 9 }, () => receipt({ quantity: 1, delta: 1 })), receipt({ type: 'DISPENSE', quantity: 50, delta: -50 })]),
    ).toThrow(LedgerRuleError);
    expect(w.ledger.head().seq).toBe(11);
    expect((w.db.prepare('SELECT on_hand FROM stock').get() as { on_hand: number }).on_hand).toBe(0);
    expect(() => w.ledger.append(Array.from({ length: 12 }, (_, i) => receipt(i === 5 ? { quantity: 1.5, delta: 1 } : {})))).toThrow(/quantity/);
    expect(w.ledger.head().seq).toBe(11);
    expect(w.verify().ok).toBe(true);
  });

  it('still append, signing in-thread, after the ledger was closed', () => {
    const w = ws();
    w.ledger.close();
    w.ledger.append(Array.from({ length: 20 }, () => receipt()));
    expect(w.verify()).toMatchObject({ ok: true, checked: 20 });
  });
});

describe('ParallelSigner', () => {
  it('gives every item the signature of its own hash, batch after batch', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = new ParallelSigner(privateKey);
    try {
      for (let round = 0; round < 20; round++) {
        const n = 1 + ((round * 97) % SIGNER_CAPACITY);
        const hashes = Array.from({ length: n }, (_, i) => Buffer.alloc(32, (round * 31 + i) & 0xff).fill(round & 0xff, 0, 1));
        if (!signer.begin()) throw new Error('worker unavailable');
        hashes.forEach((h, i) => signer.publish(i, h));
        const seen: number[] = [];
        signer.collect((i, sig) => {
          seen.push(i);
          expect(verify(null, hashes[i]!, publicKey, Buffer.from(sig, 'base64'))).toBe(true);
        });
        expect(seen).toEqual(hashes.map((_, i) => i));
      }
    } finally {
      signer.close();
    }
  });
});

describe('the hot-path body check', () => {
  const base = () =>
    ({
      ...receipt({ data: { note: 'n', n: 3, list: [1, 'a', null, true, { x: [] }] } }),
      v: 1,
      device_id: 'dev-1',
      seq: 4,
      recorded_at: '2026-11-01T10:00:00.123Z',
      idempotency_key: null,
      corrects: null,
    }) as Record<string, unknown>;
  const variants: [string, (b: Record<string, unknown>) => void][] = [
    ['as is', () => {}],
    ['extra key', (b) => (b.extra = 1)],
    ['missing key', (b) => delete b.ndc],
    ['undefined field', (b) => (b.lot = undefined)],
    ['v 2', (b) => (b.v = 2)],
    ['seq 0', (b) => (b.seq = 0)],
    ['seq -0', (b) => (b.seq = -0)],
    ['seq float', (b) => (b.seq = 1.5)],
    ['seq string', (b) => (b.seq = '4')],
    ['delta -0', (b) => (b.delta = -0)],
    ['delta unsafe', (b) => (b.delta = 2 ** 53)],
    ['quantity NaN', (b) => (b.quantity = NaN)],
    ['quantity Infinity', (b) => (b.quantity = Infinity)],
    ['type unknown', (b) => (b.type = 'THEFT')],
    ['type lower case', (b) => (b.type = 'receipt')],
    ['empty facility', (b) => (b.facility_id = '')],
    ['empty device', (b) => (b.device_id = '')],
    ['empty actor', (b) => (b.actor = '')],
    ['ndc null', (b) => (b.ndc = null)],
    ['ndc number', (b) => (b.ndc = 12)],
    ['schedule null', (b) => (b.schedule = null)],
    ['schedule II', (b) => (b.schedule = 'II')],
    ['expiry bad', (b) => (b.expiry = '2027-12')],
    ['expiry null', (b) => (b.expiry = null)],
    ['event_time no Z', (b) => (b.event_time = '2026-11-01T10:00:00.000')],
    ['event_time 4 decimals', (b) => (b.event_time = '2026-11-01T10:00:00.0000Z')],
    ['recorded_at no fraction', (b) => (b.recorded_at = '2026-11-01T10:00:00Z')],
    ['corrects valid', (b) => (b.corrects = { device_id: 'd', seq: 1, hash: 'a'.repeat(64) })],
    ['corrects extra key', (b) => (b.corrects = { device_id: 'd', seq: 1, hash: 'a'.repeat(64), x: 1 })],
    ['corrects upper hex', (b) => (b.corrects = { device_id: 'd', seq: 1, hash: 'A'.repeat(64) })],
    ['corrects seq 0', (b) => (b.corrects = { device_id: 'd', seq: 0, hash: 'a'.repeat(64) })],
    ['source extra key', (b) => (b.source = { kind: 'cli', payload_sha256: null, correlation_id: 'c', x: 1 })],
    ['source kind unknown', (b) => (b.source = { kind: 'fax', payload_sha256: null, correlation_id: 'c' })],
    ['source sha', (b) => (b.source = { kind: 'ui', payload_sha256: 'f'.repeat(64), correlation_id: 'c' })],
    ['source sha short', (b) => (b.source = { kind: 'ui', payload_sha256: 'f'.repeat(63), correlation_id: 'c' })],
    ['source empty correlation', (b) => (b.source = { kind: 'ui', payload_sha256: null, correlation_id: '' })],
    ['data float', (b) => (b.data = { x: 0.5 })],
    ['data nested float', (b) => (b.data = { x: [1, { y: 0.1 }] })],
    ['data undefined value', (b) => (b.data = { x: undefined })],
    ['data array', (b) => (b.data = [])],
    ['data null', (b) => (b.data = null)],
    ['data date', (b) => (b.data = { d: new Date(0) })],
    ['data map', (b) => (b.data = new Map())],
    ['data sparse array', (b) => (b.data = { a: [1, , 3] })],
    ['data symbol key', (b) => (b.data = { [Symbol('s')]: 1, a: 1 })],
    ['data null prototype', (b) => (b.data = Object.assign(Object.create(null) as object, { a: 1 }))],
    ['data __proto__ key', (b) => (b.data = JSON.parse('{"__proto__": {"a": 1}}') as unknown)],
    ['data bigint', (b) => (b.data = { a: 1n })],
  ];

  it.each(variants)('%s: accepted only where the schema accepts it, and equal to its result', (_, change) => {
    const b = base();
    change(b);
    const fast = checkedBody(b);
    const zod = EntryBody.safeParse(b);
    if (fast) {
      expect(zod.success).toBe(true);
      expect(fast).toEqual(zod.data);
      expect(canonicalBody(fast)).toBe(canonicalJson(zod.data));
      expect(canonicalBody(fast)).toBe(canonicalJson(fast));
    }
    if (zod.success) expect(canonicalBody(zod.data)).toBe(canonicalJson(zod.data));
  });

  it('takes the common bodies (not only refuses everything)', () => {
    expect(checkedBody(base())).not.toBeNull();
  });
});
