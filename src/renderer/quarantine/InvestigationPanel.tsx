import { useEffect, useId, useState, type FormEvent } from 'react';
import type { RxError } from '../../shared/ipc/contract';
import type { InvestigationView } from '../../shared/ipc/quarantine-channels';
import { checkStep, STEP_LABELS, type FieldProblem, type InvestigationStepKind } from '../../shared/quarantine/plain';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { focusProblemField } from '../ui/FieldError';
import { fieldOfMessage } from './quarantine-view';

type Field = FieldProblem['field'] | 'password';
type Problems = Partial<Record<Field, string>>;

const STATE_TEXT: Record<InvestigationView['state'], string> = {
  none: 'Not investigated yet. The units never entered stock and cannot be sold.',
  investigating: 'Under investigation. The units never entered stock and cannot be sold.',
  cleared: 'Cleared as legitimate. Replay it into stock, or reject it if it was a double scan.',
  illegitimate: 'Found illegitimate. FDA and the trading partners were notified; the item is rejected and never enters stock.',
};

/** The browser's local date; the workstation checks again in the facility's zone. */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * DSCSA suspect-product investigation (21 USC 360eee-1(d)): the signed steps so far, and a form
 * for the next one — a finding, clear, or illegitimate with the FDA Form 3911 and
 * trading-partner notice dates. Each is signed with the pharmacist's user ID and password.
 */
export function InvestigationPanel({ id, onChanged }: { id: number; onChanged: () => void }) {
  const me = useSession((s) => s.session?.userId ?? '');
  const base = useId();
  const [view, setView] = useState<InvestigationView | null>(null);
  const [step, setStep] = useState<InvestigationStepKind>('finding');
  const [note, setNote] = useState('');
  const [fda, setFda] = useState('');
  const [partner, setPartner] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<RxError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    invoke('quarantine.investigation', { id })
      .then((v) => live && setView(v))
      .catch((err) => live && setError(asRxError(err)));
    return () => {
      live = false;
    };
  }, [id]);

  async function sign(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    setError(null);
    const local = checkStep({ step, note, fda3911Date: fda, partnerNoticeDate: partner }, localToday(), '0000-01-01');
    const next: Problems = Object.fromEntries(local.map((p) => [p.field, p.message]));
    if (!password) next.password = 'Password: sign with your password (21 CFR Part 11 §11.200).';
    setProblems(next);
    if (Object.keys(next).length) {
      focusProblemField(document.getElementById(`${base}-${Object.keys(next)[0]}`));
      return;
    }
    setBusy(true);
    try {
      const v = await invoke('quarantine.investigate', { id, step, note, fda3911Date: step === 'illegitimate' ? fda : null, partnerNoticeDate: step === 'illegitimate' ? partner : null, userId: me, password });
      setView(v);
      setNote('');
      setPassword('');
      setDone(step === 'finding' ? 'Investigation step signed and recorded.' : step === 'cleared' ? 'Cleared: the item can now be replayed or rejected.' : 'Marked illegitimate and rejected.');
      onChanged();
    } catch (err) {
      const rx = asRxError(err);
      const field = fieldOfMessage(rx.message);
      setPassword('');
      if (field) {
        setProblems({ [field]: rx.message });
        focusProblemField(document.getElementById(`${base}-${field}`));
      } else setError(rx);
    } finally {
      setBusy(false);
    }
  }

  const problem = (f: Field) =>
    problems[f] ? (
      <span className="field-problem" id={`${base}-${f}-problem`} role="alert" data-testid={`investigation-${f}-problem`}>
        {problems[f]}
      </span>
    ) : null;
  const invalid = (f: Field) => ({ id: `${base}-${f}`, 'aria-invalid': problems[f] ? true : undefined, 'aria-describedby': problems[f] ? `${base}-${f}-problem` : undefined });
  const concluded = view?.state === 'cleared' || view?.state === 'illegitimate';

  return (
    <section className="q-investigation" aria-labelledby={`${base}-title`} data-testid="investigation">
      <h3 id={`${base}-title`}>DSCSA suspect product — investigation</h3>
      {view ? (
        <p className={`q-state q-state-${view.state}`} data-testid="investigation-state" data-state={view.state}>
          {STATE_TEXT[view.state]}
        </p>
      ) : null}
      {view?.steps.length ? (
        <ol className="q-steps" data-testid="investigation-steps">
          {view.steps.map((s) => (
            <li key={s.id}>
              <strong>{STEP_LABELS[s.step]}</strong> — {formatLocalDateTime(s.signed_at)}, signed by {s.printed_name} ({s.signed_by}), responsibility
              <div>{s.note}</div>
              {s.step === 'illegitimate' ? (
                <div>
                  FDA Form 3911 sent {s.fda_3911_date}; trading partners notified {s.partner_notice_date}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      <ErrorBanner error={error} testId="investigation-error" />
      {done ? (
        <p className="banner banner-ok" role="status" data-testid="investigation-done">
          {done}
        </p>
      ) : null}
      {view && !concluded ? (
        <form onSubmit={(e) => void sign(e)} aria-label="Sign an investigation step" noValidate>
          <fieldset className="q-step-choice">
            <legend>Step</legend>
            {(['finding', 'cleared', 'illegitimate'] as const).map((k) => (
              <label key={k} className="q-radio">
                <input type="radio" name={`${base}-step`} value={k} checked={step === k} onChange={() => setStep(k)} data-testid={`investigation-step-${k}`} />
                {k === 'finding' ? 'Record what was checked' : k === 'cleared' ? 'Clear — legitimate' : 'Illegitimate — notify FDA and partners'}
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span className="field-label">What was found</span>
            <textarea rows={3} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} data-testid="investigation-note" {...invalid('note')} />
            {problem('note')}
          </label>
          {step === 'illegitimate' ? (
            <div className="q-dates">
              <label className="field">
                <span className="field-label">FDA Form 3911 notification date</span>
                <input type="date" value={fda} max={localToday()} onChange={(e) => setFda(e.target.value)} data-testid="investigation-fda3911" {...invalid('fda3911Date')} />
                {problem('fda3911Date')}
              </label>
              <label className="field">
                <span className="field-label">Trading-partner notice date</span>
                <input type="date" value={partner} max={localToday()} onChange={(e) => setPartner(e.target.value)} data-testid="investigation-partner" {...invalid('partnerNoticeDate')} />
                {problem('partnerNoticeDate')}
              </label>
            </div>
          ) : null}
          <div className="q-sign">
            <label className="field">
              <span className="field-label">Pharmacist</span>
              <input value={me} readOnly aria-readonly="true" data-testid="investigation-user" />
            </label>
            <label className="field">
              <span className="field-label">Password</span>
              <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="investigation-password" {...invalid('password')} />
              {problem('password')}
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="investigation-sign">
              Sign {step === 'finding' ? 'step' : step === 'cleared' ? 'clearance' : 'illegitimate'}
            </button>
          </div>
          <p className="muted">Signing means: I am responsible for this step (21 CFR Part 11 §11.50).</p>
        </form>
      ) : null}
    </section>
  );
}
