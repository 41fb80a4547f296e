import { useState, type FormEvent } from 'react';
import { api, type ConsoleError, type User } from './api';
import { asError, ENDED, FieldError, FormBanner } from './view-kit';

const FIELDS = ['current_password', 'new_password', 'repeat'];

/**
 * A user changes their own password: forced after an administrator set a temporary one (a new
 * account, a reset), or when they choose to. Refusals show beside their field.
 */
export function PasswordForm({ user, forced, onDone, onEnded }: { user: User; forced: boolean; onDone: () => void; onEnded: (e: ConsoleError) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next !== repeat) {
      setError({ code: 'BAD_REQUEST', message: 'The two new passwords differ: type the same one twice.', field: 'repeat' });
      return;
    }
    setBusy(true);
    try {
      await api('POST', 'passwd', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      onDone();
    } catch (err) {
      const x = asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setError(x);
      setCurrent('');
    } finally {
      setBusy(false);
    }
  }
  const invalid = (f: string) => (error?.field === f ? true : undefined);
  return (
    <form onSubmit={submit} noValidate aria-labelledby="passwd-title" data-testid="console-passwd-form">
      <h1 id="passwd-title">{forced ? 'Choose your own password' : 'Change my password'}</h1>
      <p className="auth-hint">
        {forced ? `${user.name}: an administrator set your password. Choose your own before you go on. ` : ''}At least 10 characters; a phrase is easier to remember than symbols.
      </p>
      {done ? (
        <div className="banner banner-ok" role="status" data-testid="console-passwd-done">
          Password changed.
        </div>
      ) : null}
      <FormBanner error={error} fields={FIELDS} testId="console-passwd-error" />
      <div className="field">
        <label className="field-label" htmlFor="passwd-current">
          Current password
        </label>
        <input id="passwd-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} disabled={busy} aria-invalid={invalid('current_password')} aria-describedby="passwd-current-error" />
        <FieldError error={error} field="current_password" testId="passwd-current-error" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="passwd-new">
          New password
        </label>
        <input id="passwd-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} disabled={busy} aria-invalid={invalid('new_password')} aria-describedby="passwd-new-error" />
        <FieldError error={error} field="new_password" testId="passwd-new-error" />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="passwd-repeat">
          New password again
        </label>
        <input id="passwd-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} disabled={busy} aria-invalid={invalid('repeat')} aria-describedby="passwd-repeat-error" />
        <FieldError error={error} field="repeat" testId="passwd-repeat-error" />
      </div>
      <button type="submit" className="btn btn-primary" data-testid="console-passwd-submit" disabled={busy || !current || !next || !repeat}>
        Change password
      </button>
    </form>
  );
}
