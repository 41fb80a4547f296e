import { useEffect, useState, type FormEvent } from 'react';
import { REPORT_KINDS, REPORT_TITLES, type ReportKind } from '../../shared/reports/types';
import { api, ConsoleRequestError, type ConsoleError, type Facility } from './api';
import './reports-view.css';

/** Every DEA record but the audit trail, which stays on each workstation (the audit log is not synced). */
const KINDS = REPORT_KINDS.filter((k): k is Exclude<ReportKind, 'audit'> => k !== 'audit');
const ENDED = new Set(['NOT_SIGNED_IN', 'SESSION_ENDED']);

interface Done {
  file: string;
  lines: number;
  sha256: string;
}

/**
 * A facility's DEA record computed by the server from its synced ledger, downloaded as CSV or
 * PDF. The server names the signed-in user on the report and records the export (with the
 * file's sha256) in its audit trail.
 */
export function ReportsView({ onEnded }: { onEnded: (e: ConsoleError) => void }) {
  const [facilities, setFacilities] = useState<Facility[] | null>(null);
  const [facility, setFacility] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('cii-log');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [taken, setTaken] = useState<'close' | 'opening'>('close');
  const [schedules, setSchedules] = useState<'all' | 'cii' | 'ciii-v'>('all');
  const [format, setFormat] = useState<'csv' | 'pdf'>('csv');
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  useEffect(() => {
    let live = true;
    api<{ facilities: Facility[] }>('GET', 'devices')
      .then((d) => {
        if (!live) return;
        setFacilities(d.facilities);
        setFacility((f) => f || d.facilities[0]?.facility_id || '');
      })
      .catch((e: unknown) => {
        const err = e instanceof ConsoleRequestError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String(e) };
        if (ENDED.has(err.code)) onEnded(err);
        else if (live) setError(err);
      });
    return () => {
      live = false;
    };
  }, [onEnded]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const q = new URLSearchParams({ format, tz: timeZone, schedules });
    // The biennial is of one day (To); its From only bounds the counts it starts from.
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (kind === 'biennial') q.set('taken', taken);
    try {
      const res = await fetch(`/console/api/reports/${encodeURIComponent(facility)}/${kind}?${q}`, { credentials: 'same-origin' });
      if (!res.ok) {
        const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
        const err = { code: json.error ?? 'INTERNAL', message: json.message ?? `The server answered ${res.status}.` };
        if (ENDED.has(err.code)) onEnded(err);
        else setError(err);
        return;
      }
      const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `rxledger-${kind}-${facility}.${format}`;
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = file;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDone({ file, lines: Number(res.headers.get('x-rxl-lines') ?? 0), sha256: res.headers.get('x-rxl-sha256') ?? '' });
    } catch {
      setError({ code: 'UNAVAILABLE', message: 'The central server cannot be reached. Check the connection and try again.' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="reports-title">
      <div className="panel-head">
        <h1 id="reports-title">DEA records of a facility</h1>
      </div>
      <p className="panel-meta">
        Computed by the server from the entries the facility&apos;s workstations have synced, with the workstation&apos;s own report code: the same file a workstation exports for the same
        period and ledger head, except that it names you as who generated it. The audit trail is exported on a workstation.
      </p>
      {error ? (
        <div className="banner banner-error" role="alert" data-testid="console-report-error" data-code={error.code}>
          <span className="banner-text">{error.message}</span>
        </div>
      ) : null}
      <form className="console-report-form" onSubmit={(e) => void submit(e)} data-testid="console-report-form">
        <label>
          Facility
          <select value={facility} onChange={(e) => setFacility(e.target.value)} required data-testid="console-report-facility">
            {(facilities ?? []).map((f) => (
              <option key={f.facility_id} value={f.facility_id}>
                {f.facility_id} — {f.name}
              </option>
            ))}
          </select>
        </label>
        <label className="console-report-wide">
          Report
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])} data-testid="console-report-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {REPORT_TITLES[k]}
              </option>
            ))}
          </select>
        </label>
        {kind !== 'initial' ? (
          <>
            <label>
              From
              <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="console-report-from" />
            </label>
            <label>
              {kind === 'biennial' ? 'Inventory date' : 'To'}
              <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="console-report-to" />
            </label>
          </>
        ) : null}
        {kind === 'biennial' ? (
          <label>
            Taken at
            <select value={taken} onChange={(e) => setTaken(e.target.value as 'close' | 'opening')}>
              <option value="close">close of business</option>
              <option value="opening">opening of business</option>
            </select>
          </label>
        ) : null}
        <label>
          Schedules
          <select value={schedules} onChange={(e) => setSchedules(e.target.value as 'all' | 'cii' | 'ciii-v')}>
            <option value="all">all (Schedule II apart)</option>
            <option value="cii">Schedule II only</option>
            <option value="ciii-v">Schedules III–V only</option>
          </select>
        </label>
        <label>
          Time zone of the facility
          <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} required />
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'pdf')} data-testid="console-report-format">
            <option value="csv">CSV</option>
            <option value="pdf">PDF</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || !facility} data-testid="console-report-download">
          {busy ? 'Computing…' : 'Download'}
        </button>
      </form>
      {done ? (
        <div className="banner banner-ok" role="status" data-testid="console-report-done">
          <span className="banner-text">
            {done.file}: {done.lines} line(s), sha256 <span className="mono">{done.sha256}</span>. The export is recorded in the server&apos;s audit trail.
          </span>
        </div>
      ) : null}
    </section>
  );
}
