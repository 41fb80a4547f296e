import { useState, type FormEvent } from 'react';
import { api, type ConsoleError, type Device, type User } from './api';
import { asError, Banner, ENDED, when } from './view-kit';

/** The signed decision to retire a workstation for good: reason, password again, then Sign. */
export function RetireForm({ device, user, onCancel, onDone, onEnded }: { device: Device; user: User; onCancel: () => void; onDone: (msg: string) => void; onEnded: (e: ConsoleError) => void }) {
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ decision: { id: number; signed_at: string } }>('POST', `devices/${encodeURIComponent(device.device_id)}/retire`, { reason, password });
      onDone(`Workstation ${device.device_id} retired by ${user.name} at ${when(r.decision.signed_at)} (decision ${r.decision.id}). Its pushes and pulls are refused from now on; what it sent stays in the records.`);
    } catch (err) {
      const x = asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setError(x);
      setPassword('');
      setBusy(false);
    }
  }
  return (
    <form className="console-decision" onSubmit={submit} aria-labelledby="retire-title" data-testid="console-retire-form">
      <h2 id="retire-title">Retire workstation {device.device_id}</h2>
      <p className="muted">
        Retire a workstation that is lost, stolen, replaced or not to be trusted, after the investigation. It is final: the server refuses its pushes and pulls and it cannot enroll again. What it
        already sent stays in the ledger and in the reports. Your signature is your password, given again now.
      </p>
      <Banner error={error} testId="console-retire-error" />
      <div className="field">
        <label className="field-label" htmlFor="retire-reason">
          Reason for retiring (what the investigation found)
        </label>
        <textarea id="retire-reason" data-testid="console-retire-reason" value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="retire-password">
          Password of {user.name} (to sign)
        </label>
        <input id="retire-password" data-testid="console-retire-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={busy} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="console-retire-sign" disabled={busy || !reason.trim() || !password}>
          Sign and retire
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
