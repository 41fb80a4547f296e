import type { EdiError } from './ack-codes';
import type { TransactionSummary } from './envelope';

/** A segment to write: id followed by its elements; trailing empty elements are dropped. */
export type AckSegment = string[];

interface LoopIds {
  header: (t: TransactionSummary) => AckSegment;
  segment: 'AK3' | 'IK3';
  element: 'AK4' | 'IK4';
  trailer: 'AK5' | 'IK5';
}

/** AK4/IK4 may repeat 99 times under one AK3/IK3. */
const MAX_ELEMENT_NOTES = 99;

/** The AK2 loops shared by 997 and 999; only segment ids and AK1/AK2 extras differ. */
export function ackLoops(
  transactions: readonly TransactionSummary[],
  component: string,
  includeAccepted: boolean,
  ids: LoopIds,
  clean: (value: string) => string,
): AckSegment[] {
  const out: AckSegment[] = [];
  for (const t of transactions) {
    if (!includeAccepted && t.ackCode === 'A') continue;
    out.push(ids.header(t));
    const bySegment = new Map<number, { id: string; segment: EdiError[]; element: EdiError[] }>();
    for (const e of t.errors) {
      if ((e.level !== 'segment' && e.level !== 'element') || e.positionInTransaction === undefined) continue;
      let entry = bySegment.get(e.positionInTransaction);
      if (!entry) bySegment.set(e.positionInTransaction, (entry = { id: e.segmentId ?? '', segment: [], element: [] }));
      (e.level === 'segment' ? entry.segment : entry.element).push(e);
    }
    let segmentErrors = false;
    for (const [pos, entry] of [...bySegment].sort((a, b) => a[0] - b[0])) {
      for (const e of entry.segment) {
        if (e.severity === 'error') segmentErrors = true;
        const id = ackSegmentId(e.segmentId ?? entry.id);
        if (id) out.push([ids.segment, id, String(pos), '', e.code]);
      }
      if (entry.element.length > 0) {
        segmentErrors = true;
        out.push([ids.segment, ackSegmentId(entry.id) ?? entry.id, String(pos), '', '8']);
        for (const e of entry.element.slice(0, MAX_ELEMENT_NOTES)) {
          const position = e.component ? `${e.element ?? 1}${component}${e.component}` : String(e.element ?? 1);
          out.push([ids.element, position, e.elementRef ?? '', e.code, clean(e.badValue ?? '')]);
        }
      }
    }
    const codes = t.errors.filter((e) => e.level === 'transaction').map((e) => e.code);
    if (segmentErrors && !codes.includes('5')) codes.push('5');
    out.push([ids.trailer, t.ackCode, ...[...new Set(codes)].slice(0, 5)]);
  }
  return out;
}

/** AK301 is an id of 2-3 characters; an unrecognizable id is cut to fit, or left out when nothing fits. */
function ackSegmentId(id: string): string | null {
  const cut = id.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 3);
  return cut.length >= 2 ? cut : null;
}
