import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../testing/run-cli';
import { addUserByCli } from '../../testing/seed';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { dispatch, type CallContext } from '../ipc/dispatch';
import { allHandlers } from '../ipc/all-handlers';
import { startPosServer } from '../pos/server';
import { Workstation } from '../workstation';
import { hexDump, QuarantineDecisionError, rejectQuarantined, replayQuarantined } from './decide';
import { drugRecordLine } from '../../testing/drug-records';

const rec = drugRecordLine;

/**
 * These tests are about quarantine decisions, not the gate's strictness: they relax the gate
 * (any handler id; no catalog needed) with the two settings meant for tests and demos.
 */
function relaxGate(ws: Workstation): void {
  ws.setSetting('ingest.handler_policy', 'open');
  ws.setSetting('ingest.require_catalog', 'false');
}

describe('quarantine from the command line', () => {
  let tmp: string;
  let data: string;
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rxl-q-'));
    data = join(tmp, 'ws');
    expect((await cli(['init', '--data', data, '--facility', 'MAIN01'], 'admin-password-1\n')).code).toBe(0);
    expect((await addUserByCli(cli, data, ['--user', 'phil', '--name', 'Phil Pharmacist', '--role', 'pharmacist'], 'pharm-password-1\n')).code).toBe(0);
    expect((await addUserByCli(cli, data, ['--user', 'tina', '--name', 'Tina Technician', '--role', 'technician'], 'tech-password-1\n')).code).toBe(0);
    const ws = Workstation.open(data);
    try {
      relaxGate(ws);
    } finally {
      ws.close();
    }
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('lists, shows, fixes and replays, and rejects with a reason; decisions are final and audited', async () => {
    const f = join(tmp, 'in.ndjson');
    writeFileSync(f, [rec({ quantity: 0 }), '{"broken', rec({ lot_number: 'B7', quantity: -1 })].join('\n') + '\n');
    expect((await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n')).code).toBe(1);

    const list = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout);
    expect(list).toHaveLength(3);
    expect(list[0]).toEqual({ id: 1, source: 'ndjson:in.ndjson', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), reasons: ['SCHEMA', 'BAD_QUANTITY'], received_at: expect.any(String), status: 'open' });

    const show = await cli(['quarantine', 'show', '2', '--data', data, '--hex']);
    expect(show.stdout).toMatch(/MALFORMED_JSON/);
    expect(show.stdout).toMatch(/00000000 {2}7b 22 62 72 6f 6b 65 6e/);

    const fixed = join(tmp, 'fixed.ndjson');
    writeFileSync(fixed, rec({ quantity: 10 }) + '\n');
    const replay = await cli(['quarantine', 'replay', '1', '--data', data, '--fixed', fixed, '--note', 'quantity from the invoice', '--user', 'phil', '--password-stdin', '--json'], 'pharm-password-1\n');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ quarantine_id: 1, committed: [{ seq: 1 }], status: 'replayed', decided_by: 'phil' });
    const again = await cli(['quarantine', 'replay', '1', '--data', data, '--fixed', fixed, '--user', 'phil', '--password-stdin'], 'pharm-password-1\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already replayed; a decision is final/);

    expect((await cli(['quarantine', 'reject', '2', '--data', data, '--user', 'phil', '--password-stdin'], 'pharm-password-1\n')).stderr).toMatch(/needs --reason/);
    const rej = await cli(['quarantine', 'reject', '2', '--data', data, '--reason', 'garbage from the test harness', '--user', 'phil', '--password-stdin'], 'pharm-password-1\n');
    expect(rej.code).toBe(0);
    expect(rej.stdout).toMatch(/#2 rejected by phil/);
    // A decision by a named user needs that user's password.
    const wrong = await cli(['quarantine', 'reject', '3', '--data', data, '--reason', 'dup', '--user', 'admin', '--password-stdin'], 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/password is wrong/);
    const byAdmin = await cli(['quarantine', 'reject', '3', '--data', data, '--reason', 'duplicate of PO 7', '--user', 'admin', '--password-stdin', '--json'], 'admin-password-1\n');
    expect(JSON.parse(byAdmin.stdout)).toMatchObject({ quarantine_id: 3, decided_by: 'admin' });

    const after = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout);
    expect(after.map((i: { status: string }) => i.status)).toEqual(['replayed', 'rejected', 'rejected']);
    const ws = Workstation.open(data);
    try {
      const entry = JSON.parse((ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = 1').get() as { body: string }).body);
      // The replaying pharmacist proved who they are; the line's handler stays only its claim.
      expect(entry.data).toEqual({ replay_of: 1, claimed_handler_id: 'tech01' });
      expect(entry.quantity).toBe(10);
      const actions = ws.audit.list().map((a) => a.action);
      expect(actions.filter((a) => a === 'QUARANTINE_REPLAYED')).toHaveLength(1);
      expect(actions.filter((a) => a === 'QUARANTINE_REJECTED')).toHaveLength(2);
      // Every decision names the person who made it; none is an operating-system account.
      expect([1, 2, 3].map((id) => ws.quarantine.decisions(id)[0]!.decided_by)).toEqual(['phil', 'phil', 'admin']);
      expect(ws.audit.list().filter((a) => a.action.startsWith('QUARANTINE_')).map((a) => a.actor).sort()).toEqual(['admin', 'phil', 'phil']);
      // Never deleted.
      expect(() => ws.db.prepare('DELETE FROM quarantine WHERE id = 2').run()).toThrow(/never deleted/);
    } finally {
      ws.close();
    }
    expect((await cli(['verify', '--data', data])).code).toBe(0);
  });

  it('decides only as an identified pharmacist, manager or administrator; wrong passwords count toward lockout', async () => {
    const f = join(tmp, 'in.ndjson');
    writeFileSync(f, [rec({ quantity: 0 }), rec({ quantity: -2 })].join('\n') + '\n');
    expect((await cli(['ingest', '--data', data, '--as', 'admin', f], 'admin-password-1\n')).code).toBe(1);
    const reject = (user: string[], stdin = '') => cli(['quarantine', 'reject', '1', '--data', data, '--reason', 'entered twice', ...user], stdin);

    // No anonymous decisions: without --user nothing is decided (exit 2, usage).
    const anonymous = await reject([]);
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/quarantine reject needs --user ID --password-stdin/);
    const anonymousReplay = await cli(['quarantine', 'replay', '1', '--data', data]);
    expect(anonymousReplay.code).toBe(2);
    expect(anonymousReplay.stderr).toMatch(/quarantine replay needs --user ID --password-stdin/);
    const noPassword = await reject(['--user', 'phil']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/--password-stdin/);
    // A technician may not decide, even with the right password.
    const tech = await reject(['--user', 'tina', '--password-stdin'], 'tech-password-1\n');
    expect(tech.code).toBe(1);
    expect(tech.stderr).toMatch(/tina is a technician: only a pharmacist, manager or administrator/);

    // Five wrong passwords lock the account; then even the right one is refused.
    for (let i = 0; i < 5; i++) expect((await reject(['--user', 'phil', '--password-stdin'], 'wrong-password\n')).code).toBe(1);
    const locked = await reject(['--user', 'phil', '--password-stdin'], 'pharm-password-1\n');
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/locked/i);

    const list = JSON.parse((await cli(['quarantine', 'list', '--data', data, '--json'])).stdout) as Array<{ status: string }>;
    expect(list.map((i) => i.status)).toEqual(['open', 'open']);
    const ws = Workstation.open(data);
    try {
      const actions = ws.audit.list().map((a) => a.action);
      expect(actions.filter((a) => a === 'SIGNATURE_AUTH_FAILED')).toHaveLength(5);
      expect(actions).toContain('LOCKOUT');
      expect(actions).toContain('SIGN_IN_REFUSED_LOCKED');
    } finally {
      ws.close();
    }
    // A manager decides; the decision names them.
    expect((await addUserByCli(cli, data, ['--user', 'mara', '--name', 'Mara Manager', '--role', 'manager'], 'manager-password-1\n')).code).toBe(0);
    const byManager = await reject(['--user', 'mara', '--password-stdin', '--json'], 'manager-password-1\n');
    expect(byManager.code).toBe(0);
    expect(JSON.parse(byManager.stdout)).toMatchObject({ quarantine_id: 1, status: 'rejected', decided_by: 'mara' });
  });
});

