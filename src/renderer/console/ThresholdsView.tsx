import { useEffect, useState, type FormEvent } from 'react';
import { api, THRESHOLD_KINDS, THRESHOLD_LABELS, type ConsoleError, type Facility, type ThresholdKind, type Thresholds, type User } from './api';
import { asError, Banner, ENDED, FieldError, FormBanner, useView, when } from './view-kit';

interface Row extends Thresholds {
  scope: string;
  updated_by: string;
  updated_at: string | null;
}

const empty = (): Record<ThresholdKind, string> => Object.fromEntries(THRESHOLD_KINDS.map((k) => [k, ''])) as Record<ThresholdKind, string>;

/**
 * Alert thresholds: global ones, and a facility's own that override them field by field. An
 * empty field means no threshold (or, for a facility, the global one). Administrators and
 * compliance officers set them; the devices view marks what is over.
 */
export function ThresholdsView({ user, onEnded }: { user: User; onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ thresholds: Row[] }>('thresholds', onEnded);
  const facilities = useView<{ facilities: Facility[] }>('devices', onEnded).data?.facilities ?? [];
  const [scope, setScope] = useState('global');
  const [values, setValues] = useState(empty);
  const [formError, setFormError] = useState<ConsoleError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayEdit = user.role === 'administrator' || user.role === 'compliance_officer';
  const current = data?.thresholds.find((t) => t.scope === scope);
  // Until the stored thresholds arrive the form cannot be edited: they would replace what was
  // typed meanwhile, and a Save would send the typed values over ones never seen.
  const loading = data === null;

  // The form shows what is stored for the chosen scope.
  useEffect(() => {
    setValues(Object.fromEntries(THRESHOLD_KINDS.map((k) => [k, current?.[k] === null || current?.[k] === undefined ? '' : String(current[k])])) as Record<ThresholdKind, string>);
  }, [current]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setSaved(null);
    const body: Record<string, unknown> = { scope };
    for (const k of THRESHOLD_KINDS) {
      const v = values[k].trim();
      if (v !== '' && !/^\d+(\.\d+)?$/.test(v)) {
        setFormError({ code: 'BAD_REQUEST', message: 'A number of 0 or more, or empty for no threshold.', field: k });
        return;
      }
      body[k] = v === '' ? null : Number(v);
    }
    setBusy(true);
    try {
      await api('POST', 'thresholds', body);
      setSaved(`Thresholds for ${scope === 'global' ? 'every facility' : scope} saved.`);
      reload();
    } catch (err) {
      const x = asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setFormError(x);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="thresholds-title">
      <div className="panel-head">
        <h1 id="thresholds-title">Alert thresholds</h1>
      </div>
      <p className="panel-meta">A value above its threshold is marked in the devices view and counted in /metrics (rxledger_over_threshold). Empty: no threshold; a facility's empty field takes the global value.</p>
      <Banner error={error} testId="console-thresholds-error" />
      {saved ? (
        <div className="banner banner-ok" role="status" data-testid="console-thresholds-saved">
          {saved}
        </div>
      ) : null}
      <form className="console-form" onSubmit={submit} noValidate aria-busy={loading} data-testid="console-thresholds-form">
        <div className="field">
          <label className="field-label" htmlFor="threshold-scope">
            For
          </label>
          <select id="threshold-scope" value={scope} onChange={(e) => setScope(e.target.value)} disabled={busy}>
            <option value="global">Every facility (global)</option>
            {facilities.map((f) => (
              <option key={f.facility_id} value={f.facility_id}>
                {f.facility_id} — {f.name}
              </option>
            ))}
          </select>
        </div>
        <FormBanner error={formError} fields={[...THRESHOLD_KINDS]} testId="console-thresholds-form-error" />
        <div className="console-form-grid">
          {THRESHOLD_KINDS.map((k) => (
            <div className="field" key={k}>
              <label className="field-label" htmlFor={`threshold-${k}`}>
                {THRESHOLD_LABELS[k]}
              </label>
              <input
                id={`threshold-${k}`}
                inputMode="decimal"
                value={values[k]}
                onChange={(e) => setValues((v) => ({ ...v, [k]: e.target.value }))}
                disabled={busy || !mayEdit || loading}
                aria-invalid={formError?.field === k ? true : undefined}
              />
              <FieldError error={formError} field={k} testId={`threshold-${k}-error`} />
            </div>
          ))}
        </div>
        {mayEdit ? (
          <button type="submit" className="btn btn-primary" data-testid="console-thresholds-save" disabled={busy || loading}>
            Save thresholds
          </button>
        ) : (
          <p className="muted">An administrator or a compliance officer sets the thresholds.</p>
        )}
        {current ? (
          <p className="muted">
            Last set by {current.updated_by} at {when(current.updated_at)}.
          </p>
        ) : null}
      </form>
    </section>
  );
}
