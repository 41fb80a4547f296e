import { RxError } from '../../shared/errors/error-codes';
import {
  AdjustmentDetails,
  adjustmentDetailProblems,
  DEFAULT_REASON_FOR_KIND,
  marksForm106,
  needsSecondPerson,
  type AdjustmentKind,
  type Meaning,
  type ReasonCode,
  type SignatureManifestation,
} from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';
import type { EntryRef, LedgerEntry } from '../../shared/schemas/ledger-entry';
import type { Session } from '../auth/sessions';
import { currentPolicy } from '../counts/tolerance-store';
import type { Db } from '../db/open';
import { canonicalRequest, entryThroughGate } from '../counts/through-gate';
import { assertNoActiveHold, getHold } from './holds';
import type { AppendResult } from '../ledger/append';
import { attachSignatures, authenticateSigner, manifestationsFor, signingTimeZone, type Credentials, type ReadySigner } from './signatures';
import type { Workstation } from '../workstation';

export interface SignatureRequest {
  signer: Credentials;
  meaning: Meaning;
  reason: ReasonCode;
  /** A second pharmacist or a witness, when the two-person rule for CII is on. */
  cosigner?: Credentials | null | undefined;
  note?: string | null | undefined;
  /** The UI session signing (§11.200: marks it as having signed); null from the CLI. */
  session?: Session | null | undefined;
  source?: 'ui' | 'cli';
  /** Counterparty, destruction, loss and order form, as the kind and reason need them (adjustment-details.ts). */
  details?: AdjustmentDetails | null | undefined;
}

export interface SignedAdjustment {
  adjustment: EntryRef & { delta: number; ndc: string; lot: string | null };
  release: EntryRef | null;
  hold_id: string | null;
  reason: ReasonCode;
  form_106: boolean;
  signatures: SignatureManifestation[];
}

const refOf = (e: LedgerEntry): EntryRef => ({ device_id: e.device_id, seq: e.seq, hash: e.hash });

function committed(res: AppendResult, what: string): LedgerEntry {
  if (res.status !== 'committed') throw new RxError('CONFLICT', `${what} was already recorded (entry ${res.existing.device_id}#${res.existing.seq}). Nothing more was signed.`);
  return res.entry;
}

function scheduleOf(db: Db, facilityId: string, ndc: string): Schedule | null {
  return db.prepare<[string, string], { schedule: Schedule | null }>('SELECT schedule FROM stock WHERE facility_id = ? AND ndc = ? AND schedule IS NOT NULL LIMIT 1').get(facilityId, ndc)?.schedule ?? null;
}

/**
 * Checks the details the kind and reason need (refused before anyone signs, naming the field),
 * then authenticates the signer — and the co-signer where a second person is required
 * (destroying a controlled substance; a CII loss under the two-person rule).
 */
function signersFor(ws: Workstation, req: SignatureRequest, kind: AdjustmentKind | null, schedule: Schedule | null, action: string): ReadySigner[] {
  const parsed = AdjustmentDetails.safeParse(req.details ?? {});
  if (!parsed.success) throw new RxError('BAD_INPUT', `${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Nothing was signed.`);
  const problems = adjustmentDetailProblems(kind, req.reason, schedule, parsed.data);
  if (problems.length) throw new RxError('BAD_INPUT', `${problems.join('; ')}. Nothing was signed.`);
  const policy = currentPolicy(ws.db);
  const second = needsSecondPerson(kind, req.reason, schedule, policy.two_person_cii);
  if (second && !req.cosigner) {
    throw new RxError('BAD_INPUT', `cosigner: ${second}; a second pharmacist or a witness must co-sign ${action}. Nothing was signed.`);
  }
  if (req.cosigner && req.cosigner.userId === req.signer.userId) throw new RxError('BAD_INPUT', 'The co-signer must be another person than the signer. Nothing was signed.');
  const signer = authenticateSigner(ws, req.signer, 'signer', req.meaning, action);
  const out = [signer];
  if (req.cosigner) out.push(authenticateSigner(ws, req.cosigner, 'co-signer', 'review', action));
  return out;
}

/** The details as the entry's data keeps them (only those given). */
function detailsData(d: AdjustmentDetails | null | undefined): Record<string, Record<string, string | number | null>> {
  const out: Record<string, Record<string, string | number | null>> = {};
  if (!d) return out;
  for (const k of ['counterparty', 'destruction', 'loss', 'order_form'] as const) {
    const v = d[k];
    if (v) out[k] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as Record<string, string | number | null>;
  }
  return out;
}

/** Who signs, for the canonical request (never a password). */
const whoSigns = (req: SignatureRequest) => ({ signer: req.signer.userId, cosigner: req.cosigner?.userId ?? null, meaning: req.meaning, note: req.note?.trim() || null, ...detailsOf(req) });
/** Only present when given, so a request without details keeps the bytes (and sha256) it always had. */
function detailsOf(req: SignatureRequest): { details?: ReturnType<typeof detailsData> } {
  const d = detailsData(req.details);
  return Object.keys(d).length ? { details: d } : {};
}

