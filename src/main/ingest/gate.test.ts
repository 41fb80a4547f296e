import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalEventInput } from '../../shared/ingest/event';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { sha256Hex } from '../ledger/hash';
import type { Workstation } from '../workstation';
import { catalogFromDb, memoryCatalog } from './catalog-port';
import { createGate, ingestEvent, type GateOptions } from './gate';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
beforeEach(() => {
  t = tempWorkstation();
  ws = t.ws;
});
afterEach(() => t.cleanup());

const event = (over: Partial<CanonicalEventInput> = {}): CanonicalEventInput => ({
  type: 'RECEIPT',
  facility_id: 'MAIN01',
  ndc: '0002-1200-30',
  lot: 'LOT1',
  expiry: '2027-12-31',
  schedule: 'CII',
  quantity: 50,
  event_time: '2026-11-01T10:00:00Z',
  handler_id: 'tech01',
  source: { kind: 'ui', correlation_id: `c-${Math.random()}`, payload_sha256: sha256Hex('x'), ref: null },
  ...over,
});

async function submit(e: CanonicalEventInput, opts: GateOptions = {}) {
  const gate = createGate(ws, opts);
  return gate.submit({ source: 'ui:test', raw: Buffer.from(JSON.stringify(e)), candidate: { ok: true, event: e } });
}

