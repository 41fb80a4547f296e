import { CsvSink, type ReportSink } from '../shared/reports/types';

/**
 * Writes a report into the sink its format needs and returns the file's bytes beside what
 * `write` returned: the one place where the workstation (src/main/reports/render.ts) and the
 * central server (src/server/reports/central-report.ts) turn a report into a CSV or PDF file, so
 * both give the same bytes for the same lines. pdfkit is large: it is loaded only for a PDF.
 * `written` runs once the lines are in, before the file is put together (a progress step).
 */
export async function reportBytes<T>(format: 'csv' | 'pdf', write: (sink: ReportSink) => T, written?: () => void): Promise<{ result: T; bytes: Buffer }> {
  if (format === 'pdf') {
    const { PdfSink } = await import('./pdf');
    const sink = new PdfSink();
    const result = write(sink);
    written?.();
    return { result, bytes: await sink.bytes() };
  }
  const parts: Buffer[] = [];
  const sink = new CsvSink((text) => parts.push(Buffer.from(text, 'utf8')));
  const result = write(sink);
  written?.();
  for (const t of sink.text()) parts.push(Buffer.from(t, 'utf8'));
  return { result, bytes: Buffer.concat(parts) };
}
