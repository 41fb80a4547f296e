import { resolvePeriod, type ResolvedPeriod } from '../../shared/reports/period';
import { writeReport } from '../../shared/reports/reader';
import type { LedgerHead, ReportRequest, ReportSink } from '../../shared/reports/types';
import type { Db } from '../db/open';
import { auditReport } from './audit-report';
import { inventoryInstant } from '../../shared/reports/biennial';
import { writeDeaRecord } from '../../shared/reports/dea-record';
import { Reader, ReportInputError, type Progress, type ReportContext } from './reader';

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
    // The audit trail is the workstation's own; every other record is made as the server makes it.
    const written = writeReport(r, sink, (notice) => (req.kind === 'audit' ? auditReport(r, sink, notice) : writeDeaRecord(r, sink, notice, { ...req, kind: req.kind }, at)));
    return { ...written, period };
  } finally {
    if (began) db.exec('COMMIT');
  }
}

/** The facility's earliest event time (null: an empty ledger), which an inventory may not precede. */
function firstEventTime(db: Db, facilityId: string): string | null {
  return db.prepare<[string], { t: string | null }>('SELECT MIN(event_time) AS t FROM ledger_entries WHERE facility_id = ?').get(facilityId)?.t ?? null;
}
