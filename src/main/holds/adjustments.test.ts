import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE_RULES } from '../../shared/counts';
import type { RxError } from '../../shared/ipc/contract';
import type { EntryBody } from '../../shared/schemas/ledger-entry';
import { receipt, tempWorkstation } from '../../testing/temp-workstation';
import { quickCount } from '../counts/submit';
import { savePolicy } from '../counts/tolerance-store';
import { assertNoActiveHold, countActiveHolds, getHold, holdDetail } from './holds';
import { stockOnHand } from '../ledger/stock';
import { activePublicKey, signatureManifestationLines, verifyEntrySignatures } from './signatures';
import type { Workstation } from '../workstation';
import { canonicalJson } from '../../shared/ledger/canonical';
import { sha256Hex } from '../ledger/hash';
import { manualAdjustment, resolveHold } from './adjustments';

let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;
const OXY = '00002-1200-30';
const PAT = { userId: 'pat', password: 'pharmacist-pass-1' };
const PIA = { userId: 'pia', password: 'pharmacist-pass-2' };
const RETURN_TO_ACME = {
  counterparty: { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN 38101', dea_number: 'RA1234563' },
  order_form: { kind: '222' as const, number: '261234567', line: 1 },
};
const TINA = { userId: 'tina', password: 'technician-pass-1' };

beforeEach(() => {
  // The gate is strict: the test catalog lists the NDC; the signers and the counter are users.
  t = tempWorkstation({ seed: { handlers: false } });
  ws = t.ws;
  ws.setSetting('time_zone', 'America/New_York');
  ws.users.create({ userId: 'pat', name: 'Pat Pharmacist', role: 'pharmacist', password: PAT.password, actor: 'test' });
  ws.users.create({ userId: 'pia', name: 'Pia Second', role: 'pharmacist', password: PIA.password, actor: 'test' });
  ws.users.create({ userId: 'tina', name: 'Tina Technician', role: 'technician', password: TINA.password, actor: 'test' });
  ws.ledger.append([receipt({ ndc: OXY, lot: 'A1', quantity: 100, delta: 100, schedule: 'CII' })]);
});
afterEach(() => t.cleanup());

const holdOf = (counted: number) => quickCount(ws, { actor: 'tina', ndc: OXY, lot: 'A1', counted }).hold_id!;
const refusal = (fn: () => unknown): RxError => {
  try {
    fn();
  } catch (e) {
    return e as RxError;
  }
  throw new Error('expected a refusal');
};
const seq = () => ws.ledger.head().seq;

describe('signed adjustments that resolve a hold', () => {
  it('a pharmacist signs: the adjustment brings the book to the count, releases the hold, and carries the manifestation', () => {
    const holdId = holdOf(96);
    expect(() => assertNoActiveHold(ws.db, 'MAIN01', OXY, 'A1')).toThrow(/compliance hold/);
    const r = resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount' });
    expect(r.adjustment.delta).toBe(-4);
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A1')).toBe(96);
    expect(getHold(ws.db, holdId)).toMatchObject({ status: 'released', released_by: 'pat', adjustment: { seq: r.adjustment.seq } });
    expect(countActiveHolds(ws.db)).toBe(0);
    expect(r.signatures).toEqual([
      expect.objectContaining({ user_id: 'pat', printed_name: 'Pat Pharmacist', role: 'signer', meaning: 'approval', time_zone: 'America/New_York', public_key: activePublicKey(ws.db, 'pat') }),
    ]);
    expect(r.signatures[0]!.signed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[45]:00$/);
    const detail = holdDetail(ws.db, holdId)!;
    expect(detail.history.map((h) => h.type)).toEqual(['COUNT', 'HOLD_PLACED', 'ADJUSTMENT', 'HOLD_RELEASED']);
    const adj = detail.history.find((h) => h.type === 'ADJUSTMENT')!;
    expect(adj.data).toMatchObject({ hold_id: holdId, count_id: detail.hold.count_id, reason: 'miscount', form_106: false });
    expect(adj.signatures).toHaveLength(1);
    expect(signatureManifestationLines(adj)[0]).toMatch(/^Signed by Pat Pharmacist \(pat\) on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC−0[45]:00 \(America\/New_York\) — meaning: Approval — reason: Miscount$/);
    expect(verifyEntrySignatures(ws.db, ws.deviceId)).toEqual({ ok: true, checked: 1, failures: [] });
    expect(ws.verify().ok).toBe(true);
  });

  it('the adjustment goes through the ingestion gate: ADJUSTMENT, signatures and HOLD_RELEASED together, naming the canonical request', () => {
    const holdId = holdOf(96);
    const r = resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount', source: 'cli' });
    const body = (seqNo: number) => JSON.parse((ws.db.prepare('SELECT body FROM ledger_entries WHERE device_id = ? AND seq = ?').get(ws.deviceId, seqNo) as { body: string }).body) as {
      type: string;
      schedule: string | null;
      idempotency_key: string;
      source: { kind: string; payload_sha256: string; correlation_id: string };
    };
    const adj = body(r.adjustment.seq);
    const rel = body(r.release!.seq);
    expect(adj).toMatchObject({ type: 'ADJUSTMENT', schedule: 'CII', idempotency_key: `hold-adjustment:${holdId}`, source: { kind: 'cli', correlation_id: holdId } });
    expect(adj.source.payload_sha256).toBe(
      sha256Hex(canonicalJson({ request: 'holds.resolve', hold_id: holdId, lot: 'A1', reason: 'miscount', signer: 'pat', cosigner: null, meaning: 'approval', note: null })),
    );
    expect(rel).toMatchObject({ type: 'HOLD_RELEASED', source: { kind: 'cli', payload_sha256: adj.source.payload_sha256, correlation_id: holdId } });
    expect(r.release!.seq).toBe(r.adjustment.seq + 1);
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM entry_signatures WHERE seq = ?').get(r.adjustment.seq)).toEqual({ n: 1 });
  });

  it('a refusal by the gate leaves the hold active and nothing signed', () => {
    const holdId = holdOf(96);
    const before = seq();
    // A note longer than the gate takes (entry data strings are at most 2000 characters).
    const gateRefused = refusal(() =>
      resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount', note: 'x'.repeat(2001) }),
    );
    expect(gateRefused.code).toBe('BAD_INPUT');
    expect(gateRefused.message).toMatch(/refused by the ingestion gate \(SCHEMA\).*Nothing was signed/);
    expect(seq()).toBe(before);
    expect(getHold(ws.db, holdId)?.status).toBe('active');
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM entry_signatures').get()).toEqual({ n: 0 });
    expect(ws.quarantine.openCount()).toBe(0);
  });

  it('a technician cannot sign; nothing is written', () => {
    const holdId = holdOf(96);
    const before = seq();
    const err = refusal(() => resolveHold(ws, { holdId, signer: TINA, meaning: 'approval', reason: 'miscount' }));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/Only a pharmacist can sign/);
    expect(seq()).toBe(before);
    expect(getHold(ws.db, holdId)?.status).toBe('active');
    expect(ws.audit.list({ action: 'SIGNATURE_REFUSED' })).toHaveLength(1);
  });

  it('a wrong password at signing is refused, counts toward lockout, and signs nothing', () => {
    const holdId = holdOf(96);
    const before = seq();
    for (let i = 1; i <= 4; i++) {
      const err = refusal(() => resolveHold(ws, { holdId, signer: { userId: 'pat', password: 'wrong-password' }, meaning: 'approval', reason: 'miscount' }));
      expect(err.code).toBe('BAD_CREDENTIALS');
      expect(err.message).toContain(`${5 - i} attempt`);
    }
    expect(refusal(() => resolveHold(ws, { holdId, signer: { userId: 'pat', password: 'wrong-password' }, meaning: 'approval', reason: 'miscount' })).code).toBe('LOCKED');
    // Locked: even the right password is refused now.
    expect(refusal(() => resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount' })).code).toBe('LOCKED');
    expect(ws.audit.list({ action: 'SIGNATURE_AUTH_FAILED' })).toHaveLength(5);
    expect(seq()).toBe(before);
    expect(getHold(ws.db, holdId)?.status).toBe('active');
  });

  it('two pharmacists resolving one hold: exactly one wins, the other is told who did', () => {
    const holdId = holdOf(96);
    const other = (ws.constructor as typeof import('../workstation').Workstation).open(t.dir);
    try {
      resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount' });
      const err = refusal(() => resolveHold(other, { holdId, signer: PIA, meaning: 'approval', reason: 'breakage' }));
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(new RegExp(`Hold ${holdId} was already released by pat`));
    } finally {
      other.close();
    }
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A1')).toBe(96);
    expect((ws.db.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE type = 'ADJUSTMENT'").get() as { n: number }).n).toBe(1);
  });

  it('a signature replayed onto another entry does not verify', () => {
    const h1 = holdOf(96);
    const r1 = resolveHold(ws, { holdId: h1, signer: PAT, meaning: 'approval', reason: 'miscount' });
    const r2 = manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 1, kind: 'breakage', signer: PAT, meaning: 'responsibility', reason: 'breakage' });
    const sig = ws.db.prepare('SELECT * FROM entry_signatures WHERE device_id = ? AND seq = ?').get(ws.deviceId, r1.adjustment.seq) as Record<string, unknown>;
    // Move pat's signature of r1 onto the release entry, claiming r2's hash, and onto r2 itself.
    ws.db
      .prepare('INSERT INTO entry_signatures (device_id, seq, entry_hash, signer_id, printed_name, role, meaning, reason, signed_at, time_zone, public_key, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ws.deviceId, r1.release!.seq, r1.release!.hash, 'pat', sig.printed_name, sig.role, sig.meaning, sig.reason, sig.signed_at, sig.time_zone, sig.public_key, sig.key_id, sig.signature);
    const report = verifyEntrySignatures(ws.db, ws.deviceId);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ seq: r1.release!.seq, signer_id: 'pat', reason: expect.stringMatching(/does not name pat as a signer/) })]);
    // `rxledger verify` and the Verify button report it too, at that entry.
    expect(ws.verify()).toMatchObject({ ok: false, failure: { seq: r1.release!.seq, reason: expect.stringMatching(/^signature of pat: .*does not name pat/) } });
    // Same signer, same manifestation fields, but over r2's hash: the signature itself fails.
    const r2sig = ws.db.prepare('SELECT * FROM entry_signatures WHERE device_id = ? AND seq = ?').get(ws.deviceId, r2.adjustment.seq) as Record<string, unknown>;
    expect(r2sig.signature).not.toBe(sig.signature);
    const forged = verifyEntrySignatures(
      Object.assign(Object.create(ws.db), {
        prepare: (sql: string) => {
          const stmt = ws.db.prepare(sql);
          if (!sql.startsWith('SELECT * FROM entry_signatures')) return stmt;
          return { iterate: () => [{ ...r2sig, signature: sig.signature }][Symbol.iterator]() };
        },
      }),
    );
    expect(forged.failures).toEqual([expect.objectContaining({ seq: r2.adjustment.seq, reason: expect.stringMatching(/does not verify over the entry hash/) })]);
  });

  it('the two-person rule for CII asks for a co-signer: a second pharmacist or a witness', () => {
    savePolicy(ws, { ...DEFAULT_TOLERANCE_RULES, two_person_cii: true }, 'manny');
    const holdId = holdOf(96);
    expect(refusal(() => resolveHold(ws, { holdId, signer: PAT, meaning: 'approval', reason: 'miscount' })).message).toMatch(/two-person rule/);
    expect(refusal(() => resolveHold(ws, { holdId, signer: PAT, cosigner: PAT, meaning: 'approval', reason: 'miscount' })).message).toMatch(/another person/);
    const r = resolveHold(ws, { holdId, signer: PAT, cosigner: TINA, meaning: 'approval', reason: 'miscount' });
    expect(r.signatures.map((s) => [s.user_id, s.role, s.meaning])).toEqual([
      ['pat', 'signer', 'approval'],
      ['tina', 'witness', 'witness'],
    ]);
    const r2 = manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 2, kind: 'expired_destruction', signer: PAT, cosigner: PIA, meaning: 'approval', reason: 'expired', details: { destruction: { method: 'denaturing kit', place: 'pharmacy back room' } } });
    expect(r2.signatures.map((s) => s.role)).toEqual(['signer', 'cosigner']);
    expect(verifyEntrySignatures(ws.db, ws.deviceId)).toMatchObject({ ok: true, checked: 4 });
  });

  it('theft or loss marks the adjustment for Form 106', () => {
    const holdId = holdOf(90);
    const r = resolveHold(ws, { holdId, signer: PAT, cosigner: PIA, meaning: 'responsibility', reason: 'theft_or_loss', details: { loss: { type: 'theft' } } });
    expect(r.form_106).toBe(true);
    // The Form 106 report (reports.test.ts) selects the adjustments whose entry carries the mark.
    const body = JSON.parse(ws.db.prepare<[string, number], { body: string }>('SELECT body FROM ledger_entries WHERE device_id = ? AND seq = ?').get(r.adjustment.device_id, r.adjustment.seq)!.body) as EntryBody;
    expect(body).toMatchObject({ type: 'ADJUSTMENT', ndc: OXY, lot: 'A1', delta: -10, data: { form_106: true, reason: 'theft_or_loss', hold_id: holdId } });
    expect((body.data.signatures as Array<{ user_id: string }>).map((s) => s.user_id)).toEqual(['pat', 'pia']);
  });

  it('the signing key survives a password change and is never stored in clear', () => {
    manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 1, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage' });
    const key = activePublicKey(ws.db, 'pat');
    const row = ws.db.prepare('SELECT ciphertext FROM user_signing_keys WHERE user_id = ?').get('pat') as { ciphertext: Buffer };
    expect(row.ciphertext.includes(Buffer.from('302e020100300506032b6570', 'hex'))).toBe(false); // no PKCS#8 header in clear
    expect(ws.users.changePassword('pat', PAT.password, 'pharmacist-pass-new').ok).toBe(true);
    const r = manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 1, kind: 'breakage', signer: { userId: 'pat', password: 'pharmacist-pass-new' }, meaning: 'approval', reason: 'breakage' });
    expect(r.signatures[0]!.public_key).toBe(key);
    expect(verifyEntrySignatures(ws.db, ws.deviceId).ok).toBe(true);
  });
});

