import { sign } from 'node:crypto';
import { RxError, type ErrorCode } from '../../shared/errors/error-codes';
import { canonicalJson } from '../../shared/ledger/canonical';
import { checkStep, isSuspect, SUSPECT_REASONS, type FieldProblem, type InvestigationStepKind } from '../../shared/quarantine/plain';
import { localDate } from '../../shared/reports/period';
import { authenticateSigner, signingTimeZone, type Credentials } from '../holds/signatures';
import type { Workstation } from '../workstation';
import type { QuarantineItem } from './store';

/**
 * DSCSA suspect-product investigations (21 USC 360eee-1(d)). A suspect unit is already out of
 * stock — it was quarantined instead of received — so "quarantine the units" is the item
 * itself; what is recorded here is the investigation: findings, then one outcome, each signed
 * by a pharmacist with user ID and password (Part 11 §11.200) and audited.
 *
 * - cleared: the product is legitimate. The item goes back to the normal quarantine path
 *   (replayed into stock, or rejected as a double scan), which was refused until now.
 * - illegitimate: with the FDA Form 3911 date and the trading-partner notice date (both due
 *   within 24 hours of the determination). The item is rejected in the same transaction: an
 *   illegitimate product never enters stock.
 */

export class InvestigationError extends RxError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly field: FieldProblem['field'] | 'signer' | null = null,
    readonly problems: FieldProblem[] = [],
  ) {
    super(code, message);
  }
}

export interface InvestigationStep {
  id: number;
  quarantine_id: number;
  step: InvestigationStepKind;
  note: string;
  signed_by: string;
  printed_name: string;
  signed_at: string;
  time_zone: string;
  fda_3911_date: string | null;
  partner_notice_date: string | null;
  public_key: string;
  signature: string;
}

export interface StepInput {
  step: InvestigationStepKind;
  note: string;
  fda3911Date?: string | null | undefined;
  partnerNoticeDate?: string | null | undefined;
  signer: Credentials;
  /** The user signed in to the screen, when there is one: a pharmacist signs only as themself. */
  sessionUserId?: string;
}

const AUDIT = { finding: 'SUSPECT_FINDING_RECORDED', cleared: 'SUSPECT_CLEARED', illegitimate: 'SUSPECT_MARKED_ILLEGITIMATE' } as const;

export function investigationSteps(ws: Workstation, id: number): InvestigationStep[] {
  return ws.db.prepare<[number], InvestigationStep>('SELECT * FROM suspect_investigation_steps WHERE quarantine_id = ? ORDER BY id').all(id);
}

/** The outcome step of an item, if it has one. */
export function investigationOutcome(ws: Workstation, id: number): InvestigationStep | null {
  return investigationSteps(ws, id).find((s) => s.step !== 'finding') ?? null;
}

/** The text a step's signature covers: the item (by id and the sha256 of its bytes) and every field of the step. */
export function signedText(item: Pick<QuarantineItem, 'id' | 'sha256'>, s: Omit<InvestigationStep, 'id' | 'quarantine_id' | 'public_key' | 'signature'>): string {
  return canonicalJson({
    kind: 'rxledger.suspect-investigation-step.v1',
    quarantine_id: item.id,
    item_sha256: item.sha256,
    step: s.step,
    note: s.note,
    signed_by: s.signed_by,
    printed_name: s.printed_name,
    signed_at: s.signed_at,
    time_zone: s.time_zone,
    fda_3911_date: s.fda_3911_date,
    partner_notice_date: s.partner_notice_date,
  });
}

function suspectItem(ws: Workstation, id: number): QuarantineItem {
  const item = ws.quarantine.get(id);
  if (!item) throw new InvestigationError('NOT_FOUND', `quarantine item #${id} does not exist`);
  if (!isSuspect(item.reasons)) {
    throw new InvestigationError('BAD_INPUT', `quarantine item #${id} is not a suspect product (${item.reasons.join(', ')}): replay or reject it instead`);
  }
  return item;
}

/** Refuses a step on an item whose investigation is over, naming who ended it and when. */
function assertStillOpen(ws: Workstation, item: QuarantineItem): void {
  const done = investigationOutcome(ws, item.id);
  if (done) {
    const what = done.step === 'cleared' ? 'cleared' : 'marked illegitimate';
    throw new InvestigationError('CONFLICT', `quarantine item #${item.id} was already ${what} by ${done.printed_name} (${done.signed_by}) at ${done.signed_at}; an outcome is final. Nothing was recorded.`);
  }
  if (item.status !== 'open') throw new InvestigationError('CONFLICT', `quarantine item #${item.id} was already ${item.status}; nothing was recorded.`);
}

/**
 * Records one signed step. Everything a person can correct (the fields, the outcome already
 * given) is checked before the password, so a form error never counts toward the lockout.
 */
