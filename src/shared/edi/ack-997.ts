import type { GroupReport, TransactionSummary } from './envelope';
import { ackLoops, type AckSegment } from './ack-loops';

/**
 * The 997 Functional Acknowledgment body (004010): AK1, one AK2 loop per transaction set
 * with AK3/AK4 for segment and element errors and AK5, then AK9.
 */
export function body997(group: GroupReport, component: string, includeAccepted: boolean, clean: (value: string) => string): AckSegment[] {
  return [
    ['AK1', group.functionalId, group.control],
    ...ackLoops(group.transactions, component, includeAccepted, {
      header: (t: TransactionSummary) => ['AK2', t.type, t.control],
      segment: 'AK3',
      element: 'AK4',
      trailer: 'AK5',
    }, clean),
    ak9(group),
  ];
}

/** AK9 is shared by the 997 and the 999. */
export function ak9(group: GroupReport): AckSegment {
  const received = group.transactions.length;
  const codes = [...new Set(group.errors.map((e) => e.code))].slice(0, 5);
  return ['AK9', group.ackCode, String(group.declaredTransactions ?? received), String(received), String(group.accepted), ...codes];
}