describe('the ingestion gate', () => {
  it('commits a good event with its correlation id and the sha256 of its raw payload', async () => {
    const e = event();
    const out = await submit(e);
    expect(out.status).toBe('committed');
    if (out.status !== 'committed') return;
    expect(out.entry.body).toMatchObject({ ndc: '00002-1200-30', delta: 50, schedule: 'CII', source: { kind: 'ui', correlation_id: e.source.correlation_id, payload_sha256: e.source.payload_sha256 } });
    expect(out.route).toEqual({ facility_id: 'MAIN01', ndc11: '00002-1200-30', schedule: 'CII', lane: 'cii' });
  });

  it('is idempotent: the same event again is a duplicate, the same key with other content is quarantined', async () => {
    expect((await submit(event({ idempotency_key: 'po-1' }))).status).toBe('committed');
    expect((await submit(event({ idempotency_key: 'po-1' }))).status).toBe('duplicate');
    const conflict = await submit(event({ idempotency_key: 'po-1', quantity: 51 }));
    expect(conflict).toMatchObject({ status: 'quarantined', reasons: ['IDEMPOTENCY_CONFLICT'] });
  });

  it('without a catalog, skips the NDC-in-catalog check; with one, quarantines an unknown NDC', async () => {
    expect((await submit(event({ ndc: '59011-0440-10' }))).status).toBe('committed');
    const out = await submit(event({ ndc: '50090-0001-01' }), { catalog: memoryCatalog({ '00002-1200-30': 'CII' }) });
    expect(out).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_NDC'] });
  });

  it('reads the catalog module through its table; an empty catalog means the check is skipped', async () => {
    const port = catalogFromDb(ws.db);
    expect(port).not.toBeNull();
    expect(port!.hasRows()).toBe(false);
    expect((await submit(event({ ndc: '59011-0440-10' }))).status).toBe('committed');
  });

  it('checks the schedule against the catalog, and takes it from the catalog when the source does not say', async () => {
    const catalog = memoryCatalog({ '00002-1200-30': 'CII' });
    expect(await submit(event({ schedule: 'CIV' }), { catalog })).toMatchObject({ status: 'quarantined', reasons: ['SCHEDULE_MISMATCH'] });
    const { schedule: _drop, ...undeclared } = event();
    const out = await submit(undeclared as CanonicalEventInput, { catalog });
    expect(out.status === 'committed' && out.entry.body.schedule).toBe('CII');
  });

  it('refuses a schedule change between entries unless the catalog says so', async () => {
    await submit(event());
    expect(await submit(event({ schedule: 'CIII', lot: 'LOT2' }))).toMatchObject({ status: 'quarantined', reasons: ['SCHEDULE_CHANGE'] });
    // Rescheduled in the catalog: the new schedule is an allowed transition.
    expect((await submit(event({ schedule: 'CIII', lot: 'LOT2' }), { catalog: memoryCatalog({ '00002-1200-30': 'CIII' }) })).status).toBe('committed');
  });

  it('quarantines an event whose schedule nobody knows', async () => {
    const { schedule: _drop, ...undeclared } = event({ ndc: '59011-0440-10' });
    expect(await submit(undeclared as CanonicalEventInput)).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_SCHEDULE'] });
  });

  it('needs an authorized handler: never a disabled user; only listed ids once a list is configured', async () => {
    ws.users.create({ userId: 'gone1', name: 'Gone', role: 'technician', password: 'long-password-1', actor: 'test' });
    ws.db.prepare("UPDATE users SET disabled = 1 WHERE user_id = 'gone1'").run();
    expect(await submit(event({ handler_id: 'gone1' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    ws.setSetting('ingest.handler_ids', 'erp-7,erp-8');
    expect(await submit(event({ handler_id: 'tech01' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    expect((await submit(event({ handler_id: 'erp-7' }))).status).toBe('committed');
    ws.users.create({ userId: 'pharm1', name: 'Pharm', role: 'pharmacist', password: 'long-password-2', actor: 'test' });
    expect((await submit(event({ handler_id: 'pharm1', lot: 'L9' }))).status).toBe('committed');
  });

  it('applies lot, expiry, serial, time and facility rules', async () => {
    expect(await submit(event({ expiry: '2026-10-01' }))).toMatchObject({ status: 'quarantined', reasons: ['EXPIRED_LOT'] });
    expect(await submit(event({ event_time: '2099-01-01T00:00:00Z', expiry: null }))).toMatchObject({ status: 'quarantined', reasons: ['FUTURE_EVENT'] });
    expect(await submit(event({ serial: 'SN1', quantity: 5 }))).toMatchObject({ status: 'quarantined', reasons: expect.arrayContaining(['BAD_LOT']) });
    expect(await submit(event({ lot: 'LOT 1' }))).toMatchObject({ status: 'quarantined', reasons: expect.arrayContaining(['BAD_LOT']) });
    expect(await submit(event({ facility_id: 'EAST02' }))).toMatchObject({ status: 'quarantined', reasons: ['WRONG_FACILITY'] });
    ws.setSetting('ingest.facilities', 'EAST02');
    expect((await submit(event({ facility_id: 'EAST02' }))).status).toBe('committed');
  });

  it('refuses a dispense from a lot on hold, and one of more than is on hand', async () => {
    await submit(event());
    const dispense = event({ type: 'DISPENSE', quantity: 5, event_time: '2026-11-01T11:00:00Z' });
    expect(await submit(dispense, { activeHold: () => ({ hold_id: 'H1' }) })).toMatchObject({ status: 'quarantined', reasons: ['HOLD_ACTIVE'] });
    expect(await submit({ ...dispense, quantity: 51 })).toMatchObject({ status: 'quarantined', reasons: ['INSUFFICIENT_STOCK'] });
    expect((await submit(dispense)).status).toBe('committed');
  });

  it('retries a busy database with backoff and jitter; when it stays locked, throws and writes nothing', async () => {
    const holder = new Database(join(t.dir, 'rxledger.db'));
    ws.db.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    const slept: number[] = [];
    const gate = createGate(ws, { retry: { attempts: 3, baseMs: 10, capMs: 100 }, sleep: async (ms) => void slept.push(ms) });
    const input = { source: 'ui:test', raw: Buffer.from('{"x":1}'), candidate: { ok: true as const, event: event() } };
    const err = await gate.submit(input).catch((e: unknown) => e);
    holder.exec('ROLLBACK');
    holder.close();
    // Two waits between three attempts, each within the full-jitter bound of its attempt.
    expect(slept.length).toBe(2);
    expect(slept[0]).toBeLessThan(10);
    expect(slept[1]).toBeLessThan(20);
    // The quarantine could not be written either: the caller gets the error and still holds the input.
    expect((err as { code?: string }).code).toMatch(/SQLITE_BUSY/);
    expect(ws.quarantine.list()).toEqual([]);
    expect((await gate.submit(input)).status).toBe('committed');
  });

  it('quarantines with TRANSIENT_FAILURE when retries run out but the quarantine can be written', async () => {
    const gate = createGate(ws, { retry: { attempts: 2, baseMs: 1, capMs: 1 }, sleep: async () => undefined });
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const out = await gate.retrying(() => {
      calls++;
      throw busy;
    }, { source: 'ui:test', raw: Buffer.from('payload'), candidate: { ok: true, event: event() } });
    expect(calls).toBe(2);
    expect(out).toMatchObject({ status: 'quarantined', reasons: ['TRANSIENT_FAILURE'] });
    const item = ws.quarantine.list()[0]!;
    expect(ws.quarantine.raw(item.id)!.toString()).toBe('payload');
    expect(item.sha256).toBe(sha256Hex('payload'));
  });

  it('gives UI forms and other features one call: ingestEvent', async () => {
    ws.ledger.appendOne(receipt());
    const out = await ingestEvent(ws, event({ type: 'ADJUSTMENT', quantity: -3 }), { source: 'ui:adjust' });
    expect(out.status === 'committed' && out.entry.body.delta).toBe(-3);
    const bad = await ingestEvent(ws, event({ ndc: 'not-an-ndc' }), { source: 'ui:receiving' });
    expect(bad).toMatchObject({ status: 'quarantined', reasons: ['BAD_NDC'] });
    expect(ws.quarantine.list()[0]).toMatchObject({ source: 'ui:receiving', reasons: ['BAD_NDC'] });
  });
});
