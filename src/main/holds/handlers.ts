import { can } from '../../shared/domain/roles';
import { RxError } from '../../shared/errors/error-codes';
import type { holdsChannels } from '../../shared/ipc/holds-channels';
import { manifestationText, type ReasonCode } from '../../shared/counts';
import type { Session } from '../auth/sessions';
import type { Db } from '../db/open';
import type { Handler } from '../ipc/dispatch';
import { manualAdjustment, resolveHold, type SignedAdjustment } from './adjustments';
import { holdDetail, listHolds } from './holds';
import { verifyEntrySignatures, type StoredSignature } from './signatures';

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

/** The IPC handlers of holds, signed adjustments and the signing state (channels: src/shared/ipc/holds-channels.ts). */
export const holdsHandlers: { [C in keyof typeof holdsChannels]: Handler<C> } = {
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
};
