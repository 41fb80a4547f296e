import { RxError } from '../../shared/errors/error-codes';
import type { reportsChannels } from '../../shared/ipc/reports-channels';
import { registrantProblem } from '../../shared/reports/types';
import type { Session } from '../auth/sessions';
import { assertCanReport, registrantOf, ReportRefusedError, setRegistrant } from '../reports/export';
import { getReportJob, startReportJob, type ReportJob } from '../reports/jobs';
import type { Workstation } from '../workstation';
import type { Handler } from './dispatch';

const CHUNK = 3 * 1024 * 1024;

const me = (s: Session | null) => ({ user_id: s!.user.user_id, name: s!.user.name });

function registrantView(ws: Workstation) {
  const r = registrantOf(ws);
  return { facility_id: ws.facilityId, ...r, problem: registrantProblem(r) };
}

function jobView(j: ReportJob) {
  return {
    jobId: j.jobId,
    state: j.state,
    phase: j.progress.phase,
    done: j.progress.done,
    total: j.progress.total,
    error: j.error,
    result: j.result
      ? {
          fileName: j.result.fileName,
          mime: j.result.fileName.endsWith('.pdf') ? 'application/pdf' : 'text/csv; charset=utf-8',
          bytes: j.result.bytes.length,
          sha256: j.result.sha256,
          lines: j.result.lines,
          notices: j.result.notices,
          heads: j.result.heads,
          auditId: j.result.auditId,
        }
      : null,
  };
}

function refused(err: unknown): never {
  if (err instanceof ReportRefusedError) throw new RxError(err.reason === 'NO_REGISTRANT' ? 'CONFLICT' : 'BAD_INPUT', err.message);
  throw err;
}

function jobOf(ws: Workstation, jobId: string, session: Session | null): ReportJob {
  const j = getReportJob(ws, jobId, session!.user.user_id);
  if (!j) throw new RxError('NOT_FOUND', `No report ${jobId} of yours is waiting here (finished reports are kept until a few more are made). Export it again.`);
  return j;
}

export const reportsHandlers: { [C in keyof typeof reportsChannels]: Handler<C> } = {
  'reports.registrant': (_input, { ws }) => registrantView(ws),
  'reports.setRegistrant': (input, { ws, session }) => {
    try {
      setRegistrant(ws, input, session!.user.user_id);
    } catch (err) {
      // "deaNumber: …" puts the refusal beside its field on the Settings screen.
      if (err instanceof ReportRefusedError && err.reason === 'BAD_REQUEST') {
        const field = /registrant name/.test(err.message) ? 'name' : /registrant address/.test(err.message) ? 'address' : 'deaNumber';
        throw new RxError('BAD_INPUT', `${field}: ${err.message}. Nothing was changed.`);
      }
      refused(err);
    }
    return registrantView(ws);
  },
  'reports.start': (input, { ws, session }) => {
    try {
      return { jobId: startReportJob(ws, input, me(session), () => assertCanReport(ws, input)).jobId };
    } catch (err) {
      refused(err);
    }
  },
  'reports.status': (input, { ws, session }) => jobView(jobOf(ws, input.jobId, session)),
  'reports.download': (input, { ws, session }) => {
    const j = jobOf(ws, input.jobId, session);
    if (j.state !== 'done' || !j.result) throw new RxError('CONFLICT', j.state === 'failed' ? (j.error?.message ?? 'The report failed.') : 'The report is still being computed.');
    const bytes = j.result.bytes;
    const end = Math.min(bytes.length, input.offset + CHUNK);
    return { data: bytes.subarray(input.offset, end).toString('base64'), offset: input.offset, next: end < bytes.length ? end : null, total: bytes.length };
  },
  'reports.recent': (_input, { ws }) => ({
    exports: ws.audit.list({ action: 'REPORT_EXPORTED', limit: 20 }).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      kind: typeof r.details.kind === 'string' ? r.details.kind : null,
      format: typeof r.details.format === 'string' ? r.details.format : null,
      file: typeof r.details.file === 'string' ? r.details.file : null,
      sha256: typeof r.details.sha256 === 'string' ? r.details.sha256 : null,
    })),
  }),
};
