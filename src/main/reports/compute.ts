import { resolvePeriod, type ResolvedPeriod } from '../../shared/reports/period';
import { writeReport } from '../../shared/reports/reader';
import type { LedgerHead, ReportRequest, ReportSink } from '../../shared/reports/types';
import type { Db } from '../db/open';
import { auditReport } from './audit-report';
import { biennialReport, inventoryInstant } from '../../shared/reports/biennial';
import { ciiLogReport } from '../../shared/reports/cii-log';
import { dispensingReport } from '../../shared/reports/dispensing';
import { form106Report } from '../../shared/reports/form106';
import { form41Report } from '../../shared/reports/form41';
import { initialInventoryReport } from '../../shared/reports/initial-inventory';
import { Reader, ReportInputError, type Progress, type ReportContext } from './reader';
import { receiptsReport } from '../../shared/reports/receipts';
import { returnsReport } from '../../shared/reports/returns';

export { ReportInputError, type Progress, type ReportContext };

export interface ReportOutcome {
  lines: number;
  notices: string[];
  heads: LedgerHead[];
  period: ResolvedPeriod;
}

/**
 * Computes a report from the ledger and writes it into a sink. Every read happens inside one
 * read transaction, so the figures and the ledger head printed in the footer belong to the same
 * snapshot even while the workstation keeps committing.
 */
export function computeReport(db: Db, ctx: ReportContext, req: ReportRequest, sink: ReportSink, onProgress?: (p: Progress) => void): ReportOutcome {
  const now = new Date(ctx.now);
  const resolved = resolvePeriod({ from: req.from, to: req.to }, ctx.timeZone, now, req.kind === 'biennial' ? 'to' : 'none');
  if (!resolved.ok) throw new ReportInputError(resolved.message);
  const period = resolved.period;
  const at = req.kind === 'biennial' ? inventoryInstant(firstEventTime(db, ctx.facilityId), ctx, period, req.taken ?? 'close', now) : null;
  const began = !db.inTransaction;
  if (began) db.exec('BEGIN');
  try {
    const r = new Reader(db, ctx, period, onProgress ?? (() => {}), req.schedules ?? 'all');
    const written = writeReport(r, sink, (notice) => {
      switch (req.kind) {
        case 'biennial':
          biennialReport(r, sink, notice, req.taken ?? 'close', at!);
          break;
        case 'initial':
          initialInventoryReport(r, sink, notice);
          break;
        case 'cii-log':
          ciiLogReport(r, sink, notice, req.ndcs ?? null);
          break;
        case 'receipts':
          receiptsReport(r, sink, notice);
          break;
        case 'dispensing':
          dispensingReport(r, sink, notice);
          break;
        case 'form41':
          form41Report(r, sink, notice);
          break;
        case 'returns':
          returnsReport(r, sink, notice);
          break;
        case 'form106':
          form106Report(r, sink, notice);
          break;
        case 'audit':
          auditReport(r, sink, notice);
          break;
      }
    });
    return { ...written, period };
  } finally {
    if (began) db.exec('COMMIT');
  }
}

/** The facility's earliest event time (null: an empty ledger), which an inventory may not precede. */
function firstEventTime(db: Db, facilityId: string): string | null {
  return db.prepare<[string], { t: string | null }>('SELECT MIN(event_time) AS t FROM ledger_entries WHERE facility_id = ?').get(facilityId)?.t ?? null;
}
