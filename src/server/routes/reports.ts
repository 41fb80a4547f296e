import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { anchorText, ReportRequest, ReportSchedules } from '../../shared/reports/types';
import type { Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { CENTRAL_REPORT_KINDS, centralReport, type CentralReport, type CentralReportKind } from '../reports/central-report';

const Query = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    format: z.enum(['csv', 'pdf']).default('csv'),
    /** The facility's zone (IANA); the server has no setting per facility yet. */
    tz: z.string().min(1).max(100).optional(),
    /** CII log: only these NDCs, comma-separated. */
    ndc: z.string().max(10_000).optional(),
    schedules: ReportSchedules.optional(),
    /** Biennial inventory: taken at opening or close of business (default close). */
    taken: z.enum(['opening', 'close']).optional(),
    /** The workstation whose export this must equal: its chain's head is listed first, as it lists it. */
    device: z.string().min(1).max(200).optional(),
  })
  .strict();

export interface CentralReportAsk {
  req: ReportRequest & { kind: CentralReportKind };
  timeZone: string;
  device: string | null;
}

/**
 * A report request from a URL's kind and query, as the administrator endpoint and the console
 * take it; refused (400) with what is wrong.
 */
export function parseReportQuery(kind: string, query: unknown): CentralReportAsk {
  if (!(CENTRAL_REPORT_KINDS as readonly string[]).includes(kind)) {
    throw new HttpError('BAD_REQUEST', `the central server computes ${CENTRAL_REPORT_KINDS.join(', ')}; "${kind}" is exported from a workstation of the facility${kind === 'audit' ? ' (the audit log is kept on each workstation and is not synced)' : ''}`);
  }
  const q = Query.safeParse(query ?? {});
  if (!q.success) {
    const issue = q.error.issues[0];
    throw new HttpError('BAD_REQUEST', `query: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const timeZone = q.data.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new HttpError('BAD_REQUEST', `tz "${timeZone}" is not a time zone: give an IANA name such as America/New_York`);
  }
  const parsed = ReportRequest.safeParse({
    kind,
    format: q.data.format,
    from: q.data.from ?? null,
    to: q.data.to ?? null,
    ...(q.data.schedules ? { schedules: q.data.schedules } : {}),
    ...(q.data.taken ? { taken: q.data.taken } : {}),
    ...(q.data.ndc ? { ndcs: q.data.ndc.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError('BAD_REQUEST', `${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid report request'}`);
  }
  return { req: parsed.data as ReportRequest & { kind: CentralReportKind }, timeZone, device: q.data.device ?? null };
}

/** The file, with what identifies it (sha256, lines, the ledger heads it was computed from) in headers. */
export function sendReport(reply: FastifyReply, r: CentralReport): FastifyReply {
  return reply
    .type(r.fileName.endsWith('.pdf') ? 'application/pdf' : 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${r.fileName}"`)
    .header('x-rxl-sha256', r.sha256)
    .header('x-rxl-lines', String(r.lines))
    .header('x-rxl-ledger-heads', r.heads.map(anchorText).join(' '))
    .send(r.bytes);
}

/**
 * `GET /v1/admin/facilities/:id/reports/:kind` (administrator token, checked by the admin
 * routes' hook for every /v1/admin/ path): the CSV (or PDF) a workstation of the facility
 * exports for the same period and ledger head, computed here from the synced entries.
 */
export function reportRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.get('/v1/admin/facilities/:id/reports/:kind', async (req, reply) => {
    const { id, kind } = req.params as { id: string; kind: string };
    const ask = parseReportQuery(kind, req.query);
    const r = await centralReport(store, id, ask.req, { now: now(), timeZone: ask.timeZone, ...(ask.device ? { device: ask.device } : {}) });
    return sendReport(reply, r);
  });
}
