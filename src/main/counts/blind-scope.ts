import type { Workstation } from '../workstation';

/** What the Inventory and Ledger screens show instead of a quantity a blind counter must not see. */
export const BLIND_COUNT_NOTE = 'hidden during your blind count';

/**
 * The NDCs a user is counting blind right now: every NDC of every blind count they started
 * that is still open (neither submitted nor cancelled). While it is open, no channel may show
 * that user an on-hand quantity or a movement of those NDCs (docs: "no channel returns an
 * expected quantity"); once submitted, the review shows everything.
 */
export interface BlindScope {
  userId: string;
  countIds: string[];
  /** `${facility_id}|${ndc digits}` of every NDC in scope. */
  keys: ReadonlySet<string>;
  note: string;
}

const digits = (ndc: string) => ndc.replace(/\D/g, '');
const keyOf = (facilityId: string, ndc: string) => `${facilityId}|${digits(ndc)}`;

/** The user's open blind counts and what they cover, or null when they have none. */
export function blindScopeFor(ws: Workstation, userId: string | null | undefined): BlindScope | null {
  if (!userId) return null;
  const rows = ws.db
    .prepare<[string], { count_id: string; facility_id: string; items: string }>(
      "SELECT count_id, facility_id, items FROM count_sessions WHERE status = 'open' AND blind = 1 AND created_by = ? ORDER BY created_at",
    )
    .all(userId);
  if (rows.length === 0) return null;
  const keys = new Set<string>();
  for (const r of rows) {
    for (const item of JSON.parse(r.items) as { ndc: string }[]) keys.add(keyOf(r.facility_id, item.ndc));
  }
  return { userId, countIds: rows.map((r) => r.count_id), keys, note: BLIND_COUNT_NOTE };
}

/** Whether (facility, NDC) is counted blind by the scope's user. */
export function isHidden(scope: BlindScope | null, facilityId: string, ndc: string | null): boolean {
  return !!scope && ndc !== null && scope.keys.has(keyOf(facilityId, ndc));
}

/** `stock.list` rows: on hand withheld (null, with the note) for the NDCs being counted blind. */
export function hideBlindStock<R extends { facility_id: string; ndc: string; on_hand: number }>(
  scope: BlindScope | null,
  list: { rows: R[]; total: number },
): { rows: (Omit<R, 'on_hand'> & { on_hand: number | null; hidden: string | null })[]; total: number } {
  return {
    ...list,
    rows: list.rows.map((r) => (isHidden(scope, r.facility_id, r.ndc) ? { ...r, on_hand: null, hidden: scope!.note } : { ...r, hidden: null })),
  };
}

/**
 * `ledger.list` entries: quantity, delta and data (a COUNT's data names the expected quantity)
 * withheld for the NDCs being counted blind; what happened and when stays visible.
 */
export function hideBlindEntries<E extends { facility_id: string; ndc: string | null; quantity: number; delta: number; data: Record<string, unknown> }>(
  scope: BlindScope | null,
  entries: E[],
): (Omit<E, 'quantity' | 'delta'> & { quantity: number | null; delta: number | null; hidden: string | null })[] {
  return entries.map((e) => (isHidden(scope, e.facility_id, e.ndc) ? { ...e, quantity: null, delta: null, data: {}, hidden: scope!.note } : { ...e, hidden: null }));
}
