import { useState, type FormEvent } from 'react';
import { api, type ConsoleError, type EnrollmentCodeRow, type Facility, type User } from './api';
import { asError, Banner, ENDED, FieldError, FormBanner, useView, when } from './view-kit';

interface Made {
  code: string;
  code_id: string;
  facility_id: string;
  expires_at: string;
}

const STATUS: Record<EnrollmentCodeRow['status'], string> = { unused: 'Unused', used: 'Used', expired: 'Expired' };

/**
 * Enrollment codes: an administrator makes one for a facility (shown once, with its expiry);
 * everyone sees the list — unused, used or expired — which never shows a secret.
 */
export function EnrollmentCodesView({ user, onEnded }: { user: User; onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ codes: EnrollmentCodeRow[] }>('enrollment-codes', onEnded);
  const facilities = useView<{ facilities: Facility[] }>('devices', onEnded).data?.facilities ?? [];
  const [facility, setFacility] = useState('');
  const [hours, setHours] = useState('72');
  const [made, setMade] = useState<Made | null>(null);
  const [formError, setFormError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  const isAdmin = user.role === 'administrator';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFormError(null);
    setMade(null);
    try {
      const n = Number(hours);
      if (!/^\d+$/.test(hours.trim())) throw Object.assign(new Error(), { console: { code: 'BAD_REQUEST', message: 'Hours: a whole number of hours, 1 to 720.', field: 'expires_in_hours' } });
      setMade(await api<Made>('POST', 'enrollment-codes', { facility_id: facility, expires_in_hours: n }));
      reload();
    } catch (err) {
      const x = (err as { console?: ConsoleError }).console ?? asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setFormError(x);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="codes-title">
      <div className="panel-head">
        <h1 id="codes-title">Enrollment codes</h1>
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      {isAdmin ? (
        <form className="console-form" onSubmit={submit} noValidate data-testid="console-code-form">
          <h2>Make a code for a new workstation</h2>
          <p className="muted">A code enrolls one workstation into its facility, once. Give it to the store's manager, who types it at enrollment. It is shown only now.</p>
          <FormBanner error={formError} fields={['facility_id', 'expires_in_hours']} testId="console-code-error" />
          <div className="console-form-row">
            <div className="field">
              <label className="field-label" htmlFor="code-facility">
                Facility
              </label>
              <select id="code-facility" value={facility} onChange={(e) => setFacility(e.target.value)} disabled={busy} aria-invalid={formError?.field === 'facility_id' ? true : undefined}>
                <option value="">Choose a facility…</option>
                {facilities.map((f) => (
                  <option key={f.facility_id} value={f.facility_id}>
                    {f.facility_id} — {f.name}
                  </option>
                ))}
              </select>
              <FieldError error={formError} field="facility_id" testId="code-facility-error" />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="code-hours">
                Valid for (hours)
              </label>
              <input id="code-hours" inputMode="numeric" value={hours} onChange={(e) => setHours(e.target.value)} disabled={busy} aria-invalid={formError?.field === 'expires_in_hours' ? true : undefined} />
              <FieldError error={formError} field="expires_in_hours" testId="code-hours-error" />
            </div>
          </div>
          <button type="submit" className="btn btn-primary" data-testid="console-code-make" disabled={busy || !facility}>
            Make code
          </button>
        </form>
      ) : (
        <p className="muted">An administrator makes enrollment codes.</p>
      )}
      {made ? (
        <div className="banner banner-ok console-code-made" role="status" data-testid="console-code-made">
          <p>
            Code for <strong>{made.facility_id}</strong>, valid until <strong>{when(made.expires_at)}</strong>, single use:
          </p>
          <p className="mono console-code" data-testid="console-code-value">
            {made.code}
          </p>
          <p>Copy it now: it is not shown again (the server keeps only a hash of its secret half).</p>
        </div>
      ) : null}
      <Banner error={error} testId="console-codes-error" />
      {data && data.codes.length === 0 ? <p className="empty">No enrollment code was made yet.</p> : null}
      {data && data.codes.length > 0 ? (
        <div className="table-scroll">
          <table className="ledger-table" data-testid="console-codes">
            <thead>
              <tr>
                <th scope="col">Code ID</th>
                <th scope="col">Facility</th>
                <th scope="col">State</th>
                <th scope="col">Made</th>
                <th scope="col">By</th>
                <th scope="col">Expires</th>
                <th scope="col">Used by</th>
              </tr>
            </thead>
            <tbody>
              {data.codes.map((c) => (
                <tr key={c.code_id} data-testid={`console-code-${c.code_id}`} data-status={c.status}>
                  <td className="mono">{c.code_id}-…</td>
                  <td className="mono">{c.facility_id}</td>
                  <td>{STATUS[c.status]}</td>
                  <td>{when(c.created_at)}</td>
                  <td>{c.created_by}</td>
                  <td>{when(c.expires_at)}</td>
                  <td className="mono">{c.used_by_device ? `${c.used_by_device} (${when(c.used_at)})` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
