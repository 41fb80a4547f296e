import { useState, type FormEvent } from 'react';
import { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';
import { sessionStore, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';

/** The server enforces this too; checking here saves a round trip and a confusing retype. */
const MIN_LENGTH = 10;

export function ChangePasswordScreen() {
  const name = useSession((s) => s.session?.name ?? '');
  const userId = useSession((s) => s.session?.userId ?? '');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<RxError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (next.length < MIN_LENGTH) return setError(new RxError('WEAK_PASSWORD', `The new password must be at least ${MIN_LENGTH} characters long.`));
    if (next !== repeat) return setError(new RxError('BAD_INPUT', 'The two new passwords are not the same. Type them again.'));
    setBusy(true);
    setError(null);
    try {
      await sessionStore.getState().changePassword(current, next);
    } catch (err) {
      setError(asRxError(err));
      setBusy(false);
    }
  }

  async function signOut() {
    try {
      await sessionStore.getState().signOut();
    } catch (err) {
      setError(asRxError(err));
    }
  }

  return (
    <main className="auth-page" aria-labelledby="pw-title">
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1 id="pw-title">Choose a new password</h1>
        <p className="auth-hint">
          {name ? `${name}, your` : 'Your'} password must be changed before you continue. Use at least {MIN_LENGTH} characters.
        </p>
        <ErrorBanner error={error} testId="pw-error" />
        {/* Lets password managers file the new password under the right user. */}
        <input type="text" name="username" autoComplete="username" value={userId} readOnly hidden />
        <label className="field">
          <span className="field-label">Current password</span>
          <input data-testid="pw-current" type="password" autoComplete="current-password" autoFocus value={current} onChange={(e) => setCurrent(e.target.value)} disabled={busy} />
        </label>
        <label className="field">
          <span className="field-label">New password</span>
          <input data-testid="pw-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} disabled={busy} />
        </label>
        <label className="field">
          <span className="field-label">Repeat new password</span>
          <input data-testid="pw-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} disabled={busy} />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="pw-submit" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
          <button type="button" className="btn" data-testid="sign-out" onClick={signOut} disabled={busy}>
            Sign out
          </button>
        </div>
      </form>
    </main>
  );
}
