import { createPublicKey, verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ledger/hash';
import { ingestEvent } from '../ingest/gate';
import { tempWorkstation } from '../../testing/temp-workstation';
import type { Workstation } from '../workstation';
import { QuarantineDecisionError, rejectQuarantined, replayQuarantined } from './decide';
import { InvestigationError, investigationSteps, openSuspectCount, recordInvestigationStep, signedText } from './investigation';
import { summarize } from './summary';

// 12 Nov 2026 10:00 UTC; the serial was first received the day before.
let nowMs = Date.parse('2026-11-12T10:00:00.000Z');
const clock = { now: () => new Date(nowMs) };
let t: ReturnType<typeof tempWorkstation>;
let ws: Workstation;

const RPH = { userId: 'rph01', password: 'rph01-password-1' };
const TECH = { userId: 'tech01', password: 'tech01-password-1' };

const receipt = (key: string) => ({
  type: 'RECEIPT' as const,
  facility_id: 'MAIN01',
  ndc: '00002-1200-30',
  lot: 'A123',
  serial: 'SN0001',
  expiry: '2028-12-31',
  schedule: 'CII' as const,
  // A serial names one package: the whole bottle of 30.
  quantity: 30,
  event_time: new Date(nowMs).toISOString(),
  handler_id: 'tech01',
  idempotency_key: key,
  source: { kind: 'ui' as const, correlation_id: key, payload_sha256: sha256Hex(key) },
});

/** The same serial received twice: the second is a DSCSA suspect in quarantine. */
async function suspect(): Promise<number> {
  nowMs = Date.parse('2026-11-11T15:00:00.000Z');
  expect((await ingestEvent(ws, receipt('first'))).status).toBe('committed');
  nowMs = Date.parse('2026-11-12T09:00:00.000Z');
  const out = await ingestEvent(ws, receipt('second'), { source: 'ui:receiving' });
  expect(out).toMatchObject({ status: 'quarantined', reasons: ['DUPLICATE_SERIAL'] });
  nowMs = Date.parse('2026-11-12T10:00:00.000Z');
  return (out as { quarantineId: number }).quarantineId;
}

/** Everything an investigation writes, to show a refusal wrote none of it. */
const written = () => ({
  steps: ws.db.prepare('SELECT COUNT(*) AS n FROM suspect_investigation_steps').get(),
  decisions: ws.db.prepare('SELECT COUNT(*) AS n FROM quarantine_decisions').get(),
  audit: ws.audit.list().filter((a) => a.action.startsWith('SUSPECT_')).length,
});

beforeEach(() => {
  t = tempWorkstation({ seed: true, clock });
  ws = t.ws;
  ws.setSetting('time_zone', 'UTC');
});
afterEach(() => t.cleanup());

describe('quarantine in pharmacy language', () => {
  it('names the drug, NDC, lot, serial and source, and says when the serial was first received', async () => {
    const id = await suspect();
    const s = summarize(ws, ws.quarantine.get(id)!);
    expect(s).toMatchObject({ ndc: '00002-1200-30', lot: 'A123', serial: 'SN0001', expiry: '2028-12-31', suspect: true, investigation: 'none' });
    expect(s.drug_name).toMatch(/oxymorphone/i);
    expect(s.source_label).toBe('Entered on the receiving screen');
    expect(s.plain_reasons[0]).toBe("This bottle's serial number was already received on 11 Nov — possible counterfeit or double scan. Keep it apart; do not sell it.");
  });
});

describe('DSCSA suspect-product investigation', () => {
  it('records signed findings, then an illegitimate outcome with both notice dates; the item is rejected with it', async () => {
    const id = await suspect();
    const before = ws.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get();
    expect(openSuspectCount(ws)).toBe(1);
    recordInvestigationStep(ws, id, { step: 'finding', note: 'Wholesaler says SN0001 shipped once, on 11 Nov', signer: RPH });
    // A finding is no outcome: still under investigation (the count the central office sees).
    expect(openSuspectCount(ws)).toBe(1);
    const s = recordInvestigationStep(ws, id, { step: 'illegitimate', note: 'Label print differs from the genuine bottle', fda3911Date: '2026-11-12', partnerNoticeDate: '2026-11-12', signer: RPH });
    expect(s).toMatchObject({ step: 'illegitimate', signed_by: 'rph01', printed_name: 'Robin Pharmacist', fda_3911_date: '2026-11-12', partner_notice_date: '2026-11-12' });
    // The signature is the pharmacist's own key over the step and the item's bytes.
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(s.public_key, 'base64')]), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(signedText(ws.quarantine.get(id)!, s)), key, Buffer.from(s.signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.from(signedText(ws.quarantine.get(id)!, { ...s, note: 'changed' })), key, Buffer.from(s.signature, 'base64'))).toBe(false);

    expect(ws.quarantine.get(id)!.status).toBe('rejected');
    expect(openSuspectCount(ws)).toBe(0);
    expect(ws.quarantine.decisions(id)[0]!.reason).toMatch(/illegitimate product \(DSCSA\): FDA Form 3911 sent 2026-11-12/);
    expect(summarize(ws, ws.quarantine.get(id)!).investigation).toBe('illegitimate');
    expect(ws.audit.list().reverse().filter((a) => a.action.startsWith('SUSPECT_')).map((a) => [a.action, a.actor])).toEqual([
      ['SUSPECT_FINDING_RECORDED', 'rph01'],
      ['SUSPECT_MARKED_ILLEGITIMATE', 'rph01'],
    ]);
    // Never stocked: no entry was written by the investigation.
    expect(ws.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get()).toEqual(before);
  });

  it('keeps a suspect out of replay and reject until it is cleared, then lets it take the normal path', async () => {
    const id = await suspect();
    expect(() => replayQuarantined(ws, id, { actor: 'rph01' })).toThrow(/suspect product \(DSCSA\): it cannot be replayed until a pharmacist clears it/);
    expect(() => rejectQuarantined(ws, id, { actor: 'rph01', reason: 'double scan' })).toThrow(QuarantineDecisionError);
    recordInvestigationStep(ws, id, { step: 'cleared', note: 'Double scan of the bottle already received on 11 Nov', signer: RPH });
    expect(summarize(ws, ws.quarantine.get(id)!).investigation).toBe('cleared');
    // Cleared: no longer a suspect under investigation, though still awaiting its decision.
    expect(openSuspectCount(ws)).toBe(0);
    expect(ws.quarantine.openCount()).toBe(1);
    expect(rejectQuarantined(ws, id, { actor: 'rph01', reason: 'double scan: the bottle is in stock' }).quarantine_id).toBe(id);
    expect(ws.quarantine.get(id)!.status).toBe('rejected');
  });

  describe('bad input is refused naming the field, and nothing is written', () => {
    it('an illegitimate mark without the FDA 3911 date', async () => {
      const id = await suspect();
      const w = written();
      const err = catchErr(() => recordInvestigationStep(ws, id, { step: 'illegitimate', note: 'counterfeit label', partnerNoticeDate: '2026-11-12', signer: RPH }));
      expect(err).toMatchObject({ code: 'BAD_INPUT', field: 'fda3911Date' });
      expect(err.message).toMatch(/^FDA Form 3911 notification date: required/);
      expect(written()).toEqual(w);
    });

    it('a notice date in the future', async () => {
      const id = await suspect();
      const w = written();
      const err = catchErr(() => recordInvestigationStep(ws, id, { step: 'illegitimate', note: 'counterfeit label', fda3911Date: '2026-11-12', partnerNoticeDate: '2026-11-13', signer: RPH }));
      expect(err).toMatchObject({ code: 'BAD_INPUT', field: 'partnerNoticeDate' });
      expect(err.message).toMatch(/Trading-partner notice date: 2026-11-13 is in the future/);
      expect(written()).toEqual(w);
    });

    it('a technician trying to clear', async () => {
      const id = await suspect();
      const w = written();
      const err = catchErr(() => recordInvestigationStep(ws, id, { step: 'cleared', note: 'looks fine to me', signer: TECH }));
      expect(err).toMatchObject({ code: 'FORBIDDEN' });
      expect(err.message).toMatch(/Only a pharmacist can sign the clearance of a suspect product; Terry Tech is a technician/);
      expect(written()).toEqual(w);
      expect(ws.quarantine.get(id)!.status).toBe('open');
    });

    it('the same item cleared twice', async () => {
      const id = await suspect();
      recordInvestigationStep(ws, id, { step: 'cleared', note: 'double scan', signer: RPH });
      const w = written();
      const err = catchErr(() => recordInvestigationStep(ws, id, { step: 'cleared', note: 'double scan again', signer: RPH }));
      expect(err).toMatchObject({ code: 'CONFLICT' });
      expect(err.message).toMatch(/was already cleared by Robin Pharmacist \(rph01\)/);
      expect(written()).toEqual(w);
      expect(investigationSteps(ws, id)).toHaveLength(1);
    });

    it('a wrong password, and signing as someone else than the signed-in user', async () => {
      const id = await suspect();
      const w = written();
      expect(catchErr(() => recordInvestigationStep(ws, id, { step: 'finding', note: 'called the wholesaler', signer: { userId: 'rph01', password: 'wrong' } }))).toMatchObject({ code: 'BAD_CREDENTIALS' });
      expect(catchErr(() => recordInvestigationStep(ws, id, { step: 'finding', note: 'called the wholesaler', signer: RPH, sessionUserId: 'tech01' }))).toMatchObject({ code: 'FORBIDDEN', field: 'signer' });
      expect(catchErr(() => recordInvestigationStep(ws, id, { step: 'finding', note: ' ', signer: RPH }))).toMatchObject({ code: 'BAD_INPUT', field: 'note' });
      expect(written()).toEqual(w);
    });

    it('an item that is not a suspect product', async () => {
      const out = await ingestEvent(ws, { ...receipt('x'), serial: undefined, ndc: '99999-9999-99' });
      const id = (out as { quarantineId: number }).quarantineId;
      expect(catchErr(() => recordInvestigationStep(ws, id, { step: 'cleared', note: 'fine', signer: RPH }))).toMatchObject({ code: 'BAD_INPUT' });
    });
  });
});

function catchErr(f: () => unknown): InvestigationError {
  try {
    f();
  } catch (err) {
    return err as InvestigationError;
  }
  throw new Error('expected a refusal');
}
