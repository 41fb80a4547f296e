import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pausedChunkedUpload } from '../../testing/paused-upload';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { memoryCatalog } from '../ingest/catalog-port';
import { rejectQuarantined } from '../quarantine/decide';
import type { Workstation } from '../workstation';
import { startPosServer, type RunningPosServer } from './server';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
let pos: RunningPosServer;
let hold: { hold_id: string; message?: string } | null;
/** How many hold look-ups still fail as if the database were busy (a transient failure). */
let busyLeft: number;

const CATALOG = memoryCatalog({ '00002-1200-30': 'CII' }, { '00002-1200-30': { units_per_container: 30, unit: 'TABLET', container: 'BOTTLE', source: 'catalog', note: null } });
const PATIENT = { id: 'P-778812', name: 'Margaret Holloway', dob: '1948-03-02', address: '12 Quince Lane' };

const body = (over: Record<string, unknown> = {}) => ({
  transaction_id: 'rx-1001',
  ndc: '00002-1200-30',
  lot: 'LOT1',
  quantity: 10,
  handler_id: 'tech01',
  occurred_at: '2026-11-01T12:00:00Z',
  patient: PATIENT,
  ...over,
});

interface Res {
  status: number;
  json: Record<string, unknown> & { entry?: Record<string, unknown>; reason?: string; quarantine_id?: number | null };
}

