import { RxError } from '../../shared/errors/error-codes';
import type { countsChannels } from '../../shared/ipc/counts-channels';
import type { Session } from '../auth/sessions';
import { cancelCount, createCount, getCount, listCounts, pendingRecounts, setLocation, type CountSession } from '../counts/count-sessions';
import { reviewCount } from '../counts/review';
import { submitCount } from '../counts/submit';
import { currentPolicy, policyHistory, savePolicy } from '../counts/tolerance-store';
import type { Db } from '../db/open';
import { stockOnHand } from '../ledger/stock';
import { PackageUnitsLookup } from '../catalog/package-units';
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
  'tolerance.get': (_i, { ws }) => ({ policy: currentPolicy(ws.db), history: policyHistory(ws.db) }),
  'tolerance.set': (input, { ws, session }) => savePolicy(ws as Workstation, input, actor(session)),
};
