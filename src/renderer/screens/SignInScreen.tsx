import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';
import { navStore, sessionStore, useAppInfo, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';

/** Refusals about the user ID and password, said beside the password; anything else (service down) in the banner. */
const CREDENTIAL_CODES = new Set(['BAD_CREDENTIALS', 'LOCKED', 'DISABLED']);

export function SignInScreen() {
  const notice = useSession((s) => s.notice);
  const facility = useAppInfo((s) => s.info);
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [userProblem, setUserProblem] = useState<string | null>(null);
  const [passwordProblem, setPasswordProblem] = useState<string | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const userRef = useRef<HTMLInputElement>(null);
  /** Bumped after a refusal: the password field is focused once it is enabled again (after render). */
  const [refocus, setRefocus] = useState(0);

  useEffect(() => {
    if (refocus) focusProblemField(passwordRef.current);
  }, [refocus]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (userId.trim() === '') {
      setUserProblem('Enter your user ID.');
      setPasswordProblem(null);
      focusProblemField(userRef.current);
      return;
    }
    setUserProblem(null);
    if (password === '') {
      setPasswordProblem('Enter your password.');
      focusProblemField(passwordRef.current);
      return;
    }
    setBusy(true);
    setPasswordProblem(null);
    try {
      // A new sign-in starts on the role's home screen, not where this user was last time.
      navStore.getState().forget(userId.trim());
      await sessionStore.getState().signIn(userId.trim(), password);
    } catch (err) {
      const rx = asRxError(err);
      // A wrong password is retyped, never edited: cleared, with the reason said beside it and
      // the cursor put back there.
      if (CREDENTIAL_CODES.has(rx.code)) setPasswordProblem(rx.message);
      else setError(rx);
      setPassword('');
      setBusy(false);
      setRefocus((n) => n + 1);
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
        <ErrorBanner error={error} testId="signin-service-error" />
        <div className="field">
          <label className="field-label" htmlFor="signin-user">
            User ID
          </label>
          <input
            id="signin-user"
            ref={userRef}
            data-testid="signin-user"
            name="username"
            autoComplete="username"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            autoFocus
            value={userId}
            onChange={(e) => {
              setUserId(e.target.value);
              setUserProblem(null);
            }}
            disabled={busy}
            {...invalidProps('signin-user', userProblem)}
          />
          <FieldError fieldId="signin-user" problem={userProblem} testId="signin-user-problem" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="signin-password">
            Password
          </label>
          <input
            id="signin-password"
            ref={passwordRef}
            data-testid="signin-password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={busy}
            {...invalidProps('signin-password', passwordProblem)}
          />
          <FieldError fieldId="signin-password" problem={passwordProblem} testId="signin-error" />
        </div>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="signin-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
