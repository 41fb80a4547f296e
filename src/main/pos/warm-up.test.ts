import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { memoryCatalog } from '../ingest/catalog-port';
import type { Workstation } from '../workstation';
import { startPosServer, type RunningPosServer } from './server';
import { PosService } from './service';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;

const tables = ['ledger_entries', 'stock', 'idempotency', 'outbox', 'pos_requests', 'pos_metadata', 'quarantine', 'phi_records'] as const;
const counts = () => Object.fromEntries(tables.map((name) => [name, ws.db.prepare(`SELECT COUNT(*) FROM ${name}`).pluck().get()]));

beforeEach(() => {
  t = tempWorkstation({ seed: true });
  ws = t.ws;
  ws.ledger.appendOne(receipt({ ndc: '00002-1200-30', lot: 'LOT1', schedule: 'CII', quantity: 100, delta: 100 }));
});
afterEach(() => t.cleanup());

describe('POS warm-up before the port opens', () => {
  it('runs the request path and writes nothing: no entry, stock change, stored answer, quarantine item or PHI record', async () => {
    const before = counts();
    const stock = ws.db.prepare('SELECT on_hand FROM stock').pluck().all();
    const head = ws.ledger.head();
    const service = new PosService(ws, { catalog: memoryCatalog({ '00002-1200-30': 'CII' }) });
    const walBefore = statSync(`${ws.db.name}-wal`).size;
    const result = await service.warmUp(50, 20);
    expect(result.rounds).toBe(50);
    // The writing half ran on the accepting path (a lot in stock) and was rolled back each time.
    expect(result.rehearsals).toBe(20);
    expect(result.accepted).toBe(20);
    expect(statSync(`${ws.db.name}-wal`).size).toBeGreaterThan(walBefore + 30_000_000);
    expect(result.workers).toBe(true);
    expect(counts()).toEqual(before);
    expect(ws.db.prepare('SELECT on_hand FROM stock').pluck().all()).toEqual(stock);
    expect(ws.ledger.head()).toEqual(head);
    await service.close();
  });

  it('the first dispense after start is an ordinary one: seq right after the receipt, its answer stored', async () => {
    let pos: RunningPosServer | null = null;
    try {
      pos = await startPosServer(ws, { catalog: memoryCatalog({ '00002-1200-30': 'CII' }) });
      const answer = await pos.service.handle(
        'dispense',
        Buffer.from(
          JSON.stringify({
            transaction_id: 'rx-1',
            ndc: '00002-1200-30',
            lot: 'LOT1',
            quantity: 2,
            handler_id: 'tech01',
            occurred_at: '2026-11-01T12:00:00Z',
            patient: { id: 'P-1', name: 'A Patient', dob: '1950-01-01' },
          }),
        ),
      );
      expect(answer).toMatchObject({ status: 200, body: { status: 'accepted', entry: { seq: 2, type: 'DISPENSE', delta: -2 } } });
      expect(ws.db.prepare('SELECT COUNT(*) FROM pos_requests').pluck().get()).toBe(1);
      expect(ws.db.prepare('SELECT on_hand FROM stock').pluck().get()).toBe(98);
    } finally {
      await pos?.close();
    }
  });
});
