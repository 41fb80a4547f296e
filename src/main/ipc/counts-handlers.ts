import { can } from '../../shared/domain/roles';
import { RxError } from '../../shared/errors/error-codes';
import type { countsChannels } from '../../shared/ipc/counts-channels';
import { manifestationText, type ReasonCode } from '../../shared/counts';
import type { Session } from '../auth/sessions';
import { manualAdjustment, resolveHold, type SignedAdjustment } from '../adjustments';
import { cancelCount, createCount, getCount, listCounts, pendingRecounts, setLocation, type CountSession } from '../counts/count-sessions';
import { reviewCount } from '../counts/review';
import { submitCount } from '../counts/submit';
import { currentPolicy, policyHistory, savePolicy } from '../counts/tolerance-store';
import type { Db } from '../db/open';
import { holdDetail, listHolds } from '../holds';
import { stockOnHand } from '../ledger/stock';
import { PackageUnitsLookup } from '../catalog/package-units';
import { verifyEntrySignatures, type StoredSignature } from '../signatures';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';

/** A blind count shows no quantities until it is submitted. */
function countView(db: Db, c: CountSession) {
  const reveal = !c.blind || c.status !== 'open';
  const units = new PackageUnitsLookup(db);
  return {
    ...c,
    items: c.items.map((i) => {
      const pu = units.of(i.ndc);
      return { ...i, expected_now: reveal ? stockOnHand(db, c.facility_id, i.ndc, i.lot) : null, unit: pu?.unit ?? null, units_per_container: pu?.units_per_container ?? null };
    }),
  };
}

/**
 * Part 11 §11.200 for a UI session: the first signing needs the user ID and the password of
 * the signed-in user; after that, in the same continuous session, the password alone.
 */
function signerFor(session: Session, input: { userId?: string | undefined; password: string }): { userId: string; password: string } {
  const me = session.user.user_id;
  if (!session.hasSigned && !input.userId) throw new RxError('BAD_INPUT', 'The first signature of a session needs your user ID and your password.');
  if (input.userId && input.userId !== me) throw new RxError('FORBIDDEN', `You are signed in as ${me}: you can only sign as yourself. Nothing was signed.`);
  return { userId: me, password: input.password };
}

const withLines = (r: SignedAdjustment) => ({ ...r, manifestations: r.signatures.map((s, i) => manifestationText(s, i === 0 ? r.reason : null)) });

function signatureViews(db: Db, sigs: StoredSignature[]) {
  if (sigs.length === 0) return [];
  const failures = verifyEntrySignatures(db).failures;
  return sigs.map((s) => ({
    signer_id: s.signer_id,
    printed_name: s.printed_name,
    role: s.role,
    meaning: s.meaning,
    reason: s.reason,
    signed_at: s.signed_at,
    time_zone: s.time_zone,
    manifestation: manifestationText({ ...s, user_id: s.signer_id }, (s.reason as ReasonCode | null) ?? null),
    verified: !failures.some((f) => f.device_id === s.device_id && f.seq === s.seq && f.signer_id === s.signer_id),
  }));
}

const actor = (s: Session | null) => s!.user.user_id;

export const countsHandlers: { [C in keyof typeof countsChannels]: Handler<C> } = {
  'counts.create': (input, { ws, session }) => {
    const c = createCount(ws, { scope: input.scope, blind: input.blind, actor: actor(session) });
    // Opening a count makes it the scanners' workflow.
    ws.scanIntake.countScans.open(c.count_id, actor(session));
    return countView(ws.db, c);
  },
  'counts.get': (input, { ws }) => {
    const c = getCount(ws.db, input.countId);
    if (!c) throw new RxError('NOT_FOUND', `No count ${input.countId}.`);
    return countView(ws.db, c);
  },
  'counts.list': (input, { ws }) => ({
    counts: listCounts(ws.db, { status: input.status }).map((c) => countView(ws.db, c)),
    pendingRecounts: pendingRecounts(ws.db, ws.facilityId).length,
  }),
  'counts.submit': (input, { ws, session }) => {
    const r = submitCount(ws, {
      count_id: input.countId,
      actor: actor(session),
      lines: input.lines.map((l) => ({ ndc: l.ndc, lot: l.lot, counted: l.counted, containers: l.containers ?? null, counted_at: l.countedAt ?? null, method: l.method ?? 'keypad' })),
    });
    ws.scanIntake.countScans.release(input.countId);
    return { count: countView(ws.db, r.count), results: r.results };
  },
  'counts.review': (input, { ws }) => {
    const r = reviewCount(ws.db, input.countId);
    if (r.count.status === 'open') throw new RxError('CONFLICT', `Count ${input.countId} is still open: its review shows once it is submitted.`);
    return { ...r, count: countView(ws.db, r.count) };
  },
  'counts.cancel': (input, { ws, session }) => {
    cancelCount(ws, input.countId, actor(session));
    ws.scanIntake.countScans.release(input.countId);
    return { ok: true as const };
  },
  'counts.setLocation': (input, { ws, session }) => {
    setLocation(ws, input.ndc, input.location, actor(session));
    return { ok: true as const };
  },
  'counts.scanTarget': (input, { ws, session }) => {
    const feed = ws.scanIntake.countScans;
    if (input.countId === null) return { activeWorkflow: feed.release(input.leaving ?? null) };
    const c = getCount(ws.db, input.countId);
    if (c && c.created_by !== actor(session)) throw new RxError('FORBIDDEN', `Count ${input.countId} was started by ${c.created_by}: only they can scan into it.`);
    return { activeWorkflow: feed.open(input.countId, actor(session)) };
  },
  'counts.waitForScans': (input, { ws }) => ws.scanIntake.countScans.waitForScans(input.countId, input.after, input.timeoutMs),
  'holds.list': (input, { ws }) => ({ holds: listHolds(ws.db, { status: input.status }) }),
  'holds.get': (input, { ws }) => {
    const d = holdDetail(ws.db, input.holdId);
    if (!d) throw new RxError('NOT_FOUND', `No hold ${input.holdId}.`);
    return { ...d, history: d.history.map((h) => ({ ...h, signatures: signatureViews(ws.db, h.signatures) })) };
  },
  'holds.resolve': (input, { ws, session }) =>
    withLines(
      resolveHold(ws, {
        holdId: input.holdId,
        lot: input.lot ?? null,
        signer: signerFor(session!, input),
        meaning: input.meaning,
        reason: input.reason,
        cosigner: input.cosigner ?? null,
        note: input.note ?? null,
        details: input.details ?? null,
        session,
        source: 'ui',
      }),
    ),
  'adjustments.create': (input, { ws, session }) =>
    withLines(
      manualAdjustment(ws, {
        ndc: input.ndc,
        lot: input.lot,
        quantity: input.quantity,
        kind: input.kind,
        reference: input.reference ?? null,
        signer: signerFor(session!, input),
        meaning: input.meaning,
        reason: input.reason,
        cosigner: input.cosigner ?? null,
        note: input.note ?? null,
        details: input.details ?? null,
        session,
        source: 'ui',
      }),
    ),
  'signing.status': (_i, { session }) => ({ canSign: can(session!.user.role, 'sign'), needsUserId: !session!.hasSigned, userId: session!.user.user_id }),
  'tolerance.get': (_i, { ws }) => ({ policy: currentPolicy(ws.db), history: policyHistory(ws.db) }),
  'tolerance.set': (input, { ws, session }) => savePolicy(ws as Workstation, input, actor(session)),
};