/**
 * Resolves a compliance hold with a signed adjustment (issue 5 §4): an ADJUSTMENT entry that
 * brings the book to the count (delta = the variance found at the count time), naming the
 * count and the hold and carrying the signature manifestation; the pharmacist's signature over
 * its hash; and HOLD_RELEASED naming the adjustment — all in one transaction. When two
 * pharmacists resolve one hold at once, the second finds it released and is refused.
 */
export function resolveHold(ws: Workstation, input: SignatureRequest & { holdId: string; lot?: string | null | undefined }): SignedAdjustment {
  const db = ws.db;
  const before = getHold(db, input.holdId);
  if (!before) throw new RxError('NOT_FOUND', `No hold ${input.holdId}.`);
  const alreadyReleased = (h: NonNullable<typeof before>) =>
    new RxError('CONFLICT', `Hold ${h.hold_id} was already released by ${h.released_by} at ${h.released_at}. Nothing was signed.`);
  if (before.status === 'released') throw alreadyReleased(before);
  if (before.placed.device_id !== ws.deviceId) {
    throw new RxError('CONFLICT', `Hold ${before.hold_id} was placed at workstation ${before.placed.device_id}; resolve it there, so that it is adjusted once. Nothing was signed.`);
  }
  if (before.variance === null || before.variance === 0) throw new RxError('BAD_INPUT', `Hold ${before.hold_id} names no variance to adjust.`);
  const lot = before.lot ?? adjustmentLot(db, before.facility_id, before.ndc, input.lot ?? null, before.variance);
  const signers = signersFor(ws, input, null, before.schedule, `the adjustment for hold ${before.hold_id}`);

  const result = db
    .transaction((): SignedAdjustment => {
      const hold = getHold(db, input.holdId)!;
      if (hold.status === 'released') throw alreadyReleased(hold);
      const now = ws.clock.now();
      const signatures = manifestationsFor(signers, now, signingTimeZone(ws));
      const form106 = marksForm106(input.reason);
      const request = canonicalRequest({ request: 'holds.resolve', hold_id: hold.hold_id, lot, reason: input.reason, ...whoSigns(input) });
      const actorId = signers[0]!.user.user_id;
      const kind = input.source ?? 'ui';
      // Through the ingestion gate like every stock movement; the hold being resolved is the
      // one hold its check must not refuse the adjustment for (any other still does).
      const adj = entryThroughGate(
        ws,
        {
          type: 'ADJUSTMENT',
          facility_id: hold.facility_id,
          ndc: hold.ndc,
          lot,
          serial: null,
          expiry: null,
          quantity: hold.variance!,
          event_time: now.toISOString(),
          handler_id: actorId,
          idempotency_key: `hold-adjustment:${hold.hold_id}`,
          data: {
            kind: 'count_variance',
            hold_id: hold.hold_id,
            count_id: hold.count_id,
            count_entry: hold.count_entry ? { ...hold.count_entry } : null,
            hold_entry: { ...hold.placed },
            reason: input.reason,
            form_106: form106,
            note: input.note?.trim() || null,
            ...detailsData(input.details),
            signatures: signatures.map((s) => ({ ...s })),
          },
          source: { kind, correlation_id: hold.hold_id, payload_sha256: request.sha256, ref: `hold:${hold.hold_id}` },
        },
        { request, source: `${kind}:holds`, what: `The adjustment for hold ${hold.hold_id}`, nothing: 'Nothing was signed.', exceptHold: hold.hold_id },
      );
      const common = {
        facility_id: hold.facility_id,
        ndc: adj.body.ndc,
        serial: null,
        expiry: null,
        schedule: adj.body.schedule,
        event_time: now.toISOString(),
        actor: actorId,
        source: { kind, payload_sha256: request.sha256, correlation_id: hold.hold_id },
      } as const;
      attachSignatures(db, adj, signers, input.reason);
      const release = committed(
        ws.gate.recordHoldInTransaction({
          ...common,
          type: 'HOLD_RELEASED',
          lot: hold.lot,
          quantity: 0,
          delta: 0,
          idempotency_key: `hold-release:${hold.hold_id}`,
          data: { hold_id: hold.hold_id, count_id: hold.count_id, hold_entry: hold.placed, adjustment: refOf(adj), reason: input.reason },
        }),
        `The release of hold ${hold.hold_id}`,
      );
      for (const s of signatures) {
        ws.audit.record({ actor: s.user_id, action: 'SIGNATURE_APPLIED', target: `${adj.device_id}#${adj.seq}`, details: { hold_id: hold.hold_id, role: s.role, meaning: s.meaning, reason: input.reason, entry_hash: adj.hash } });
      }
      ws.audit.record({ actor: common.actor, action: 'HOLD_RELEASED', target: hold.hold_id, details: { adjustment: refOf(adj), delta: hold.variance, form_106: form106 } });
      return {
        adjustment: { ...refOf(adj), delta: adj.body.delta, ndc: hold.ndc, lot },
        release: refOf(release),
        hold_id: hold.hold_id,
        reason: input.reason,
        form_106: form106,
        signatures,
      };
    })
    .immediate();
  if (input.session) input.session.hasSigned = true;
  return result;
}

