import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndcToGtin14 } from '../../shared/identifiers';
import type { CanonicalEventInput } from '../../shared/ingest/event';
import { receipt, tempWorkstation, UNKNOWN_TEST_NDC } from '../../testing/temp-workstation';
import { sha256Hex } from '../ledger/hash';
import type { Workstation } from '../workstation';
import { catalogFromDb, memoryCatalog } from './catalog-port';
import { createGate, ingestEvent, type GateOptions } from './gate';
import { setIngestSetting } from './settings';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
beforeEach(() => {
  // The test catalog (00002-1200-30 CII, 59011-0440-10 CII, …) and the handler tech01.
  t = tempWorkstation({ seed: true });
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

  it('relaxed (ingest.require_catalog=false): without a catalog, skips the NDC-in-catalog check; with one, quarantines an unknown NDC', async () => {
    ws.setSetting('ingest.require_catalog', 'false');
    expect((await submit(event({ ndc: '50090-0001-01' }), { catalog: null })).status).toBe('committed');
    const out = await submit(event({ ndc: '50090-0001-01', lot: 'L2' }), { catalog: memoryCatalog({ '00002-1200-30': 'CII' }) });
    expect(out).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_NDC'] });
  });

  it('reads the catalog module through its table; an NDC it does not list is UNKNOWN_NDC, never guessed', async () => {
    const port = catalogFromDb(ws.db);
    expect(port).not.toBeNull();
    expect(port!.hasRows()).toBe(true);
    expect(port!.scheduleOf('00002-1200-30')).toBe('CII');
    const out = await submit(event({ ndc: UNKNOWN_TEST_NDC }));
    expect(out).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_NDC'] });
    expect(out.status === 'quarantined' && out.issues.join()).toMatch(/not in the catalog/);
  });

  it('checks the schedule against the catalog, and takes it from the catalog when the source does not say', async () => {
    const catalog = memoryCatalog({ '00002-1200-30': 'CII' });
    expect(await submit(event({ schedule: 'CIV' }), { catalog })).toMatchObject({ status: 'quarantined', reasons: ['SCHEDULE_MISMATCH'] });
    const { schedule: _drop, ...undeclared } = event();
    const out = await submit(undeclared as CanonicalEventInput, { catalog });
    expect(out.status === 'committed' && out.entry.body.schedule).toBe('CII');
  });

  it('refuses a schedule change between entries unless the catalog says so', async () => {
    // A catalog that does not give the schedule (none loaded, relaxed): the earlier entries decide.
    ws.setSetting('ingest.require_catalog', 'false');
    await submit(event(), { catalog: null });
    expect(await submit(event({ schedule: 'CIII', lot: 'LOT2' }), { catalog: null })).toMatchObject({ status: 'quarantined', reasons: ['SCHEDULE_CHANGE'] });
    // The catalog's own schedule differs from a declared one: SCHEDULE_MISMATCH.
    expect(await submit(event({ schedule: 'CIII', lot: 'LOT2' }))).toMatchObject({ status: 'quarantined', reasons: ['SCHEDULE_MISMATCH'] });
    // Rescheduled in the catalog: the new schedule is an allowed transition.
    expect((await submit(event({ schedule: 'CIII', lot: 'LOT2' }), { catalog: memoryCatalog({ '00002-1200-30': 'CIII' }) })).status).toBe('committed');
  });

  it('quarantines an event whose schedule nobody knows (relaxed catalog, none loaded)', async () => {
    ws.setSetting('ingest.require_catalog', 'false');
    const { schedule: _drop, ...undeclared } = event({ ndc: '59011-0440-10' });
    expect(await submit(undeclared as CanonicalEventInput, { catalog: null })).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_SCHEDULE'] });
  });

  it('needs an authorized handler: an active user or a listed id; never a disabled user', async () => {
    ws.users.create({ userId: 'gone1', name: 'Gone', role: 'technician', password: 'long-password-1', actor: 'test' });
    ws.db.prepare("UPDATE users SET disabled = 1 WHERE user_id = 'gone1'").run();
    expect(await submit(event({ handler_id: 'gone1' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    expect(await submit(event({ handler_id: 'erp-7' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    ws.setSetting('ingest.handler_ids', 'erp-7,erp-8');
    expect((await submit(event({ handler_id: 'erp-7' }))).status).toBe('committed');
    expect((await submit(event({ handler_id: 'tech01', lot: 'L8' }))).status).toBe('committed');
    ws.users.create({ userId: 'pharm1', name: 'Pharm', role: 'pharmacist', password: 'long-password-2', actor: 'test' });
    expect((await submit(event({ handler_id: 'pharm1', lot: 'L9' }))).status).toBe('committed');
  });

  it('applies lot, expiry, serial, time and facility rules', async () => {
    expect(await submit(event({ expiry: '2026-10-01' }))).toMatchObject({ status: 'quarantined', reasons: ['EXPIRED_LOT'] });
    expect(await submit(event({ event_time: '2099-01-01T00:00:00Z', expiry: null }))).toMatchObject({ status: 'quarantined', reasons: ['FUTURE_EVENT'] });
    const part = await submit(event({ serial: 'SN1', quantity: 5 }));
    expect(part).toMatchObject({ status: 'quarantined', reasons: expect.arrayContaining(['BAD_LOT']) });
    expect(part.status === 'quarantined' && part.issues.join()).toMatch(/SN1 names one package of 30 TABLET: the quantity must be 30/);
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

describe('the strict defaults of a real workstation', () => {
  it('refuses a handler that is neither an active user nor a listed id, even for a CII dispense', async () => {
    ws.ledger.appendOne(receipt({ lot: 'LOT1' }));
    const ghost = await submit(event({ type: 'DISPENSE', quantity: 5, handler_id: 'ghost', event_time: '2026-11-01T11:00:00Z' }));
    expect(ghost).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    expect(ghost.status === 'quarantined' && ghost.issues.join()).toMatch(/ghost is not an active user of this workstation nor an id listed in the setting ingest\.handler_ids/);
    expect(ws.ledger.head().seq).toBe(1);
  });

  it('with an EMPTY catalog, refuses every NDC and says to load the catalog', async () => {
    const fresh = tempWorkstation({ seed: { catalog: false } });
    try {
      const gate = createGate(fresh.ws);
      const e = event({ ndc: UNKNOWN_TEST_NDC });
      const out = await gate.submit({ source: 'ui:test', raw: Buffer.from(JSON.stringify(e)), candidate: { ok: true, event: e } });
      expect(out).toMatchObject({ status: 'quarantined', reasons: ['UNKNOWN_NDC'] });
      expect(out.status === 'quarantined' && out.issues.join()).toMatch(/catalog of this workstation is empty.*rxledger catalog import --data DIR FILE/);
      expect(fresh.ws.ledger.head().seq).toBe(0);
    } finally {
      fresh.cleanup();
    }
  });

  it('the relaxing settings are audited when changed, refused when misspelt, and only their exact values relax', async () => {
    const before = ws.audit.list({ action: 'INGEST_SETTING_CHANGED' }).length;
    expect(setIngestSetting(ws, 'ingest.handler_policy', 'open', 'admin')).toMatchObject({ from: null, to: 'open', relaxed: true });
    expect((await submit(event({ handler_id: 'ghost' }))).status).toBe('committed');
    expect(setIngestSetting(ws, 'ingest.require_catalog', 'false', 'admin')).toMatchObject({ relaxed: true });
    expect(() => setIngestSetting(ws, 'ingest.handler_policy', 'anyone', 'admin')).toThrow(/registered or open/);
    expect(() => setIngestSetting(ws, 'ingest.strictness', 'off', 'admin')).toThrow(/not an ingestion setting/);
    expect(setIngestSetting(ws, 'ingest.handler_policy', null, 'admin')).toMatchObject({ from: 'open', to: null, relaxed: false });
    const rows = ws.audit.list({ action: 'INGEST_SETTING_CHANGED' }).filter((r) => r.actor !== 'test-seed');
    expect(rows.length).toBe(3);
    expect(ws.audit.list({ action: 'INGEST_SETTING_CHANGED' }).length - before).toBe(3);
    expect(rows.map((r) => [r.actor, r.target, r.details.to, r.details.relaxed])).toEqual([
      ['admin', 'ingest.handler_policy', null, false],
      ['admin', 'ingest.require_catalog', 'false', true],
      ['admin', 'ingest.handler_policy', 'open', true],
    ]);
    expect(rows[1]!.details.warning).toMatch(/not for production/);
    // Back to strict: ghost is refused again. A misspelt value never relaxes.
    expect(await submit(event({ handler_id: 'ghost', lot: 'L2' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
    ws.setSetting('ingest.handler_policy', 'opne');
    expect(await submit(event({ handler_id: 'ghost', lot: 'L3' }))).toMatchObject({ status: 'quarantined', reasons: ['UNAUTHORIZED_HANDLER'] });
  });
});

describe('DSCSA serials at the gate', () => {
  // A serial names one package: 00002-1200-30 is a bottle of 30 tablets in the test catalog.
  const serialized = (over: Partial<CanonicalEventInput> = {}) => event({ quantity: 30, serial: 'SN1', ...over });

  it('quarantines a second receipt of a serial (DUPLICATE_SERIAL), whatever the source, and records the first with its entry', async () => {
    const first = await submit(serialized({ source: { kind: 'ndjson', correlation_id: 'c1', payload_sha256: sha256Hex('a'), ref: null } }));
    expect(first.status).toBe('committed');
    const again = await submit(serialized({ lot: 'LOT2', source: { kind: 'edi', correlation_id: 'c2', payload_sha256: sha256Hex('b'), ref: null } }));
    expect(again).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
    expect(again.status === 'quarantined' && again.issues.join()).toMatch(/SN1 of 00002-1200-30 was already received.*suspect product \(DSCSA\)/);
    const unit = ndcToGtin14('0002-1200-30');
    const rows = ws.db.prepare('SELECT gtin, serial, ndc, entry_seq FROM dscsa_serials').all();
    expect(rows).toEqual([{ gtin: unit, serial: 'SN1', ndc: '00002-1200-30', entry_seq: 1 }]);
    // The Receiving screen sees the same register (any packaging level of the NDC).
    const gate = createGate(ws);
    expect(gate.serials.isOnRecord(unit, 'SN1')).toBe(true);
    expect(gate.serials.isOnRecord(ndcToGtin14('0002-1200-30', { indicator: 5 }), 'SN1')).toBe(true);
    expect(gate.serials.isOnRecord(unit, 'SN2')).toBe(false);
  });

  it('the same event again is a duplicate, not a duplicate serial; a serial listed twice in one event is refused', async () => {
    const e = serialized({ idempotency_key: 'asn-1' });
    expect((await submit(e)).status).toBe('committed');
    expect((await submit(e)).status).toBe('duplicate');
    const twice = await submit(event({ quantity: 2, lot: 'L5', data: { serials: ['S7', 'S7'] } }));
    expect(twice).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
  });

  it('returns (the POS return path): a unit in stock cannot come back; one dispensed can, once', async () => {
    const pos = (over: Partial<CanonicalEventInput>) =>
      ingestEvent(ws, serialized({ source: { kind: 'pos', correlation_id: `p-${Math.random()}`, payload_sha256: sha256Hex('p'), ref: 'RX-1' }, ...over }), { source: 'pos' });
    expect((await submit(serialized())).status).toBe('committed');
    const inStock = await pos({ type: 'RETURN', event_time: '2026-11-01T11:00:00Z' });
    expect(inStock).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
    expect(inStock.status === 'quarantined' && inStock.issues.join()).toMatch(/is in stock/);
    expect(ws.quarantine.list()[0]).toMatchObject({ source: 'pos', reasons: ['DUPLICATE_SERIAL'] });
    expect((await pos({ type: 'DISPENSE', event_time: '2026-11-01T12:00:00Z' })).status).toBe('committed');
    expect((await pos({ type: 'RETURN', event_time: '2026-11-01T13:00:00Z' })).status).toBe('committed');
    const second = await pos({ type: 'RETURN', event_time: '2026-11-01T14:00:00Z' });
    expect(second).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
    expect(second.status === 'quarantined' && second.issues.join()).toMatch(/already returned/);
    // A return of a unit never seen here is recorded, so a later receipt of it is a duplicate.
    expect((await pos({ type: 'RETURN', serial: 'SN9', event_time: '2026-11-01T15:00:00Z' })).status).toBe('committed');
    expect(await submit(serialized({ serial: 'SN9', lot: 'L6' }))).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
    expect(ws.verify().ok).toBe(true);
  });
});