describe('manual adjustments', () => {
  it('takes units out under signature, and is refused while a hold covers the NDC', () => {
    const r = manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 3, kind: 'wholesaler_return', signer: PAT, meaning: 'approval', reason: 'transfer_error', reference: 'RA-1234', details: RETURN_TO_ACME });
    expect(r.adjustment.delta).toBe(-3);
    expect(stockOnHand(ws.db, 'MAIN01', OXY, 'A1')).toBe(97);
    holdOf(90);
    const before = seq();
    const err = refusal(() => manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 1, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage' }));
    expect(err.code).toBe('HOLD_ACTIVE');
    expect(seq()).toBe(before);
    expect(refusal(() => manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 0, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage' })).code).toBe('BAD_INPUT');
    expect(refusal(() => manualAdjustment(ws, { ndc: '12345-6789-01', lot: null, quantity: 1, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage' })).code).toBe('NOT_FOUND');
  });

  it('cannot take out more than is on hand', () => {
    const err = refusal(() => manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 101, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage' }));
    expect(err.code).toBe('INSUFFICIENT_STOCK');
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM entry_signatures').get()).toEqual({ n: 0 });
  });
});

describe('what the DEA asks each adjustment to record (21 CFR 1304.21(e), 1317.95, Forms 41 and 106)', () => {
  const lastAdjustment = () => JSON.parse((ws.db.prepare("SELECT body FROM ledger_entries WHERE type = 'ADJUSTMENT' ORDER BY seq DESC LIMIT 1").get() as { body: string }).body) as { data: Record<string, unknown> };
  const noNewEntry = (fn: () => unknown) => {
    const before = seq();
    const err = refusal(fn);
    expect(seq()).toBe(before);
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM entry_signatures').get()).toEqual({ n: 0 });
    return err;
  };

  it('a destruction of a controlled substance needs a witness, a method and a place; one person cannot be both', () => {
    const base = { ndc: OXY, lot: 'A1', quantity: 70, kind: 'destruction' as const, signer: PAT, meaning: 'approval' as const, reason: 'destroyed' as const };
    const where = { destruction: { method: 'denaturing kit (Rx Destroyer)', place: 'pharmacy back room' } };
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, details: where })).message).toMatch(/^cosigner: destroying a controlled substance needs two employees/);
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, cosigner: PAT, details: where })).message).toMatch(/another person/);
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, cosigner: PIA })).message).toMatch(/destruction: give the method and the place/);
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, cosigner: PIA, details: { destruction: { method: 'flushed', place: '' } } })).message).toMatch(/destruction\.place: where it was destroyed/);
    const r = manualAdjustment(ws, { ...base, cosigner: PIA, details: where });
    expect(r.signatures.map((s) => [s.user_id, s.role])).toEqual([
      ['pat', 'signer'],
      ['pia', 'cosigner'],
    ]);
    expect(lastAdjustment().data).toMatchObject({ kind: 'destruction', reason: 'destroyed', destruction: where.destruction });
  });

  it('a return or transfer names the other party with a valid DEA number, and for CII its order form', () => {
    const base = { ndc: OXY, lot: 'A1', quantity: 5, signer: PAT, meaning: 'approval' as const, reason: 'returned_to_reverse_distributor' as const };
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, kind: 'reverse_distributor_return' })).message).toMatch(/counterparty: name, address and DEA number/);
    const badDea = { ...RETURN_TO_ACME, counterparty: { ...RETURN_TO_ACME.counterparty, dea_number: 'RA1234564' } };
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, kind: 'reverse_distributor_return', details: badDea })).message).toMatch(/counterparty\.dea_number: .*check digit/i);
    expect(noNewEntry(() => manualAdjustment(ws, { ...base, kind: 'transfer_to_registrant', details: { counterparty: RETURN_TO_ACME.counterparty } })).message).toMatch(/order_form: a CII return or transfer/);
    manualAdjustment(ws, { ...base, kind: 'reverse_distributor_return', details: RETURN_TO_ACME });
    expect(lastAdjustment().data).toMatchObject({ kind: 'reverse_distributor_return', reason: 'returned_to_reverse_distributor', counterparty: { dea_number: 'RA1234563' }, order_form: { kind: '222', number: '261234567', line: 1 } });
  });

  it('a CII theft or loss is signed by two and needs its type of loss; the Form 106 facts go into the entry', () => {
    const holdId = holdOf(88);
    expect(noNewEntry(() => resolveHold(ws, { holdId, signer: PAT, cosigner: PIA, meaning: 'responsibility', reason: 'theft_or_loss' })).message).toMatch(/loss\.type: a theft or loss/);
    expect(noNewEntry(() => resolveHold(ws, { holdId, signer: PAT, meaning: 'responsibility', reason: 'theft_or_loss', details: { loss: { type: 'theft' } } })).message).toMatch(/cosigner: a CII theft or loss is signed by two/);
    expect(noNewEntry(() => resolveHold(ws, { holdId, signer: PAT, cosigner: PIA, meaning: 'responsibility', reason: 'theft_or_loss', details: { loss: { type: 'misplaced' as never } } })).message).toMatch(/loss\.type: the type of loss/);
    expect(getHold(ws.db, holdId)!.status).toBe('active');
    const loss = { type: 'burglary' as const, police_report: 'SPD-26-0042', value_cents: 12550, corrective_action: 'alarm on the CII cabinet' };
    resolveHold(ws, { holdId, signer: PAT, cosigner: PIA, meaning: 'responsibility', reason: 'theft_or_loss', details: { loss } });
    expect(lastAdjustment().data).toMatchObject({ reason: 'theft_or_loss', form_106: true, loss });
  });

  it('details are refused on their own terms: unknown fields, a malformed order form', () => {
    expect(noNewEntry(() => manualAdjustment(ws, { ndc: OXY, lot: 'A1', quantity: 1, kind: 'breakage', signer: PAT, meaning: 'approval', reason: 'breakage', details: { witness: 'x' } as never })).message).toMatch(/Unrecognized key/i);
  });
});