/** A hold on every lot of an NDC is adjusted on one lot: the one given, or the only one there is. */
function adjustmentLot(db: Db, facilityId: string, ndc: string, given: string | null, delta: number): string | null {
  const lots = db
    .prepare<[string, string], { lot: string; on_hand: number }>('SELECT lot, on_hand FROM stock WHERE facility_id = ? AND ndc = ? AND on_hand != 0 ORDER BY lot')
    .all(facilityId, ndc);
  if (given) {
    if (!lots.some((l) => l.lot === given) && delta < 0) throw new RxError('BAD_INPUT', `${ndc} has no stock in lot ${given} (lots: ${lots.map((l) => l.lot || '(none)').join(', ')}).`);
    return given;
  }
  if (lots.length <= 1) return lots[0]?.lot || null;
  throw new RxError('BAD_INPUT', `The hold covers every lot of ${ndc}; name the lot to adjust (lots: ${lots.map((l) => l.lot || '(none)').join(', ')}). Nothing was signed.`);
}

/**
 * A manual adjustment (issue 5 §5): breakage, expired stock to the destruction bin, a return
 * to the wholesaler. Takes `quantity` units out, under the same signature rules, and is
 * refused while a hold covers the NDC.
 */
export function manualAdjustment(
  ws: Workstation,
  input: SignatureRequest & { ndc: string; lot: string | null; quantity: number; kind: AdjustmentKind; reference?: string | null | undefined },
): SignedAdjustment {
  const db = ws.db;
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) throw new RxError('BAD_INPUT', `An adjustment takes out a whole number of units above 0 (got ${input.quantity}). Nothing was signed.`);
  if (!db.prepare('SELECT 1 FROM ledger_entries WHERE facility_id = ? AND ndc = ? LIMIT 1').get(ws.facilityId, input.ndc)) {
    throw new RxError('NOT_FOUND', `${input.ndc} is not stocked at ${ws.facilityId}. Nothing was signed.`);
  }
  const lot = input.lot?.trim() || null;
  const what = `${input.kind.replace(/_/g, ' ')} of ${input.quantity} × ${input.ndc}${lot ? ` lot ${lot}` : ''}`;
  assertNoActiveHold(db, ws.facilityId, input.ndc, lot, `The ${what}`);
  const schedule = scheduleOf(db, ws.facilityId, input.ndc);
  const reason = input.reason ?? DEFAULT_REASON_FOR_KIND[input.kind];
  const signers = signersFor(ws, input, input.kind, schedule, `the ${what}`);
  const result = db
    .transaction((): SignedAdjustment => {
      assertNoActiveHold(db, ws.facilityId, input.ndc, lot, `The ${what}`);
      const now = ws.clock.now();
      const signatures = manifestationsFor(signers, now, signingTimeZone(ws));
      const form106 = marksForm106(reason);
      const reference = input.reference?.trim() || null;
      const request = canonicalRequest({
        request: 'adjustments.create',
        facility_id: ws.facilityId,
        ndc: input.ndc,
        lot,
        quantity: input.quantity,
        kind: input.kind,
        reason,
        reference,
        at: now.toISOString(),
        ...whoSigns(input),
      });
      const kind = input.source ?? 'ui';
      const adj = entryThroughGate(
        ws,
        {
          type: 'ADJUSTMENT',
          facility_id: ws.facilityId,
          ndc: input.ndc,
          lot,
          serial: null,
          expiry: null,
          quantity: -input.quantity,
          event_time: now.toISOString(),
          handler_id: signers[0]!.user.user_id,
          idempotency_key: `adjustment:${request.sha256}`,
          data: { kind: input.kind, reason, form_106: form106, reference, note: input.note?.trim() || null, ...detailsData(input.details), signatures: signatures.map((s) => ({ ...s })) },
          source: { kind, correlation_id: `adjust-${now.getTime()}`, payload_sha256: request.sha256, ref: null },
        },
        { request, source: `${kind}:adjustments`, what: `The ${what}`, nothing: 'Nothing was signed.' },
      );
      attachSignatures(db, adj, signers, reason);
      for (const s of signatures) {
        ws.audit.record({ actor: s.user_id, action: 'SIGNATURE_APPLIED', target: `${adj.device_id}#${adj.seq}`, details: { kind: input.kind, role: s.role, meaning: s.meaning, reason, entry_hash: adj.hash } });
      }
      return { adjustment: { ...refOf(adj), delta: adj.body.delta, ndc: input.ndc, lot }, release: null, hold_id: null, reason, form_106: form106, signatures };
    })
    .immediate();
  if (input.session) input.session.hasSigned = true;
  return result;
}
