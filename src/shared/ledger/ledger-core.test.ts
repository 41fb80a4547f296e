import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerCrypto as workstationCrypto } from '../../main/ledger/crypto';
import { ledgerCrypto as serverCrypto } from '../../server/crypto';
import type { EntryBody } from '../schemas/ledger-entry';
import { enrollProof } from '../sync/proofs';
import { canonicalBody } from './body-check';
import { canonicalJson } from './canonical';
import { ed25519PublicKey, sha256Hex } from './crypto';
import { base64ToBytes, bytesToBase64, hexToBytes, toHex } from './encoding';
import { checkEntry, signedByDevice, type EntryRecord } from './entry-check';
import { entryHash, GENESIS_PREV_HASH } from './hash';
import { checkStoredSignature } from './signature-check';

describe('the ledger text forms', () => {
  it('write and read hex and base64 as Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expect(toHex(bytes)).toBe(buf.toString('hex'));
        expect(bytesToBase64(bytes)).toBe(buf.toString('base64'));
        expect(hexToBytes(buf.toString('hex'))).toEqual(new Uint8Array(bytes));
        expect(base64ToBytes(buf.toString('base64'))).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('read hex as Buffer.from(text, "hex") does, up to the first pair that is not hex', () => {
    for (const text of ['', 'A1b2', 'abc', 'zz00', '00zz11', 'ab cd']) expect(hexToBytes(text)).toEqual(new Uint8Array(Buffer.from(text, 'hex')));
  });

  it('refuse text that is not padded base64', () => {
    for (const text of ['A', 'AAA', 'AA=A', '=AAA', 'AA==AAAA', 'AAA*', 'AAAA\n', 'ÿAAA']) expect(base64ToBytes(text)).toBeNull();
  });
});

const KEY = generateKeyPairSync('ed25519');
const RAW_PUBLIC = KEY.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

function body(over: Partial<EntryBody> = {}): EntryBody {
  return {
    v: 1,
    device_id: 'dev-a',
    seq: 1,
    type: 'RECEIPT',
    facility_id: 'MAIN01',
    ndc: '00002-1200-30',
    lot: 'L1',
    serial: null,
    expiry: null,
    schedule: 'CII',
    quantity: 10,
    delta: 10,
    event_time: '2026-01-02T03:04:05.000Z',
    recorded_at: '2026-01-02T03:04:06.000Z',
    actor: 'tech1',
    corrects: null,
    idempotency_key: null,
    source: { kind: 'cli', payload_sha256: null, correlation_id: 'c-1' },
    data: {},
    ...over,
  };
}

/** An entry signed with node:crypto directly, as the workstation's append writes it. */
function signed(prevHash: string, b: EntryBody | string, at: { device_id?: string; seq?: number } = {}): EntryRecord {
  const text = typeof b === 'string' ? b : canonicalBody(b);
  const hash = createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(text, 'utf8').digest();
  return {
    device_id: at.device_id ?? (typeof b === 'string' ? 'dev-a' : b.device_id),
    seq: at.seq ?? (typeof b === 'string' ? 1 : b.seq),
    prev_hash: prevHash,
    hash: hash.toString('hex'),
    signature: sign(null, hash, KEY.privateKey).toString('base64'),
    body: text,
  };
}

describe.each([
  ['workstation', workstationCrypto],
  ['server', serverCrypto],
])('the ledger core with the %s’s node:crypto', (_, crypto) => {
  const key = ed25519PublicKey(crypto, RAW_PUBLIC);
  const check = (e: EntryRecord, expectedSeq = 1, prev = GENESIS_PREV_HASH) => {
    const r = checkEntry(crypto, e, expectedSeq, prev, key);
    return r.ok ? null : { seq: r.seq, reason: r.reason };
  };

  it('hashes entries to the same bytes as before (SHA-256 of prev_hash bytes ‖ UTF-8 body)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ unit: 'binary' }), (prev, text) => {
        const prevHex = Buffer.from(prev).toString('hex');
        expect(entryHash(crypto, prevHex, text)).toBe(createHash('sha256').update(prev).update(text, 'utf8').digest('hex'));
      }),
    );
    expect(sha256Hex(crypto, 'abc')).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  it('makes the enrollment proof as before (HMAC-SHA256 keyed with the secret’s hash, base64)', () => {
    const secretHash = randomBytes(32).toString('hex');
    const message = 'rxledger-sync-1\nenroll\nABCDEFGH\ndev-ü\nMAIN01\nkey';
    expect(enrollProof(crypto, secretHash, message)).toBe(createHmac('sha256', Buffer.from(secretHash, 'hex')).update(message, 'utf8').digest('base64'));
  });

  it('reads a raw public key, and refuses one that is not 32 bytes of base64', () => {
    expect(key.equals(KEY.publicKey)).toBe(true);
    for (const bad of ['', 'AAAA', Buffer.alloc(31).toString('base64'), `${RAW_PUBLIC.slice(0, -1)}*`]) {
      expect(() => ed25519PublicKey(crypto, bad)).toThrow('an Ed25519 public key is 32 bytes');
    }
  });

  it('accepts a plain record that is right, and returns its body', () => {
    const e = signed(GENESIS_PREV_HASH, body());
    expect(checkEntry(crypto, e, 1, GENESIS_PREV_HASH, key)).toEqual({ ok: true, body: body() });
    const next = signed(e.hash, body({ seq: 2, type: 'DISPENSE', quantity: 3, delta: -3 }));
    expect(check(next, 2, e.hash)).toBeNull();
  });

  it('names each way a plain record can be wrong', () => {
    const e = signed(GENESIS_PREV_HASH, body());
    expect(check(e, 2)).toEqual({ seq: 1, reason: 'seq 1 out of order (expected 2)' });
    expect(check({ ...e, seq: 3 })).toEqual({ seq: 1, reason: 'entry missing: the chain jumps from seq 0 to 3' });
    expect(check(e, 1, 'ab'.repeat(32))?.reason).toBe('prev_hash does not match the hash of the entry before it');
    expect(check(signed(GENESIS_PREV_HASH, '{"v":1'))?.reason).toBe('body is not JSON');
    expect(check(signed(GENESIS_PREV_HASH, canonicalJson({ ...body(), quantity: 'ten' })))?.reason).toMatch(/^body does not match the entry format: /);
    expect(check(signed(GENESIS_PREV_HASH, JSON.stringify(body())))?.reason).toBe('body is not in canonical form');
    expect(check({ ...e, hash: e.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) })?.reason).toBe('hash does not match the body (the entry was changed)');
    expect(check({ ...e, signature: signed(GENESIS_PREV_HASH, body({ actor: 'other' })).signature })?.reason).toBe('signature does not verify with the device key');
    expect(check({ ...e, signature: 'not base64' })?.reason).toBe('signature does not verify with the device key');
    expect(check(signed(GENESIS_PREV_HASH, body({ device_id: 'dev-b' }), { device_id: 'dev-a' }))?.reason).toBe('body says device dev-b seq 1: the entry was moved');
    expect(check(signed(GENESIS_PREV_HASH, body({ seq: 2 }), { seq: 1 }))?.reason).toBe('body says device dev-a seq 2: the entry was moved');
    expect(check(signed(GENESIS_PREV_HASH, body({ type: 'DISPENSE', delta: 10 })))?.reason).toBe('a DISPENSE with delta 10 breaks the entry rules');
  });

  it('checks copied columns only where the record has them', () => {
    const e = signed(GENESIS_PREV_HASH, body());
    const columns = { type: 'RECEIPT', facility_id: 'MAIN01', ndc: '00002-1200-30', lot: 'L1', delta: 10, event_time: body().event_time, recorded_at: body().recorded_at };
    expect(checkEntry(crypto, e, 1, GENESIS_PREV_HASH, key, columns).ok).toBe(true);
    expect(checkEntry(crypto, e, 1, GENESIS_PREV_HASH, key, { ...columns, lot: 'L2' })).toEqual({
      ok: false,
      seq: 1,
      reason: 'column lot (L2) differs from the signed body (L1)',
    });
  });

  it('tells an entry the device signed from one it did not, wherever it continues from', () => {
    const e = signed('cd'.repeat(32), body());
    expect(signedByDevice(crypto, e, key)).toBe(true);
    expect(signedByDevice(crypto, { ...e, prev_hash: GENESIS_PREV_HASH }, key)).toBe(false);
  });

  it('checks a pharmacist’s signature against the entry that names the signer', () => {
    const m = { user_id: 'pat', printed_name: 'Pat P', role: 'signer', meaning: 'approval', signed_at: '2026-01-02T03:04:05.000Z', time_zone: 'UTC', public_key: RAW_PUBLIC } as const;
    const e = signed(GENESIS_PREV_HASH, body({ type: 'ADJUSTMENT', delta: -1, quantity: 1, data: { signatures: [m] } }));
    const s = { signer_id: 'pat', entry_hash: e.hash, printed_name: 'Pat P', role: 'signer', meaning: 'approval', signed_at: m.signed_at, public_key: RAW_PUBLIC, signature: sign(null, Buffer.from(e.hash, 'hex'), KEY.privateKey).toString('base64') };
    expect(checkStoredSignature(crypto, s, e)).toBeNull();
    expect(checkStoredSignature(crypto, s, undefined)).toBe('the signed entry is not in the ledger');
    expect(checkStoredSignature(crypto, { ...s, meaning: 'review' }, e)).toBe('the stored manifestation of pat differs from the one in the entry');
    expect(checkStoredSignature(crypto, { ...s, signer_id: 'sam' }, e)).toMatch(/does not name sam as a signer/);
    expect(checkStoredSignature(crypto, { ...s, signature: e.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, e)).toBe(
      "the signature of pat does not verify over the entry hash with the signer's public key",
    );
  });
});