describe('replay and reject', () => {
  let t: ReturnType<typeof tempWorkstation>;
  let ws: Workstation;
  beforeEach(() => {
    t = tempWorkstation();
    ws = t.ws;
    relaxGate(ws);
  });
  afterEach(() => t.cleanup());

  it('a replay the gate still refuses writes nothing and leaves the item open', async () => {
    ws.ledger.appendOne(receipt({ quantity: 5, delta: 5, lot: 'A123', ndc: '00002-1200-30' }));
    const id = ws.db.transaction(() =>
      ws.quarantine.put({ source: 'ndjson:x.ndjson', raw: Buffer.from(rec({ transaction_type: 'DISPENSE', quantity: 9 })), reasons: ['INSUFFICIENT_STOCK'], issues: [], correlationId: 'c', receivedAt: new Date().toISOString() }),
    )();
    expect(() => replayQuarantined(ws, id, { actor: 'pharm1' })).toThrow(QuarantineDecisionError);
    expect(ws.quarantine.get(id)!.status).toBe('open');
    expect(() => rejectQuarantined(ws, id, { actor: 'pharm1', reason: ' ' })).toThrow(/say why/);
    expect(rejectQuarantined(ws, id, { actor: 'pharm1', reason: 'customer cancelled' })).toMatchObject({ quarantine_id: id });
  });

  it('replays a refused POS dispense once stock arrives; the POS then gets the entry for its transaction id', async () => {
    ws.ledger.appendOne(receipt({ quantity: 5, delta: 5 }));
    const pos = await startPosServer(ws);
    try {
      const send = () =>
        fetch(`${pos.url}dispense`, {
          method: 'POST',
          headers: { authorization: `Bearer ${pos.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ transaction_id: 'T-9', ndc: '00002-1200-30', lot: 'LOT1', quantity: 8, handler_id: 'tech01', occurred_at: '2026-11-01T12:00:00Z', patient: { name: 'Ana Diaz', dob: '1990-01-01' } }),
        }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
      const first = await send();
      expect(first).toMatchObject({ status: 409, json: { reason: 'INSUFFICIENT_STOCK' } });
      const qid = first.json.quarantine_id as number;
      ws.ledger.appendOne(receipt({ quantity: 20, delta: 20, event_time: '2026-11-01T11:00:00.000Z' }));
      const r = replayQuarantined(ws, qid, { actor: 'pharm1' });
      expect(r.committed).toHaveLength(1);
      const again = await send();
      expect(again).toMatchObject({ status: 200, json: { status: 'accepted', entry: { seq: r.committed[0]!.seq, delta: -8 } } });
    } finally {
      await pos.close();
    }
  });

  it('replays a fixed X12 transaction set with the origin it came from', async () => {
    ws.ledger.appendOne(receipt({ ndc: '59011-0440-10', quantity: 100, delta: 100, lot: 'L1' }));
    const set = 'ST*852*0001~XQ*H*20240601*20240607*RPT1~LIN*1*N4*59011-0440-10~ZA*QS*5*EA~CTT*1~SE*6*0001~\n';
    const id = ws.db.transaction(() =>
      ws.quarantine.put({ source: 'edi:a.edi', raw: Buffer.from(set), reasons: ['BAD_LOT'], issues: [], context: { sender: 'WHOLESALER', interchangeControl: '000000101', groupControl: '101', control: '0001', type: '852' }, correlationId: 'c', receivedAt: new Date().toISOString() }),
    )();
    const fixedSet = set.replace('LIN*1*N4*59011-0440-10~', 'LIN*1*N4*59011-0440-10*LT*L1~');
    const r = replayQuarantined(ws, id, { actor: 'pharm1', fixedText: fixedSet });
    expect(r.committed).toHaveLength(1);
    const body = JSON.parse((ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').get(r.committed[0]!.seq) as { body: string }).body);
    expect(body).toMatchObject({ type: 'DISPENSE', lot: 'L1', delta: -5, actor: 'edi:WHOLESALER', data: { replay_of: id } });
  });

  it('hex dumps bytes with offsets and printable characters', () => {
    expect(hexDump(Buffer.from('{"a":\x001}'))).toBe('00000000  7b 22 61 22 3a 00 31 7d                          |{"a":.1}|');
  });
});

describe('quarantine and PHI over IPC', () => {
  let t: ReturnType<typeof tempWorkstation>;
  let ws: Workstation;
  beforeEach(() => {
    t = tempWorkstation();
    ws = t.ws;
    relaxGate(ws);
    ws.users.create({ userId: 'tina', name: 'Tina', role: 'technician', password: 'tech-password-1', actor: 'test' });
    ws.users.create({ userId: 'phil', name: 'Phil', role: 'pharmacist', password: 'pharm-password-1', actor: 'test' });
  });
  afterEach(() => t.cleanup());

  async function as(user: string, password: string) {
    let sessionId: string | null = null;
    const ctx: CallContext = { get sessionId() { return sessionId; }, setSessionId(id) { sessionId = id; } };
    const host = { mode: 'browser' as const, testHooks: false };
    const signIn = await dispatch(ws, allHandlers, host, 'auth.signIn', { userId: user, password }, ctx);
    expect(signIn.ok).toBe(true);
    return (channel: string, input: unknown) => dispatch(ws, allHandlers, host, channel, input, ctx);
  }

  it('shows raw bytes as text and hex, reads PHI only for pharmacists and managers, and audits every read', async () => {
    ws.ledger.appendOne(receipt({ quantity: 1, delta: 1 }));
    const pos = await startPosServer(ws);
    const res = await fetch(`${pos.url}dispense`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pos.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ transaction_id: 'T-1', ndc: '00002-1200-30', lot: 'LOT1', quantity: 3, handler_id: 'tech01', occurred_at: '2026-11-01T12:00:00Z', patient: { id: 'P-1', name: 'Ana Diaz' } }),
    });
    const qid = ((await res.json()) as { quarantine_id: number }).quarantine_id;
    await pos.close();

    const tech = await as('tina', 'tech-password-1');
    expect(await tech('quarantine.get', { id: qid })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await tech('phi.read', { quarantineId: qid, why: 'curious' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await tech('alerts.get', {})).toMatchObject({ ok: true });

    const pharm = await as('phil', 'pharm-password-1');
    const got = (await pharm('quarantine.get', { id: qid })) as { ok: true; result: { raw: { text: string; hex: string } } };
    expect(got.ok).toBe(true);
    expect(got.result.raw.text).toContain('"transaction_id":"T-1"');
    expect(got.result.raw.text).not.toContain('Ana Diaz');
    expect(got.result.raw.hex).toMatch(/^00000000 {2}7b 22/);
    const phi = (await pharm('phi.read', { quarantineId: qid, why: 'checking the refused dispense' })) as { ok: true; result: { records: { text: string }[] } };
    expect(phi.result.records[0]!.text).toContain('Ana Diaz');
    expect(ws.audit.list({ action: 'PHI_READ' })).toHaveLength(1);
    expect(ws.audit.list({ action: 'PHI_READ' })[0]).toMatchObject({ actor: 'phil', details: { why: 'checking the refused dispense' } });

    const rej = await pharm('quarantine.reject', { id: qid, reason: 'no stock; patient redirected' });
    expect(rej.ok).toBe(true);
    const list = (await pharm('quarantine.list', { status: 'rejected' })) as { ok: true; result: { items: { id: number }[] } };
    expect(list.result.items.map((i) => i.id)).toEqual([qid]);
  });

  it('takes a UI form event through the gate with the signed-in user as handler', async () => {
    const pharm = await as('phil', 'pharm-password-1');
    const ev = { type: 'RECEIPT', facility_id: 'MAIN01', ndc: '0002-1200-30', lot: 'L5', expiry: '2028-01-31', schedule: 'CII', quantity: 30, event_time: '2026-11-01T09:00:00Z' };
    const ok = (await pharm('ingest.submit', { form: 'receiving', event: ev })) as { ok: true; result: { status: string; entry: { seq: number } } };
    expect(ok.result.status).toBe('committed');
    const body = JSON.parse((ws.db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').get(ok.result.entry.seq) as { body: string }).body);
    expect(body).toMatchObject({ actor: 'phil', source: { kind: 'ui' } });
    const bad = (await pharm('ingest.submit', { form: 'receiving', event: { ...ev, expiry: '2020-01-01' } })) as { ok: true; result: { status: string; reasons: string[] } };
    expect(bad.result).toMatchObject({ status: 'quarantined', reasons: ['EXPIRED_LOT'] });
  });
});
