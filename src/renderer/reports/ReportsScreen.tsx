import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import { RxError, type ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { openRegistrantSettings } from '../settings/open-registrant';
import { ErrorBanner } from '../ui/ErrorBanner';
import { FieldError, focusFirstInvalid, invalidProps } from '../ui/FieldError';
import { base64ToBytes, PHASE_LABELS, progressPercent, REPORT_CHOICES, requestFromForm, type ReportFormField, type ReportFormState } from './report-form';
import type { ReportSchedules } from '../../shared/reports/types';

type Registrant = ChannelOutput<'reports.registrant'>;
type Job = ChannelOutput<'reports.status'>;
type Recent = ChannelOutput<'reports.recent'>['exports'];

const today = () => new Date().toLocaleDateString('en-CA');

/** Fetches the finished file in pieces and hands it to the browser as a download. */
async function saveReport(jobId: string, fileName: string, mime: string): Promise<void> {
  const parts: Uint8Array[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const piece: ChannelOutput<'reports.download'> = await invoke('reports.download', { jobId, offset });
    parts.push(base64ToBytes(piece.data));
    offset = piece.next;
  }
  const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ReportsScreen() {
  const role = useSession((s) => s.session?.role);
  const mayManage = role ? can(role, 'facility.manage') : false;
  const [registrant, setRegistrant] = useState<Registrant | null>(null);
  const [form, setForm] = useState<ReportFormState>({ kind: 'biennial', format: 'pdf', from: '', to: today(), taken: 'close', ndcs: '', schedules: 'all' });
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  /** A problem with what was typed, shown under its field (server refusals stay in the banner under the form). */
  const [problem, setProblem] = useState<{ field: ReportFormField; message: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const problemOf = (f: ReportFormField) => (problem?.field === f ? problem.message : null);
  const [recent, setRecent] = useState<Recent>([]);
  const poll = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    try {
      const [r, rec] = await Promise.all([invoke('reports.registrant', {}), invoke('reports.recent', {})]);
      setRegistrant(r);
      setRecent(rec.exports);
    } catch (err) {
      setError(asRxError(err));
    }
  }, []);

  useEffect(() => {
    void load();
    return () => {
      if (poll.current) clearTimeout(poll.current);
    };
  }, [load]);

  const follow = useCallback(
    (jobId: string) => {
      const tick = async () => {
        try {
          const j = await invoke('reports.status', { jobId });
          setJob(j);
          if (j.state === 'running') {
            poll.current = setTimeout(() => void tick(), 250);
            return;
          }
          if (j.state === 'failed' && j.error) setError(new RxError('BAD_INPUT', j.error.message));
          if (j.state === 'done' && j.result) {
            await saveReport(j.jobId, j.result.fileName, j.result.mime);
            void load();
          }
        } catch (err) {
          setError(asRxError(err));
        }
      };
      void tick();
    },
    [load],
  );

  async function exportReport(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setProblem(null);
    const r = requestFromForm(form);
    if (!r.ok) {
      setProblem({ field: r.field, message: r.message });
      // After React has marked the field invalid: bring it to the person.
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    try {
      setJob(null);
      const { jobId } = await invoke('reports.start', r.request);
      follow(jobId);
    } catch (err) {
      setError(asRxError(err));
    }
  }

  const choice = REPORT_CHOICES.find((c) => c.kind === form.kind)!;
  const running = job?.state === 'running';
  const pct = job ? (job.state === 'done' ? 100 : progressPercent(job.done, job.total)) : 0;

  return (
    <section className="panel" aria-labelledby="reports-title">
      <div className="panel-head">
        <h1 id="reports-title">Reports</h1>
      </div>

      <section aria-labelledby="registrant-title" className="card" data-testid="registrant">
        <h2 id="registrant-title">Registrant</h2>
        {registrant ? (
          <p data-testid="registrant-summary">
            {registrant.name ?? '(name not set)'} · {registrant.address ?? '(address not set)'} · DEA {registrant.dea_number ?? '(not set)'} · facility {registrant.facility_id}
          </p>
        ) : null}
        {registrant?.problem ? (
          <div className="banner banner-warning" role="status" data-testid="registrant-problem">
            {registrant.problem}. DEA records cannot be exported until it is set{mayManage ? ' in Settings' : ' — ask a manager or administrator'}.
          </div>
        ) : null}
        {/* Settings is the one place the registrant is changed (as `rxledger facility set`); here it is only shown. */}
        {mayManage ? (
          <button type="button" className="btn" data-testid="registrant-edit" onClick={openRegistrantSettings}>
            Change the registrant in Settings
          </button>
        ) : null}
      </section>

      <form ref={formRef} className="card form-grid" onSubmit={(e) => void exportReport(e)} aria-labelledby="export-title" noValidate>
        <h2 id="export-title">Export</h2>
        <label>
          Report
          <select data-testid="report-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as ReportFormState['kind'] })}>
            {REPORT_CHOICES.map((c) => (
              <option key={c.kind} value={c.kind}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <p className="panel-meta">{choice.hint}</p>
        <label>
          From
          <input type="date" id="report-from" data-testid="report-from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} {...invalidProps('report-from', problemOf('from'))} />
          <FieldError fieldId="report-from" problem={problemOf('from')} testId="report-from-problem" />
        </label>
        <label>
          To{form.kind === 'biennial' ? ' (inventory date)' : ''}
          <input type="date" id="report-to" data-testid="report-to" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} {...invalidProps('report-to', problemOf('to'))} />
          <FieldError fieldId="report-to" problem={problemOf('to')} testId="report-to-problem" />
        </label>
        {form.kind === 'biennial' ? (
          <label>
            Taken at
            <select data-testid="report-taken" value={form.taken} onChange={(e) => setForm({ ...form, taken: e.target.value as 'opening' | 'close' })}>
              <option value="close">close of business</option>
              <option value="opening">opening of business</option>
            </select>
          </label>
        ) : null}
        {form.kind !== 'audit' ? (
          <label>
            Schedules
            <select data-testid="report-schedules" value={form.schedules} onChange={(e) => setForm({ ...form, schedules: e.target.value as ReportSchedules })}>
              <option value="all">all (Schedule II apart from III–V)</option>
              <option value="cii">Schedule II only</option>
              <option value="ciii-v">Schedules III–V only</option>
            </select>
          </label>
        ) : null}
        {form.kind === 'cii-log' ? (
          <label>
            Only these NDCs (optional)
            <input id="report-ndcs" data-testid="report-ndcs" value={form.ndcs} placeholder="00002-1200-30, …" onChange={(e) => setForm({ ...form, ndcs: e.target.value })} {...invalidProps('report-ndcs', problemOf('ndcs'))} />
            <FieldError fieldId="report-ndcs" problem={problemOf('ndcs')} testId="report-ndcs-problem" />
          </label>
        ) : null}
        <fieldset>
          <legend>Format</legend>
          {(['pdf', 'csv'] as const).map((f) => (
            <label key={f} className="check report-format">
              <input type="radio" name="format" data-testid={`report-format-${f}`} checked={form.format === f} onChange={() => setForm({ ...form, format: f })} /> {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="btn btn-primary" data-testid="report-export" disabled={running} aria-busy={running}>
          {running ? 'Computing…' : 'Export'}
        </button>
      </form>

      <ErrorBanner error={error} testId="report-error" />

      {job ? (
        <section className="card" data-testid="report-job" data-state={job.state} aria-live="polite">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="report-progress">
            <div className="progress-bar" style={{ width: `${pct}%`, height: 6, background: '#2a6fdb' }} />
          </div>
          <p data-testid="report-phase">
            {PHASE_LABELS[job.phase] ?? job.phase}
            {job.total > 1 && job.state === 'running' ? ` — ${job.done.toLocaleString()} of ${job.total.toLocaleString()}` : ''} ({pct}%)
          </p>
          {job.result ? (
            <div data-testid="report-result">
              <p>
                <strong data-testid="report-file">{job.result.fileName}</strong> — {job.result.lines.toLocaleString()} line(s), {job.result.bytes.toLocaleString()} bytes
              </p>
              <p className="mono" data-testid="report-sha256">
                sha256 {job.result.sha256}
              </p>
              {job.result.heads.map((h) => (
                <p key={h.device_id} className="mono" data-testid="report-head">
                  ledger head{h.local ? ' (this workstation)' : ''}: device {h.device_id}, seq {h.seq}, hash {h.hash}
                </p>
              ))}
              {job.result.notices.map((n, i) => (
                <div key={i} className="banner banner-warning" role="status" data-testid="report-notice">
                  {n}
                </div>
              ))}
              <button type="button" className="btn" data-testid="report-download" onClick={() => void saveReport(job.jobId, job.result!.fileName, job.result!.mime)}>
                Save again
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent exports (audit trail)</h2>
        <table data-testid="report-recent">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Report</th>
              <th scope="col">File</th>
              <th scope="col">sha256</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((r) => (
              <tr key={r.id}>
                <td>{formatLocalDateTime(r.at)}</td>
                <td>{r.actor}</td>
                <td>
                  {r.kind} ({r.format})
                </td>
                <td>{r.file}</td>
                <td className="mono">{r.sha256?.slice(0, 16)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
