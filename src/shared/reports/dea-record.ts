import { biennialReport } from './biennial';
import { ciiLogReport } from './cii-log';
import { dispensingReport } from './dispensing';
import { form106Report } from './form106';
import { form41Report } from './form41';
import { initialInventoryReport } from './initial-inventory';
import type { ReportReader } from './reader';
import { receiptsReport } from './receipts';
import { returnsReport } from './returns';
import type { ReportRequest, ReportSink } from './types';

/**
 * The DEA records computed from the ledger alone, which the central server can make too. The
 * audit trail is not among them: the audit log stays on each workstation (it is not synced).
 */
export const CENTRAL_REPORT_KINDS = ['biennial', 'initial', 'cii-log', 'receipts', 'dispensing', 'form41', 'returns', 'form106'] as const;
export type CentralReportKind = (typeof CENTRAL_REPORT_KINDS)[number];

/**
 * A DEA record's body, by kind: what the workstation's computeReport and the central server's
 * centralReport both call, so that the two give the same file. `at` is the biennial's instant.
 */
export function writeDeaRecord(reader: ReportReader, sink: ReportSink, notice: (t: string) => void, req: ReportRequest & { kind: CentralReportKind }, at: string | null): void {
  switch (req.kind) {
    case 'biennial':
      return biennialReport(reader, sink, notice, req.taken ?? 'close', at!);
    case 'initial':
      return initialInventoryReport(reader, sink, notice);
    case 'cii-log':
      return ciiLogReport(reader, sink, notice, req.ndcs ?? null);
    case 'receipts':
      return receiptsReport(reader, sink, notice);
    case 'dispensing':
      return dispensingReport(reader, sink, notice);
    case 'form41':
      return form41Report(reader, sink, notice);
    case 'returns':
      return returnsReport(reader, sink, notice);
    case 'form106':
      return form106Report(reader, sink, notice);
  }
}