function post(path: string, payload: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const data = typeof payload === 'string' || Buffer.isBuffer(payload) ? Buffer.from(payload as string) : Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: pos.port,
        path,
        method: 'POST',
        headers: {
          host: `127.0.0.1:${pos.port}`,
          authorization: `Bearer ${pos.token}`,
          'content-type': 'application/json',
          'content-length': String(data.length),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const entryCount = () => (ws.db.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE type IN ('DISPENSE', 'RETURN')").get() as { n: number }).n;

beforeEach(async () => {
  t = tempWorkstation();
  ws = t.ws;
  ws.ledger.appendOne(receipt({ quantity: 100 }));
  // The gate is strict (a known handler, an NDC in the catalog): the POS's handler id is listed,
  // and the service gets a catalog that knows the product.
  ws.setSetting('ingest.handler_ids', 'tech01');
  hold = null;
  busyLeft = 0;
  const activeHold = () => {
    if (busyLeft > 0) {
      busyLeft--;
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    }
    return hold;
  };
  // The start-up warm-up has its own tests (warm-up.test.ts); here it would only add a second per test.
  pos = await startPosServer(ws, { activeHold, catalog: CATALOG, retry: { attempts: 2, baseMs: 1, capMs: 2 }, warmUp: false });
});
afterEach(async () => {
  await pos.close();
  t.cleanup();
});

describe('POS API', () => {
  it('answers 200 only after the commit, with the entry; the ledger holds a token, never the patient', async () => {
    const r = await post('/pos/v1/dispense', body());
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'accepted', entry: { type: 'DISPENSE', ndc: '00002-1200-30', lot: 'LOT1', quantity: 10, delta: -10, schedule: 'CII' } });
    const token = r.json.entry!.patient_token as string;
    expect(token).toMatch(/^pt_[0-9a-f]{32}$/);
    const row = ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').get(r.json.entry!.seq) as { body: string };
    expect(row.body).toContain(token);
    expect(row.body).not.toMatch(/Holloway|Margaret|1948|Quince|P-778812/);
    // Nothing in the database file holds the patient's name in the clear.
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(t.dir, 'rxledger.db')).includes('Holloway')).toBe(false);
    // The fields are kept encrypted; reading them is audited.
    const vault = ws.phi;
    const [rec] = vault.find({ ref: 'pos:rx-1001' });
    const read = vault.read(rec!.id, 'pharm1', 'test');
    expect(JSON.parse(read!.payload.toString())).toMatchObject({ name: 'Margaret Holloway' });
    expect(ws.audit.list({ action: 'PHI_READ' })[0]).toMatchObject({ actor: 'pharm1', target: `phi:${rec!.id}` });
  });

  it('gives the same answer to the same transaction again and commits once', async () => {
    const a = await post('/pos/v1/dispense', body());
    const b = await post('/pos/v1/dispense', body());
    expect(b).toEqual(a);
    expect(entryCount()).toBe(1);
  });

  it('refuses the same transaction id with a different quantity and keeps the request in quarantine', async () => {
    await post('/pos/v1/dispense', body());
    const r = await post('/pos/v1/dispense', body({ quantity: 12 }));
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ status: 'refused', reason: 'IDEMPOTENCY_CONFLICT' });
    expect(String(r.json.message)).toMatch(/rx-1001 was already used/);
    expect(entryCount()).toBe(1);
    const q = ws.quarantine.list().find((i) => i.id === r.json.quarantine_id)!;
    expect(q.reasons).toEqual(['IDEMPOTENCY_CONFLICT']);
    expect(q.raw_ref).toMatch(/^phi:pos-request:/);
    // The quarantine keeps the request with the patient replaced by the token; the original is encrypted.
    const kept = ws.quarantine.raw(q.id)!.toString();
    expect(JSON.parse(kept)).toMatchObject({ quantity: 12, patient: { token: expect.stringMatching(/^pt_/) } });
    expect(kept).not.toContain('Holloway');
  });

  it('refuses a dispense of more than is on hand (409 INSUFFICIENT_STOCK), and the same again gets the same refusal', async () => {
    const r = await post('/pos/v1/dispense', body({ quantity: 101 }));
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ status: 'refused', reason: 'INSUFFICIENT_STOCK' });
    expect(String(r.json.message)).toMatch(/100 units on hand, cannot take 101 units/);
    expect(await post('/pos/v1/dispense', body({ quantity: 101 }))).toEqual(r);
    expect(entryCount()).toBe(0);
    expect(ws.quarantine.openCount()).toBe(1);
  });

  it('refuses a lot on hold with HOLD_ACTIVE', async () => {
    hold = { hold_id: 'H-7' };
    const r = await post('/pos/v1/dispense', body());
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe('HOLD_ACTIVE');
    expect(entryCount()).toBe(0);
  });

  it('evaluates a HOLD_ACTIVE refusal again when the same transaction is resent: after the release it commits, and its quarantine item is recorded as replayed', async () => {
    hold = { hold_id: 'H-7', message: '00002-1200-30 lot LOT1 is on compliance hold (H-7)' };
    const refused = await post('/pos/v1/dispense', body({ transaction_id: 'tx1' }));
    expect(refused).toMatchObject({ status: 409, json: { reason: 'HOLD_ACTIVE', message: expect.stringMatching(/is on compliance hold/) } });
    const qid = refused.json.quarantine_id!;
    // Still on hold: refused again, the same item (nothing new to review).
    expect(await post('/pos/v1/dispense', body({ transaction_id: 'tx1' }))).toEqual(refused);

    hold = null;
    const accepted = await post('/pos/v1/dispense', body({ transaction_id: 'tx1' }));
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({ status: 'accepted', transaction_id: 'tx1', entry: { type: 'DISPENSE', delta: -10 } });
    expect(entryCount()).toBe(1);
    // The entry names the item; the item is resolved, naming the entry; the audit trail says so.
    const seq = accepted.json.entry!.seq as number;
    const entryBody = JSON.parse((ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').get(seq) as { body: string }).body);
    expect(entryBody.data).toMatchObject({ pos_transaction_id: 'tx1', replay_of: qid });
    expect(ws.quarantine.get(qid)!.status).toBe('replayed');
    const [decision] = ws.quarantine.decisions(qid);
    expect(decision).toMatchObject({ decision: 'replayed', decided_by: 'pos-system', entry_ref: JSON.stringify([`${ws.deviceId}#${seq}`]) });
    expect(decision!.reason).toMatch(/resent transaction tx1 .*HOLD_ACTIVE/);
    expect(ws.audit.list({ action: 'QUARANTINE_REPLAYED' })[0]).toMatchObject({ actor: 'pos-system', target: `quarantine:${qid}` });
    expect(ws.quarantine.openCount()).toBe(0);

    // From now on the same request gets the accepted answer; nothing is committed twice.
    expect(await post('/pos/v1/dispense', body({ transaction_id: 'tx1' }))).toEqual(accepted);
    expect(entryCount()).toBe(1);
    // The same id with other content is still a conflict.
    const conflict = await post('/pos/v1/dispense', body({ transaction_id: 'tx1', quantity: 3 }));
    expect(conflict).toMatchObject({ status: 409, json: { reason: 'IDEMPOTENCY_CONFLICT' } });
    expect(entryCount()).toBe(1);
  });

  it('evaluates INSUFFICIENT_STOCK again: once stock arrives, the same transaction commits', async () => {
    const short = await post('/pos/v1/dispense', body({ transaction_id: 'tx2', quantity: 150 }));
    expect(short.json.reason).toBe('INSUFFICIENT_STOCK');
    ws.ledger.appendOne(receipt({ quantity: 100 }));
    const r = await post('/pos/v1/dispense', body({ transaction_id: 'tx2', quantity: 150 }));
    expect(r).toMatchObject({ status: 200, json: { status: 'accepted', entry: { delta: -150 } } });
    expect(ws.quarantine.get(short.json.quarantine_id!)!.status).toBe('replayed');
  });

  it('binds a refused transaction id to its content: other content is IDEMPOTENCY_CONFLICT, and that item is not resolved by the commit', async () => {
    hold = { hold_id: 'H-7' };
    const first = await post('/pos/v1/dispense', body({ transaction_id: 'tx3' }));
    expect(first.json.reason).toBe('HOLD_ACTIVE');
    hold = null;
    const other = await post('/pos/v1/dispense', body({ transaction_id: 'tx3', quantity: 11 }));
    expect(other).toMatchObject({ status: 409, json: { reason: 'IDEMPOTENCY_CONFLICT' } });
    expect(entryCount()).toBe(0);
    expect((await post('/pos/v1/dispense', body({ transaction_id: 'tx3' }))).status).toBe(200);
    expect(ws.quarantine.get(first.json.quarantine_id!)!.status).toBe('replayed');
    expect(ws.quarantine.get(other.json.quarantine_id!)!.status).toBe('open');
  });

  it('gives a refusal of the content itself again without evaluating it (AMBIGUOUS_NDC stays, even once the catalog could resolve it)', async () => {
    await pos.close();
    pos = await startPosServer(ws, { catalog: null, warmUp: false });
    const first = await post('/pos/v1/dispense', body({ transaction_id: 'tx4', ndc: '0002120030' }));
    expect(first).toMatchObject({ status: 400, json: { reason: 'AMBIGUOUS_NDC' } });
    await pos.close();
    pos = await startPosServer(ws, { catalog: CATALOG });
    expect(await post('/pos/v1/dispense', body({ transaction_id: 'tx4', ndc: '0002120030' }))).toEqual(first);
    expect(entryCount()).toBe(0);
    expect(ws.quarantine.openCount()).toBe(1);
  });

  it('evaluates a transient failure again: the resend commits and resolves the TRANSIENT_FAILURE item', async () => {
    busyLeft = 2;
    const busy = await post('/pos/v1/dispense', body({ transaction_id: 'tx5' }));
    expect(busy).toMatchObject({ status: 503, json: { reason: 'TRANSIENT_FAILURE' } });
    expect(busy.json.quarantine_id).toBeTypeOf('number');
    expect(entryCount()).toBe(0);
    const r = await post('/pos/v1/dispense', body({ transaction_id: 'tx5' }));
    expect(r.status).toBe(200);
    expect(entryCount()).toBe(1);
    expect(ws.quarantine.decisions(busy.json.quarantine_id!)).toMatchObject([{ decision: 'replayed', decided_by: 'pos-system' }]);
  });

  it('does not commit a transaction whose transient-failure item was rejected', async () => {
    busyLeft = 2;
    const busy = await post('/pos/v1/dispense', body({ transaction_id: 'tx7' }));
    expect(busy.status).toBe(503);
    rejectQuarantined(ws, busy.json.quarantine_id!, { actor: 'pharm1', reason: 'entered on the wrong patient' });
    const r = await post('/pos/v1/dispense', body({ transaction_id: 'tx7' }));
    expect(r).toMatchObject({ status: 409, json: { reason: 'TRANSIENT_FAILURE', quarantine_id: busy.json.quarantine_id } });
    expect(String(r.json.message)).toMatch(/was rejected by pharm1/);
    expect(entryCount()).toBe(0);
  });

  it('keeps the refusal once the compliance officer rejected the quarantined transaction', async () => {
    hold = { hold_id: 'H-7' };
    const first = await post('/pos/v1/dispense', body({ transaction_id: 'tx6' }));
    rejectQuarantined(ws, first.json.quarantine_id!, { actor: 'pharm1', reason: 'patient collected elsewhere' });
    hold = null;
    const r = await post('/pos/v1/dispense', body({ transaction_id: 'tx6' }));
    expect(r).toMatchObject({ status: 409, json: { reason: 'HOLD_ACTIVE', quarantine_id: first.json.quarantine_id } });
    expect(String(r.json.message)).toMatch(/was rejected by pharm1: patient collected elsewhere/);
    expect(entryCount()).toBe(0);
  });

  it('refuses an NDC the catalog does not know with UNKNOWN_NDC', async () => {
    await pos.close();
    pos = await startPosServer(ws, { catalog: CATALOG });
    const r = await post('/pos/v1/dispense', body({ ndc: '59011-0440-10' }));
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe('UNKNOWN_NDC');
  });

  it('takes a return', async () => {
    await post('/pos/v1/dispense', body());
    const r = await post('/pos/v1/return', body({ transaction_id: 'rx-1001-r', quantity: 4 }));
    expect(r.status).toBe(200);
    expect(r.json.entry).toMatchObject({ type: 'RETURN', delta: 4 });
  });

  it('takes a scanned serial: a unit returned twice is a suspect product (DUPLICATE_SERIAL), never stocked again', async () => {
    // A serial is printed on one package: a bottle of 30 tablets (the test catalog) comes back whole.
    const first = await post('/pos/v1/return', body({ transaction_id: 'rx-s-1', quantity: 30, serial: 'SN-RET-1' }));
    expect(first.status).toBe(200);
    expect(first.json.entry).toMatchObject({ type: 'RETURN', delta: 30 });
    const signed = ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').get(first.json.entry!.seq) as { body: string };
    expect(JSON.parse(signed.body).serial).toBe('SN-RET-1');
    const again = await post('/pos/v1/return', body({ transaction_id: 'rx-s-2', quantity: 30, serial: 'SN-RET-1' }));
    expect(again.status).toBe(409);
    expect(again.json.reason).toBe('DUPLICATE_SERIAL');
    const many = await post('/pos/v1/return', body({ transaction_id: 'rx-s-3', quantity: 2, serial: 'SN-RET-2' }));
    expect(many.status).toBe(400);
  });

  it('answers 400 to malformed JSON and to a schema error, keeping the raw input', async () => {
    const bad = await post('/pos/v1/dispense', '{"transaction_id": "rx-9", broken');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 'refused', reason: 'MALFORMED_JSON' });
    expect(bad.json.quarantine_id).toBeTypeOf('number');
    const schema = await post('/pos/v1/dispense', body({ quantity: -3 }));
    expect(schema.status).toBe(400);
    expect(schema.json.reason).toBe('SCHEMA');
    expect(entryCount()).toBe(0);
    const sources = ws.quarantine.list().map((i) => i.source);
    expect(sources).toEqual(['pos:dispense', 'pos:dispense']);
  });

  it('answers 413 to a chunked body that grows past the limit while the client is still sending, and keeps serving', async () => {
    // No Content-Length: the limit is found while reading. The client goes on writing; it must
    // read the refusal, not a reset, and the station must not read the gigabyte.
    let sent = 0;
    const answer = await new Promise<{ status: number | null; body: string }>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: pos.port, path: '/pos/v1/dispense', method: 'POST', headers: { host: `127.0.0.1:${pos.port}`, authorization: `Bearer ${pos.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? null, body: text }));
          res.on('error', () => resolve({ status: res.statusCode ?? null, body: text }));
        },
      );
      req.on('error', (err) => resolve({ status: null, body: String(err) }));
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = (): void => {
        while (sent < 1024 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ reason: 'BODY_TOO_LARGE' });
    expect(sent).toBeLessThan(256 * 1024 * 1024);
    expect((await post('/pos/v1/dispense', body())).status).toBe(200);
  });

  it('lets a POS system that is still sending read its 413 (lingering close), instead of a broken pipe', async () => {
    const r = await pausedChunkedUpload({ port: pos.port, path: '/pos/v1/dispense', headers: { Host: `127.0.0.1:${pos.port}`, Authorization: `Bearer ${pos.token}`, 'Content-Type': 'application/json' }, chunkBytes: 64 * 1024, chunksBefore: 4, chunksAfter: 3 });
    expect(r.error).toBeNull();
    expect(r.status).toBe(413);
    expect(r.answer).toContain('BODY_TOO_LARGE');
    expect((await post('/pos/v1/dispense', body())).status).toBe(200);
  });

  it('refuses a body over the limit, a wrong token, a foreign Origin and a DNS-rebound Host', async () => {
    const big = await post('/pos/v1/dispense', JSON.stringify(body({ padding: 'x'.repeat(100_000) })));
    expect(big.status).toBe(413);
    expect((await post('/pos/v1/dispense', body(), { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/pos/v1/dispense', body(), { authorization: '' })).status).toBe(401);
    const origin = await post('/pos/v1/dispense', body(), { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(String(origin.json.message)).toMatch(/may not call/);
    const rebound = await post('/pos/v1/dispense', body(), { host: `attacker.example:${pos.port}` });
    expect(rebound.status).toBe(403);
    expect(String(rebound.json.message)).toMatch(/is not this workstation/);
    expect(entryCount()).toBe(0);
    expect(ws.quarantine.openCount()).toBe(0);
  });
});
