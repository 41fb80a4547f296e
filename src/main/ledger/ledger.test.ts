import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { Workstation } from '../workstation';
import { LedgerRuleError } from './append';
import { rebuildStock } from './stock';
import { verifyFolder } from './verify-folder';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(n = 5) {
  const t = tempWorkstation();
  cleanups.push(t.cleanup);
  for (let i = 0; i < n; i++) t.ws.ledger.appendOne(receipt({ lot: `L${i}`, quantity: 10 + i, delta: 10 + i }));
  return t;
}

/** Opens the file behind the app's back, as a forger would, with the append-only triggers removed. */
function forge(dir: string, sql: (db: Database.Database) => void) {
  const db = new Database(join(dir, 'rxledger.db'));
  db.exec('DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;');
  sql(db);
  db.close();
}

function reopen(dir: string) {
  const ws = Workstation.open(dir);
  cleanups.push(() => ws.close());
  return ws;
}

describe('appending', () => {
  it('numbers entries without gaps and chains each to the one before', () => {
    const { ws } = setup(3);
    const rows = ws.db.prepare('SELECT seq, prev_hash, hash FROM ledger_entries ORDER BY seq').all() as { seq: number; prev_hash: string; hash: string }[];
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
    expect(ws.verify().ok).toBe(true);
  });

  it('refuses UPDATE and DELETE on committed entries', () => {
    const { ws } = setup(2);
    expect(() => ws.db.prepare('UPDATE ledger_entries SET delta = 999 WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => ws.db.prepare('DELETE FROM ledger_entries WHERE seq = 2').run()).toThrow(/append-only/);
    expect(ws.verify().ok).toBe(true);
  });

  it('keeps stock in step with the ledger and refuses to dispense more than is on hand', () => {
    const { ws } = setup(0);
    ws.ledger.appendOne(receipt({ quantity: 30, delta: 30 }));
    ws.ledger.appendOne(receipt({ type: 'DISPENSE', quantity: 12, delta: -12 }));
    expect(() => ws.ledger.appendOne(receipt({ type: 'DISPENSE', quantity: 19, delta: -19 }))).toThrow(LedgerRuleError);
    const row = ws.db.prepare('SELECT on_hand FROM stock').get() as { on_hand: number };
    expect(row.on_hand).toBe(18);
    expect(ws.ledger.head().seq).toBe(2);
  });

  it('records a correction as a new entry naming the one it corrects', () => {
    const { ws } = setup(0);
    const first = ws.ledger.appendOne(receipt({ quantity: 50, delta: 50 }));
    if (first.status !== 'committed') throw new Error('expected commit');
    const ref = { device_id: first.entry.device_id, seq: first.entry.seq, hash: first.entry.hash };
    const fix = ws.ledger.appendOne(receipt({ type: 'CORRECTION', quantity: 5, delta: -5, corrects: ref, data: { reason: 'receipt keyed as 50, was 45' } }));
    expect(fix.status).toBe('committed');
    const bodies = ws.db.prepare('SELECT body FROM ledger_entries ORDER BY seq').all() as { body: string }[];
    expect(JSON.parse(bodies[0]!.body).quantity).toBe(50);
    expect(JSON.parse(bodies[1]!.body).corrects).toEqual(ref);
    expect((ws.db.prepare('SELECT on_hand FROM stock').get() as { on_hand: number }).on_hand).toBe(45);
  });

  it('keeps event time and recorded time apart', () => {
    const { ws } = setup(0);
    const r = ws.ledger.appendOne(receipt({ event_time: '2026-01-02T03:04:05.000Z' }));
    if (r.status !== 'committed') throw new Error('expected commit');
    expect(r.entry.body.event_time).toBe('2026-01-02T03:04:05.000Z');
    expect(r.entry.body.recorded_at).not.toBe(r.entry.body.event_time);
  });

  it('refuses fractional quantities', () => {
    const { ws } = setup(0);
    expect(() => ws.ledger.appendOne(receipt({ quantity: 1.5, delta: 1.5 }))).toThrow();
    expect(ws.ledger.head().seq).toBe(0);
  });

  it('treats a repeated idempotency key as a duplicate, not a second entry', () => {
    const { ws } = setup(0);
    const a = ws.ledger.appendOne(receipt({ idempotency_key: 'k1' }));
    const b = ws.ledger.appendOne(receipt({ idempotency_key: 'k1' }));
    expect(a.status).toBe('committed');
    expect(b.status).toBe('duplicate');
    expect(ws.ledger.head().seq).toBe(1);
  });

  it('rebuilds the stock projection from the ledger', () => {
    const { ws } = setup(4);
    const before = ws.db.prepare('SELECT * FROM stock ORDER BY lot').all();
    ws.db.exec('UPDATE stock SET on_hand = 0');
    expect(ws.verify().stockMismatches.length).toBe(4);
    rebuildStock(ws.db);
    expect(ws.db.prepare('SELECT * FROM stock ORDER BY lot').all()).toEqual(before);
    expect(ws.verify().ok).toBe(true);
  });
});

describe('tampering is caught at the right seq', () => {
  it('a quantity changed after the trigger was dropped', () => {
    const { ws, dir } = setup(5);
    ws.close();
    forge(dir, (db) => {
      const row = db.prepare('SELECT body FROM ledger_entries WHERE seq = 3').get() as { body: string };
      db.prepare('UPDATE ledger_entries SET body = ? WHERE seq = 3').run(row.body.replace('"quantity":12', '"quantity":2'));
    });
    const r = reopen(dir).verify();
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ seq: 3, reason: expect.stringMatching(/hash does not match/) });
  });

  it('a query column changed without touching the signed body', () => {
    const { ws, dir } = setup(5);
    ws.close();
    forge(dir, (db) => db.prepare('UPDATE ledger_entries SET delta = 1000 WHERE seq = 4').run());
    const r = reopen(dir).verify();
    expect(r.failure).toMatchObject({ seq: 4, reason: expect.stringMatching(/column delta/) });
  });

  it('a row deleted', () => {
    const { ws, dir } = setup(5);
    ws.close();
    forge(dir, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = 2').run());
    const r = reopen(dir).verify();
    expect(r.failure).toMatchObject({ seq: 2, reason: expect.stringMatching(/missing/) });
  });

  it('two rows swapped', () => {
    const { ws, dir } = setup(5);
    ws.close();
    forge(dir, (db) => {
      const a = db.prepare('SELECT * FROM ledger_entries WHERE seq = 2').get() as Record<string, unknown>;
      const b = db.prepare('SELECT * FROM ledger_entries WHERE seq = 3').get() as Record<string, unknown>;
      const cols = ['prev_hash', 'hash', 'signature', 'body', 'type', 'facility_id', 'ndc', 'lot', 'delta', 'event_time', 'recorded_at'];
      const set = db.prepare(`UPDATE ledger_entries SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`);
      db.prepare('UPDATE ledger_entries SET hash = hash || \'x\' WHERE seq IN (2, 3)').run();
      set.run({ ...Object.fromEntries(cols.map((c) => [c, b[c]])), seq: 2 });
      set.run({ ...Object.fromEntries(cols.map((c) => [c, a[c]])), seq: 3 });
    });
    const r = reopen(dir).verify();
    expect(r.failure?.seq).toBe(2);
    expect(r.ok).toBe(false);
  });

  it('a signature replaced by another entry’s signature', () => {
    const { ws, dir } = setup(5);
    ws.close();
    forge(dir, (db) => {
      const other = db.prepare('SELECT signature FROM ledger_entries WHERE seq = 1').get() as { signature: string };
      db.prepare('UPDATE ledger_entries SET signature = ? WHERE seq = 5').run(other.signature);
    });
    const r = reopen(dir).verify();
    expect(r.failure).toMatchObject({ seq: 5, reason: expect.stringMatching(/signature/) });
  });

  it('the whole chain re-signed with another key', () => {
    const { ws, dir } = setup(3);
    ws.close();
    // A forger who rewrites the stored public key gains nothing: the key file is what counts.
    forge(dir, (db) => db.prepare("UPDATE devices SET public_key = 'ZxEkdqHgLKpch2mejf8OL8xTvOg32LcjxTZcoMSssSU='").run());
    expect(reopen(dir).verify().ok).toBe(true);
  });

  it('the file truncated', () => {
    const { ws, dir } = setup(0);
    // Enough entries that the table spans many pages; then checkpoint so they live in the main file.
    ws.ledger.append(Array.from({ length: 3000 }, (_, i) => receipt({ lot: `T${i}`, data: { pad: 'x'.repeat(200) } })));
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    ws.close();
    const file = join(dir, 'rxledger.db');
    // Cut the last 20 pages: the newest entries are lost, the older ones stay readable.
    truncateSync(file, statSync(file).size - 20 * 4096);
    // Ground truth: the first entry whose row can no longer be read.
    const raw = new Database(file, { readonly: true });
    let firstLost = 0;
    for (let seq = 1; seq <= 3000 && !firstLost; seq++) {
      try {
        raw.prepare('SELECT body FROM ledger_entries NOT INDEXED WHERE rowid = ?').get(seq);
      } catch {
        firstLost = seq;
      }
    }
    raw.close();
    // SQLite refuses every page of a file shorter than its header says, so here that is seq 1:
    // what matters is that verification fails there and says why, rather than passing on what is left.
    expect(firstLost).toBeGreaterThan(0);
    const r = verifyFolder(dir);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ seq: firstLost, reason: expect.stringMatching(/truncated or damaged/) });
  });
});

describe('verifying a folder whose private key is elsewhere', () => {
  it('does not take the public key from workstation.json: an unenrolled folder without its key file cannot be verified (the enrolled case: src/server/anchor.test.ts)', async () => {
    const { ws, dir } = setup(3);
    ws.close();
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'device-signing.key'), join(dir, 'device-signing.moved'));
    expect(() => verifyFolder(dir)).toThrow(/no enrollment record signed by the central server/);
    expect(() => Workstation.open(dir)).toThrow(/OS keychain/);
    renameSync(join(dir, 'device-signing.moved'), join(dir, 'device-signing.key'));
    expect(verifyFolder(dir)).toMatchObject({ ok: true, checked: 3 });
  });
});
