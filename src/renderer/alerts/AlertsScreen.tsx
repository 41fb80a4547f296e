import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import type { RxError } from '../../shared/ipc/contract';
import type { AlertsView } from '../../shared/ipc/ingest-channels';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { focusProblemField } from '../ui/FieldError';
import { formatThreshold, formatValue, formFrom, METRIC_LABELS, parseForm, PHARMACY_METRICS, SYSTEM_THRESHOLD_FIELDS, THRESHOLD_FIELDS, type FormProblems, type ThresholdForm, type ThresholdKey } from './alert-format';
import './alerts.css';

const POLL_MS = 5_000;
type Metric = AlertsView['metrics'][number];

function AlertCard({ m }: { m: Metric }) {
  return (
    <li className={`alert-card ${m.firing ? 'alert-firing' : 'alert-quiet'}`} data-testid={`alert-${m.metric}`} data-firing={m.firing}>
      <div className="alert-head">
        <strong>{METRIC_LABELS[m.metric]}</strong>
        <span className="alert-value">
          {formatValue(m)} <span className="muted">({formatThreshold(m)})</span>
        </span>
        <span className={`alert-badge ${m.firing ? 'alert-badge-on' : ''}`}>{m.firing ? 'Act now' : 'OK'}</span>
      </div>
      <div>{m.detail}</div>
      {m.firing && m.items.length ? (
        <ul className="alert-items">
          {m.items.map((line, k) => (
            <li key={k}>{line}</li>
          ))}
        </ul>
      ) : null}
      {m.firing ? <div className="alert-action">{m.action}</div> : null}
    </li>
  );
}

/**
 * Alerts a pharmacy acts on (expiring lots, holds and deliveries left open, a growing
 * quarantine or suspect products, entries not reaching the central server), firing ones first;
 * the system's measures folded below. Managers set the thresholds in a column of their own, so
 * nothing overlaps at 1366 × 768.
 */
export function AlertsScreen() {
  const role = useSession((s) => s.session?.role);
  const mayEdit = role ? can(role, 'facility.manage') : false;
  const base = useId();
  const [report, setReport] = useState<AlertsView | null>(null);
  const [form, setForm] = useState<ThresholdForm | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [problems, setProblems] = useState<FormProblems>({});
  const [saved, setSaved] = useState(false);

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
    setSaved(false);
    const parsed = parseForm(form);
    if (!parsed.ok) {
      setProblems(parsed.problems);
      const first = Object.keys(parsed.problems)[0];
      if (first) focusProblemField(document.getElementById(`${base}-${first}`));
      return;
    }
    setProblems({});
    try {
      const r = await invoke('alerts.setThresholds', parsed.value);
      setReport(r);
      setForm(formFrom(r.thresholds));
      setSaved(true);
    } catch (err) {
      setError(asRxError(err));
    }
  }

  const field = (f: (typeof THRESHOLD_FIELDS)[number]) => {
    const key: ThresholdKey = f.key;
    const id = `${base}-${key}`;
    return (
      <label className="field alert-field" key={key}>
        <span className="field-label">{f.label}</span>
        <span className="alert-input">
          <input
            id={id}
            inputMode={f.kind === 'int' ? 'numeric' : 'decimal'}
            value={form?.[key] ?? ''}
            onChange={(e) => {
              setForm((cur) => (cur ? { ...cur, [key]: e.target.value } : cur));
              setProblems((p) => ({ ...p, [key]: undefined }));
            }}
            aria-invalid={problems[key] ? true : undefined}
            aria-describedby={problems[key] ? `${id}-problem` : undefined}
            data-testid={`threshold-${key}`}
          />
          <span className="muted">{f.unit}</span>
        </span>
        {problems[key] ? (
          <span className="field-problem" id={`${id}-problem`} role="alert">
            {problems[key]}
          </span>
        ) : null}
      </label>
    );
  };

  const pharmacy = (report?.metrics ?? []).filter((m) => PHARMACY_METRICS.has(m.metric)).sort((a, b) => Number(b.firing) - Number(a.firing));
  const system = (report?.metrics ?? []).filter((m) => !PHARMACY_METRICS.has(m.metric));

  return (
    <section className="panel alerts-screen" aria-labelledby="alerts-title">
      <div className="panel-head">
        <h1 id="alerts-title">Alerts</h1>
        {report ? (
          <p className="panel-meta" aria-live="polite">
            {pharmacy.filter((m) => m.firing).length} to act on
          </p>
        ) : null}
      </div>
      <ErrorBanner error={error} testId="alerts-error" />
      <div className={`alerts-layout ${form && mayEdit ? 'alerts-with-form' : ''}`}>
        <div className="alerts-main">
          {report ? (
            <>
              <ul className="alert-list" data-testid="alerts-grid">
                {pharmacy.map((m) => (
                  <AlertCard key={m.metric} m={m} />
                ))}
              </ul>
              <details className="alerts-system">
                <summary>
                  System measures ({system.filter((m) => m.firing).length} firing) — last {report.windowMinutes} minutes: {report.counts.committed} committed, {report.counts.quarantined} quarantined
                </summary>
                <ul className="alert-list">
                  {system.map((m) => (
                    <AlertCard key={m.metric} m={m} />
                  ))}
                </ul>
              </details>
            </>
          ) : null}
        </div>
        {form && mayEdit ? (
          <form className="alerts-form" onSubmit={(e) => void save(e)} aria-label="Alert thresholds" noValidate>
            <h2>Thresholds</h2>
            {THRESHOLD_FIELDS.map(field)}
            <details>
              <summary>System thresholds</summary>
              {SYSTEM_THRESHOLD_FIELDS.map(field)}
            </details>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" data-testid="thresholds-save">
                Save thresholds
              </button>
            </div>
            {saved ? (
              <p className="banner banner-ok" role="status">
                Saved. The change is in the audit trail.
              </p>
            ) : null}
          </form>
        ) : null}
      </div>
    </section>
  );
}
