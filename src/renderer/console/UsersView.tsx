import { useState, type FormEvent } from 'react';
import { api, ROLE_NAMES, type ConsoleError, type ConsoleUserRow, type Role, type User } from './api';
import { asError, Banner, ENDED, FieldError, FormBanner, useView, when } from './view-kit';

const ADD_FIELDS = ['user_id', 'name', 'role', 'password'];

/**
 * Console users, for administrators: add one with a temporary password, reset a password, disable
 * or enable an account. A temporary password must be changed at the next sign-in; a disabled user's
 * sessions end at once. Refusals show beside their field.
 */
export function UsersView({ user, onEnded }: { user: User; onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ users: ConsoleUserRow[] }>('users', onEnded);
  const [form, setForm] = useState({ user_id: '', name: '', role: 'regional_manager' as Role, password: '' });
  const [formError, setFormError] = useState<ConsoleError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const [resetPw, setResetPw] = useState('');
  const [rowError, setRowError] = useState<ConsoleError | null>(null);

  const fail = (err: unknown, set: (e: ConsoleError) => void) => {
    const x = asError(err);
    if (ENDED.has(x.code)) onEnded(x);
    else set(x);
  };

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFormError(null);
    setDone(null);
    try {
      await api('POST', 'users', { ...form, user_id: form.user_id.trim() });
      setDone(`${form.name} (${form.user_id}) added as ${ROLE_NAMES[form.role]}. Give them the temporary password; they choose their own at the first sign-in.`);
      setForm({ user_id: '', name: '', role: 'regional_manager', password: '' });
      reload();
    } catch (err) {
      fail(err, setFormError);
    } finally {
      setBusy(false);
    }
  }

  async function act(target: ConsoleUserRow, what: 'disable' | 'enable' | 'reset-password') {
    setBusy(true);
    setRowError(null);
    setDone(null);
    try {
      await api('POST', `users/${encodeURIComponent(target.user_id)}/${what}`, what === 'reset-password' ? { password: resetPw } : {});
      setDone(
        what === 'disable'
          ? `${target.name} is disabled: they cannot sign in, and their sessions ended.`
          : what === 'enable'
            ? `${target.name} may sign in again.`
            : `${target.name}'s password was reset; they choose their own at the next sign-in. Their sessions ended.`,
      );
      setResetting(null);
      setResetPw('');
      reload();
    } catch (err) {
      fail(err, setRowError);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const bad = (f: string) => (formError?.field === f ? true : undefined);
  return (
    <section className="panel" aria-labelledby="users-title">
      <div className="panel-head">
        <h1 id="users-title">Console users</h1>
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      <Banner error={error} testId="console-users-error" />
      {done ? (
        <div className="banner banner-ok" role="status" data-testid="console-users-done">
          {done}
        </div>
      ) : null}
      <form className="console-form" onSubmit={add} noValidate data-testid="console-user-add">
        <h2>Add a user</h2>
        <FormBanner error={formError} fields={ADD_FIELDS} testId="console-user-add-error" />
        <div className="console-form-grid">
          <div className="field">
            <label className="field-label" htmlFor="user-id">
              User ID
            </label>
            <input id="user-id" autoCapitalize="off" spellCheck={false} value={form.user_id} onChange={set('user_id')} disabled={busy} aria-invalid={bad('user_id')} />
            <FieldError error={formError} field="user_id" testId="user-id-error" />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="user-name">
              Printed name
            </label>
            <input id="user-name" value={form.name} onChange={set('name')} disabled={busy} aria-invalid={bad('name')} />
            <FieldError error={formError} field="name" testId="user-name-error" />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="user-role">
              Role
            </label>
            <select id="user-role" value={form.role} onChange={set('role')} disabled={busy}>
              {(Object.keys(ROLE_NAMES) as Role[]).map((r) => (
                <option key={r} value={r}>
                  {ROLE_NAMES[r]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="user-password">
              Temporary password
            </label>
            <input id="user-password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} disabled={busy} aria-invalid={bad('password')} />
            <FieldError error={formError} field="password" testId="user-password-error" />
          </div>
        </div>
        <button type="submit" className="btn btn-primary" data-testid="console-user-add-submit" disabled={busy || !form.user_id || !form.name || !form.password}>
          Add user
        </button>
      </form>
      <Banner error={rowError} testId="console-user-row-error" />
      {data ? (
        <div className="table-scroll">
          <table className="ledger-table" data-testid="console-users">
            <thead>
              <tr>
                <th scope="col">User ID</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Password changed</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.users.map((u) => (
                <tr key={u.user_id} data-testid={`console-user-${u.user_id}`} data-disabled={u.disabled ? 'true' : 'false'}>
                  <td className="mono">{u.user_id}</td>
                  <td>{u.name}</td>
                  <td>{ROLE_NAMES[u.role]}</td>
                  <td>{u.disabled ? 'Disabled' : u.locked_until ? `Locked until ${when(u.locked_until)}` : u.must_change_password ? 'Must choose a password' : 'Active'}</td>
                  <td>{u.password_changed_at ? when(u.password_changed_at) : '—'}</td>
                  <td>
                    <div className="console-actions">
                    {resetting === u.user_id ? (
                      <form
                        className="console-inline"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void act(u, 'reset-password');
                        }}
                      >
                        <label className="sr-only" htmlFor={`reset-${u.user_id}`}>
                          Temporary password for {u.user_id}
                        </label>
                        <input id={`reset-${u.user_id}`} type="password" autoComplete="new-password" placeholder="Temporary password" value={resetPw} onChange={(e) => setResetPw(e.target.value)} disabled={busy} />
                        <button type="submit" className="btn btn-small btn-primary" data-testid={`console-user-reset-save-${u.user_id}`} disabled={busy || !resetPw}>
                          Set
                        </button>
                        <button type="button" className="btn btn-small" onClick={() => setResetting(null)} disabled={busy}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      <button type="button" className="btn btn-small" data-testid={`console-user-reset-${u.user_id}`} onClick={() => { setRowError(null); setResetPw(''); setResetting(u.user_id); }} disabled={busy}>
                        Reset password…
                      </button>
                    )}
                    {u.user_id !== user.user_id ? (
                      <button type="button" className="btn btn-small" data-testid={`console-user-${u.disabled ? 'enable' : 'disable'}-${u.user_id}`} onClick={() => void act(u, u.disabled ? 'enable' : 'disable')} disabled={busy}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
