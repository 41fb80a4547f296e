import { useRef, useState, type FormEvent } from 'react';
import type { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';
import { sessionStore, useAppInfo, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';

export function SignInScreen() {
  const notice = useSession((s) => s.notice);
  const facility = useAppInfo((s) => s.info);
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<RxError | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const userRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (userId.trim() === '') {
      userRef.current?.focus();
      return;
    }
    if (password === '') {
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await sessionStore.getState().signIn(userId.trim(), password);
    } catch (err) {
      // A wrong password is retyped, never edited: clear it and put the cursor back there.
      setError(asRxError(err));
      setPassword('');
      setBusy(false);
      requestAnimationFrame(() => passwordRef.current?.focus());
    }
  }

  return (
    <main className="auth-page" aria-labelledby="signin-title">
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1 id="signin-title">Sign in to RxLedger</h1>
        {facility ? (
          <p className="auth-facility" data-testid="signin-facility">
            {facility.facilityName ?? facility.facilityId}
          </p>
        ) : null}
        {notice ? (
          <div className="banner banner-info" role="status" data-testid="signin-notice">
            {notice}
          </div>
        ) : null}
        <ErrorBanner error={error} testId="signin-error" />
        <label className="field">
          <span className="field-label">User ID</span>
          <input
            ref={userRef}
            data-testid="signin-user"
            name="username"
            autoComplete="username"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            autoFocus
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            disabled={busy}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            ref={passwordRef}
            data-testid="signin-password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={busy}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="signin-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