export function recordInvestigationStep(ws: Workstation, id: number, input: StepInput): InvestigationStep {
  const item = suspectItem(ws, id);
  assertStillOpen(ws, item);
  const zone = signingTimeZone(ws);
  const now = ws.clock.now();
  const today = localDate(now, zone);
  const note = input.note.trim();
  const fda = input.step === 'illegitimate' ? (input.fda3911Date ?? '').trim() || null : null;
  const partner = input.step === 'illegitimate' ? (input.partnerNoticeDate ?? '').trim() || null : null;
  const problems = checkStep({ step: input.step, note, fda3911Date: fda, partnerNoticeDate: partner }, today, localDate(new Date(item.received_at), zone));
  if (problems.length) throw new InvestigationError('BAD_INPUT', `${problems.map((p) => p.message).join(' ')} Nothing was recorded.`, problems[0]!.field, problems);
  if (input.sessionUserId && input.signer.userId !== input.sessionUserId) {
    throw new InvestigationError('FORBIDDEN', `You are signed in as ${input.sessionUserId}: you can only sign as yourself. Nothing was recorded.`, 'signer');
  }
  const action = input.step === 'finding' ? 'a suspect-product investigation step' : input.step === 'cleared' ? 'the clearance of a suspect product' : 'an illegitimate-product determination';
  const signer = authenticateSigner(ws, input.signer, 'signer', 'responsibility', action);
  if (signer.user.must_change_password) {
    throw new InvestigationError('MUST_CHANGE_PASSWORD', `${signer.user.user_id} must change the password someone else set before signing. Nothing was recorded.`, 'signer');
  }

  return ws.db
    .transaction(() => {
      // Again inside the write lock: another station or window may have concluded it meanwhile.
      const fresh = suspectItem(ws, id);
      assertStillOpen(ws, fresh);
      const fields = {
        step: input.step,
        note,
        signed_by: signer.user.user_id,
        printed_name: signer.user.name,
        signed_at: now.toISOString(),
        time_zone: zone,
        fda_3911_date: fda,
        partner_notice_date: partner,
      };
      const signature = sign(null, Buffer.from(signedText(fresh, fields), 'utf8'), signer.key.privateKey).toString('base64');
      const info = ws.db
        .prepare(
          `INSERT INTO suspect_investigation_steps (quarantine_id, step, note, signed_by, printed_name, signed_at, time_zone, fda_3911_date, partner_notice_date, public_key, signature)
           VALUES (@quarantine_id, @step, @note, @signed_by, @printed_name, @signed_at, @time_zone, @fda_3911_date, @partner_notice_date, @public_key, @signature)`,
        )
        .run({ quarantine_id: id, ...fields, public_key: signer.key.publicKeyB64, signature });
      const stepId = Number(info.lastInsertRowid);
      if (input.step === 'illegitimate') {
        ws.quarantine.decide({
          quarantine_id: id,
          decision: 'rejected',
          decided_by: signer.user.user_id,
          decided_at: fields.signed_at,
          reason: `illegitimate product (DSCSA): FDA Form 3911 sent ${fda}, trading partners notified ${partner}. ${note}`,
          entry_ref: null,
        });
      }
      ws.audit.record({
        actor: signer.user.user_id,
        action: AUDIT[input.step],
        target: `quarantine:${id}`,
        details: {
          step_id: stepId,
          reasons: fresh.reasons,
          sha256: fresh.sha256,
          note,
          ...(input.step === 'illegitimate' ? { fda_3911_date: fda, partner_notice_date: partner } : {}),
          signed_at: fields.signed_at,
          time_zone: zone,
        },
      });
      return { id: stepId, quarantine_id: id, ...fields, public_key: signer.key.publicKeyB64, signature };
    })
    .immediate();
}

/**
 * Suspect products still under investigation: open quarantine items (no replay or reject yet)
 * with a suspect reason and no outcome step (cleared items take the normal path again; an
 * illegitimate one is rejected in the same transaction). Sent to the central office with the health.
 */
export function openSuspectCount(ws: Workstation): number {
  const reasons = SUSPECT_REASONS.map(() => '?').join(', ');
  return ws.db
    .prepare<string[], { n: number }>(
      `SELECT COUNT(*) AS n FROM quarantine q
        WHERE NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.quarantine_id = q.id)
          AND EXISTS (SELECT 1 FROM json_each(q.reasons) r WHERE r.value IN (${reasons}))
          AND NOT EXISTS (SELECT 1 FROM suspect_investigation_steps s WHERE s.quarantine_id = q.id AND s.step <> 'finding')`,
    )
    .get(...SUSPECT_REASONS)!.n;
}

/**
 * True while a suspect item waits for its outcome. Replay and reject are refused then: DSCSA
 * keeps a suspect product apart until the investigation ends, and "reject" would end it
 * unrecorded. Once cleared, the item takes the normal path again.
 */
export function underInvestigation(ws: Workstation, item: Pick<QuarantineItem, 'id' | 'reasons'>): boolean {
  return isSuspect(item.reasons) && investigationOutcome(ws, item.id)?.step !== 'cleared';
}
