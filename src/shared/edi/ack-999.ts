import type { GroupReport, TransactionSummary } from './envelope';
import { ak9 } from './ack-997';
import { ackLoops, type AckSegment } from './ack-loops';

/** Implementation convention of the 999 itself (ST03, GS08). */
export const ACK_999_VERSION = '005010X231A1';

/**
 * The 999 Implementation Acknowledgment body (005010X231A1): as the 997, but AK1 carries the
 * group version (AK103), AK2 the implementation reference (AK203), and errors go in IK3/IK4/IK5.
 */
export function body999(group: GroupReport, component: string, includeAccepted: boolean, clean: (value: string) => string): AckSegment[] {
  return [
    ['AK1', group.functionalId, group.control, group.version],
    ...ackLoops(group.transactions, component, includeAccepted, {
      header: (t: TransactionSummary) => (t.implementationRef ? ['AK2', t.type, t.control, t.implementationRef] : ['AK2', t.type, t.control]),
      segment: 'IK3',
      element: 'IK4',
      trailer: 'IK5',
    }, clean),
    ak9(group),
  ];
}
