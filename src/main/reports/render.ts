import { createHash } from 'node:crypto';
import { reportFileName } from '../../shared/reports/file-name';
import { CsvSink, type ReportRequest } from '../../shared/reports/types';
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
  let bytes: Buffer;
  let outcome: ReportOutcome;
  if (req.format === 'csv') {
    const parts: Buffer[] = [];
    const sink = new CsvSink((text) => parts.push(Buffer.from(text, 'utf8')));
    outcome = computeReport(db, ctx, req, sink, onProgress);
    onProgress?.({ phase: 'writing', done: 0, total: 1 });
    for (const t of sink.text()) parts.push(Buffer.from(t, 'utf8'));
    bytes = Buffer.concat(parts);
  } else {
    // pdfkit is large: loaded only when a PDF is asked for.
    const { PdfSink } = await import('../../reports-pdf/pdf');
    const sink = new PdfSink();
    outcome = computeReport(db, ctx, req, sink, onProgress);
    onProgress?.({ phase: 'writing', done: 0, total: 1 });
    bytes = await sink.bytes();
  }
  onProgress?.({ phase: 'writing', done: 1, total: 1 });
  return { ...outcome, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), fileName: reportFileName(ctx.facilityId, req, outcome) };
}
