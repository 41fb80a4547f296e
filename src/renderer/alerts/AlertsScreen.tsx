import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import type { RxError } from '../../shared/ipc/contract';
import type { AlertsView } from '../../shared/ipc/ingest-channels';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { formatThreshold, formatValue, formFrom, METRIC_LABELS, parseForm, type ThresholdForm } from './alert-format';

const POLL_MS = 5_000;

/** Ingestion alerts: validation-failure rate, quarantine depth, ingest latency p95, with thresholds. */
export function AlertsScreen() {
  const role = useSession((s) => s.session?.role);
  const mayEdit = role ? can(role, 'facility.manage') : false;
  const [report, setReport] = useState<AlertsView | null>(null);
  const [form, setForm] = useState<ThresholdForm | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await invoke('alerts.get', {});
      setReport(r);
      setForm((f) => f ?? formFrom(r.thresholds));
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const parsed = parseForm(form);
    if (!parsed.ok) return setFormError(parsed.message);
    setFormError(null);
    try {
      const r = await invoke('alerts.setThresholds', parsed.value);
      setReport(r);
      setForm(formFrom(r.thresholds));
    } catch (err) {
      setError(asRxError(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="alerts-title">
      <div className="panel-head">
        <h1 id="alerts-title">Alerts</h1>
      </div>
      <ErrorBanner error={error} testId="alerts-error" />
      {report ? (
        <>
          <p className="panel-meta">
            Last {report.windowMinutes} minutes: {report.counts.committed} committed, {report.counts.quarantined} quarantined.
          </p>
          <div className="grid" data-testid="alerts-grid">
            {report.metrics.map((m) => (
              <div key={m.metric} className={`banner ${m.firing ? 'banner-error' : 'banner-ok'}`} data-testid={`alert-${m.metric}`} data-firing={m.firing}>
                <strong>{METRIC_LABELS[m.metric]}</strong>: {formatValue(m)} (limit {formatThreshold(m)}) {m.firing ? '— ALERT' : ''}
                <div className="muted">{m.detail}</div>
              </div>
            ))}
          </div>
        </>
      ) : null}
      {form && mayEdit ? (
        <form onSubmit={(e) => void save(e)} aria-label="Alert thresholds">
          <label className="field">
            <span className="field-label">Validation failures above (%)</span>
            <input inputMode="decimal" value={form.failurePercent} onChange={(e) => setForm({ ...form, failurePercent: e.target.value })} />
          </label>
          <label className="field">
            <span className="field-label">Quarantine depth above</span>
            <input inputMode="numeric" value={form.depth} onChange={(e) => setForm({ ...form, depth: e.target.value })} />
          </label>
          <label className="field">
            <span className="field-label">Latency p95 above (ms)</span>
            <input inputMode="decimal" value={form.latencyMs} onChange={(e) => setForm({ ...form, latencyMs: e.target.value })} />
          </label>
          <label className="field">
            <span className="field-label">Window (minutes)</span>
            <input inputMode="numeric" value={form.windowMinutes} onChange={(e) => setForm({ ...form, windowMinutes: e.target.value })} />
          </label>
          {formError ? <p className="banner banner-error">{formError}</p> : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Save thresholds
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
