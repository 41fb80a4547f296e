import { RxError } from '../../shared/errors/error-codes';
import type { SetAsideDecisionInput, SetAsideLineView } from '../../shared/ipc/receiving-channels';
import type { Credentials } from '../holds/signatures';
import type { UnitRow } from './session-store';

/**
 * A line that may not enter stock on a scan alone: CII received beyond what the DEA Form 222 /
 * CSOS order names (21 CFR 1305.13(e), 1305.22(g) — the pharmacy may only record what it
 * ordered), or a controlled product that was not on the order. A pharmacist decides, signing:
 * accept (with a note saying why), or refuse for return.
 */
export type SetAsideLine = SetAsideLineView;
export type SetAsideDecision = SetAsideDecisionInput;

export interface SetAsideDecisions {
  signer: Credentials;
  lines: SetAsideDecision[];
}

export function setAsideText(a: SetAsideLine): string {
  const what = `line ${a.lineNo} (${a.ndc ?? 'no NDC'}${a.name ? ` ${a.name}` : ''}, ${a.schedule})`;
  return a.reason === 'cii_over_order_form'
    ? `${what}: ${a.received} containers received against ${a.expected} on the order form — ${a.excess} beyond it`
    : `${what}: ${a.received} container(s) of a controlled product that was not on the order`;
}

/** Matches decisions to the lines set aside; a decision for a line not set aside, or an accept without a note, is refused. */
export function checkDecisions(setAside: SetAsideLine[], decisions: SetAsideDecisions | null | undefined): { missing: SetAsideLine[]; byLine: Map<number, SetAsideDecision> } {
  const byLine = new Map<number, SetAsideDecision>();
  for (const d of decisions?.lines ?? []) {
    if (!setAside.some((a) => a.lineId === d.lineId)) throw new RxError('BAD_INPUT', `Line id ${d.lineId} is not set aside: there is nothing to decide for it. Nothing was committed.`);
    if (d.decision === 'accept' && !d.note.trim()) throw new RxError('BAD_INPUT', 'note: accepting what was set aside needs a note saying why (e.g. the supplier will send a corrected 222 line). Nothing was committed.');
    byLine.set(d.lineId, d);
  }
  return { missing: setAside.filter((a) => !byLine.has(a.lineId)), byLine };
}

/**
 * The units a refusal keeps out of stock: every unit of a product nobody ordered; for CII over
 * the order form, the last scanned units beyond the ordered number of containers (a case that
 * straddles the limit goes back whole, so stock never holds more than was ordered).
 */
export function refusedUnits(units: UnitRow[], setAside: SetAsideLine[], byLine: ReadonlyMap<number, SetAsideDecision>): Set<number> {
  const out = new Set<number>();
  for (const a of setAside) {
    if (byLine.get(a.lineId)?.decision !== 'refuse') continue;
    const mine = units.filter((u) => u.status === 'accepted' && u.line_id === a.lineId).sort((x, y) => x.scan_id - y.scan_id || x.id - y.id);
    if (a.reason === 'controlled_not_ordered') {
      for (const u of mine) out.add(u.id);
      continue;
    }
    let kept = 0;
    for (const u of mine) {
      if (kept + u.containers <= a.expected) kept += u.containers;
      else out.add(u.id);
    }
  }
  return out;
}
