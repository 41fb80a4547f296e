import { createHash } from 'node:crypto';
import { reportFileName } from '../../shared/reports/file-name';
import { reportBytes } from '../../reports-pdf/report-bytes';
import type { ReportRequest } from '../../shared/reports/types';
import type { Db } from '../db/open';
import { computeReport, type Progress, type ReportContext, type ReportOutcome } from './compute';

export interface RenderedReport extends ReportOutcome {
  bytes: Buffer;
  sha256: string;
  fileName: string;
}

export { reportFileName };

/** Computes a report and renders it into the bytes of its file (CSV or PDF). */
export async function renderReport(db: Db, ctx: ReportContext, req: ReportRequest, onProgress?: (p: Progress) => void): Promise<RenderedReport> {
  const { result: outcome, bytes } = await reportBytes(
    req.format,
    (sink) => computeReport(db, ctx, req, sink, onProgress),
    () => onProgress?.({ phase: 'writing', done: 0, total: 1 }),
  );
  onProgress?.({ phase: 'writing', done: 1, total: 1 });
  return { ...outcome, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), fileName: reportFileName(ctx.facilityId, req, outcome) };
}
