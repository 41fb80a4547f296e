import { useState, type FormEvent, type ReactNode } from 'react';
import { api, type ConsoleError, type Device, type User } from './api';
import { asError, Banner, ENDED, when } from './view-kit';

type DecisionProps = { device: Device; user: User; onCancel: () => void; onDone: (msg: string) => void; onEnded: (e: ConsoleError) => void };

/**
 * A signed decision on a workstation (clear or retire): a reason, the password given again, then
 * Sign. Both post `{reason, password}` to `devices/:id/<action>` and answer with the decision.
 */
function DeviceDecisionForm({
  action,
  title,
  explanation,
  reasonLabel,
  passwordLabel,
  signLabel,
  doneMessage,
  device,
  onCancel,
  onDone,
  onEnded,
}: DecisionProps & {
  action: 'clear' | 'retire';
  title: string;
  explanation: ReactNode;
  reasonLabel: string;
  passwordLabel: string;
  signLabel: string;
  doneMessage: (decision: { id: number; signed_at: string }) => string;
}) {
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ decision: { id: number; signed_at: string } }>('POST', `devices/${encodeURIComponent(device.device_id)}/${action}`, { reason, password });
      onDone(doneMessage(r.decision));
    } catch (err) {
      const x = asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setError(x);
      setPassword('');
      setBusy(false);
    }
  }
  return (
    <form className="console-decision" onSubmit={submit} aria-labelledby={`${action}-title`} data-testid={`console-${action}-form`}>
      <h2 id={`${action}-title`}>{title}</h2>
      {explanation}
      <Banner error={error} testId={`console-${action}-error`} />
      <div className="field">
        <label className="field-label" htmlFor={`${action}-reason`}>
          {reasonLabel}
        </label>
        <textarea id={`${action}-reason`} data-testid={`console-${action}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${action}-password`}>
          {passwordLabel}
        </label>
        <input
          id={`${action}-password`}
          data-testid={`console-${action}-password`}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          disabled={busy}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid={`console-${action}-sign`} disabled={busy || !reason.trim() || !password}>
          {signLabel}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The signed decision to let a blocked workstation push again, after the investigation. */
export function ClearForm(props: DecisionProps) {
  const { device, user } = props;
  return (
    <DeviceDecisionForm
      {...props}
      action="clear"
      title={`Clear workstation ${device.device_id}`}
      explanation={
        <>
          <p>
            Blocked because: <strong>{device.flag_reason ?? 'flagged'}</strong>
          </p>
          <p className="muted">Clear it only after the investigation: it will be allowed to push again. Your signature is your password, given again now; the decision is recorded with your name and reason.</p>
        </>
      }
      reasonLabel="Reason (what the investigation found)"
      passwordLabel={`Password of ${user.name}`}
      signLabel="Sign and clear"
      doneMessage={(d) => `Workstation ${device.device_id} cleared by ${user.name} at ${when(d.signed_at)} (decision ${d.id}). It may push again.`}
    />
  );
}

/** The signed decision to retire a workstation for good. */
export function RetireForm(props: DecisionProps) {
  const { device, user } = props;
  return (
    <DeviceDecisionForm
      {...props}
      action="retire"
      title={`Retire workstation ${device.device_id}`}
      explanation={
        <p className="muted">
          Retire a workstation that is lost, stolen, replaced or not to be trusted, after the investigation. It is final: the server refuses its pushes and pulls and it cannot enroll again. What it
          already sent stays in the ledger and in the reports. Your signature is your password, given again now.
        </p>
      }
      reasonLabel="Reason for retiring (what the investigation found)"
      passwordLabel={`Password of ${user.name} (to sign)`}
      signLabel="Sign and retire"
      doneMessage={(d) => `Workstation ${device.device_id} retired by ${user.name} at ${when(d.signed_at)} (decision ${d.id}). Its pushes and pulls are refused from now on; what it sent stays in the records.`}
    />
  );
}
