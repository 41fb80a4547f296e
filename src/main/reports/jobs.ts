import { randomBytes } from 'node:crypto';
import type { ReportRequest } from '../../shared/reports/types';
import type { Workstation } from '../workstation';
import type { Progress } from './compute';
import { produceReport, ReportRefusedError, type Exporter } from './export';
import type { RenderedReport } from './render';

export interface ReportJob {
  jobId: string;
  owner: string;
  state: 'running' | 'done' | 'failed';
  progress: Progress;
  error: { code: string; message: string } | null;
  result: (RenderedReport & { auditId: number }) | null;
  startedAt: number;
}

const KEEP = 8;
/** The workstation's report jobs (owned by its composition root). */
function jobsOf(ws: Workstation): Map<string, ReportJob> {
  return ws.reportJobs;
}

/**
 * Starts a report for the Reports screen: the worker computes it while the screen polls the
 * job's progress; the finished file is kept in memory (the last few per workstation) until
 * downloaded. Refusals that need no computing (no registrant) are thrown at once.
 */
export function startReportJob(ws: Workstation, req: ReportRequest, who: Exporter, assertAllowed: () => void): ReportJob {
  assertAllowed();
  const jobs = jobsOf(ws);
  const job: ReportJob = { jobId: `R-${randomBytes(8).toString('hex')}`, owner: who.user_id, state: 'running', progress: { phase: 'starting', done: 0, total: 0 }, error: null, result: null, startedAt: Date.now() };
  jobs.set(job.jobId, job);
  while (jobs.size > KEEP) {
    const oldest = [...jobs.values()].find((j) => j.state !== 'running');
    if (!oldest) break;
    jobs.delete(oldest.jobId);
  }
  produceReport(ws, req, who, (p) => (job.progress = p)).then(
    (r) => {
      job.result = r;
      job.state = 'done';
      job.progress = { phase: 'done', done: 1, total: 1 };
    },
    (err: unknown) => {
      job.state = 'failed';
      job.error =
        err instanceof ReportRefusedError
          ? { code: err.reason === 'NO_REGISTRANT' ? 'CONFLICT' : 'BAD_INPUT', message: err.message }
          : { code: 'INTERNAL', message: `The report could not be computed: ${(err as Error)?.message ?? String(err)}` };
    },
  );
  return job;
}

export function getReportJob(ws: Workstation, jobId: string, userId: string): ReportJob | null {
  const job = jobsOf(ws).get(jobId);
  return job && job.owner === userId ? job : null;
}
