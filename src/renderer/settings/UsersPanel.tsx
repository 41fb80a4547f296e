import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../shared/domain/roles';
import type { ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { asRxError } from '../state/session-store';
import { FieldError, focusProblemField, invalidProps } from '../ui/FieldError';

type UserRow = ChannelOutput<'users.list'>['users'][number];
type Field = 'userId' | 'name' | 'role' | 'password';

const ROLE_LABEL: Record<Role, string> = { technician: 'Technician', pharmacist: 'Pharmacist', manager: 'Manager', admin: 'Administrator' };

/** "userId: …" from the workstation's refusal, for the field it names. */
function fieldOf(message: string): { field: Field | null; text: string } {
  const m = /^(userId|name|role|password): (.*)$/s.exec(message);
  return m ? { field: m[1] as Field, text: m[2]! } : { field: null, text: message };
}

/**
 * Users, for an administrator at the counter rather than at a terminal: who may sign in, add a
 * person (the password set here must be changed at their first sign-in), reset a forgotten
 * password, disable someone who left. Every change is in the audit trail.
 */
export function UsersPanel() {
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [form, setForm] = useState({ userId: '', name: '', role: 'technician' as Role, password: '' });
  const [problem, setProblem] = useState<{ field: Field | null; text: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refs = { userId: useRef<HTMLInputElement>(null), name: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };

  const load = useCallback(async () => {
    try {
      setUsers((await invoke('users.list', {})).users);
    } catch (err) {
      setProblem({ field: null, text: asRxError(err).message });
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function act(fn: () => Promise<unknown>, said: string) {
    setProblem(null);
    setDone(null);
    try {
      await fn();
      setDone(said);
      await load();
      return true;
    } catch (err) {
      const p = fieldOf(asRxError(err).message);
      setProblem(p);
      if (p.field && p.field !== 'role') focusProblemField(refs[p.field].current);
      return false;
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    const ok = await act(() => invoke('users.add', form), `Added ${form.userId.trim()}: they choose their own password at the first sign-in.`);
    if (ok) setForm({ userId: '', name: '', role: 'technician', password: '' });
  }

  const at = (f: Field) => (problem?.field === f ? problem.text : null);
  const input = (f: 'userId' | 'name' | 'password', label: string, type = 'text') => (
    <div className="field">
      <label className="field-label" htmlFor={`users-${f}`}>
        {label}
      </label>
      <input id={`users-${f}`} ref={refs[f]} type={type} autoComplete="off" value={form[f]} onChange={(e) => setForm((x) => ({ ...x, [f]: e.target.value }))} data-testid={`users-${f}`} {...invalidProps(`users-${f}`, at(f))} />
      <FieldError fieldId={`users-${f}`} problem={at(f)} testId={`users-${f}-problem`} />
    </div>
  );

  return (
    <div data-testid="users-panel">
      <h2>Users</h2>
      {users ? (
        <table className="ledger-table" data-testid="users-table">
          <thead>
            <tr>
              <th>User ID</th>
              <th>Name</th>
              <th>Role</th>
              <th>State</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.user_id} data-testid="users-row" data-user={u.user_id}>
                <td className="mono">{u.user_id}</td>
                <td>{u.name}</td>
                <td>{ROLE_LABEL[u.role]}</td>
                <td>{u.disabled ? 'Disabled' : u.must_change_password ? 'Must choose a password' : 'Active'}</td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    data-testid="users-reset"
                    onClick={() => {
                      const pw = window.prompt(`A temporary password for ${u.user_id} (at least 10 characters; they must change it at the next sign-in):`);
                      if (pw) void act(() => invoke('users.resetPassword', { userId: u.user_id, password: pw }), `${u.user_id} must choose a new password at the next sign-in.`);
                    }}
                  >
                    Reset password
                  </button>{' '}
                  <button type="button" className="btn" data-testid="users-disable" onClick={() => void act(() => invoke('users.setDisabled', { userId: u.user_id, disabled: !u.disabled }), `${u.user_id} ${u.disabled ? 'enabled' : 'disabled'}.`)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Loading…</p>
      )}
      <form onSubmit={(e) => void add(e)} aria-label="Add a user" data-testid="users-add-form">
        <h3>Add a user</h3>
        {input('userId', 'User ID (2–32 lowercase letters, digits, . _ -)')}
        {input('name', 'Full name, as printed with signatures (e.g. "Pat Lee, RPh")')}
        <div className="field">
          <label className="field-label" htmlFor="users-role">
            Role
          </label>
          <select id="users-role" value={form.role} onChange={(e) => setForm((x) => ({ ...x, role: e.target.value as Role }))} data-testid="users-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        {input('password', 'Temporary password (they change it at the first sign-in)', 'password')}
        <button type="submit" className="btn btn-primary" data-testid="users-add">
          Add user
        </button>
      </form>
      {problem && problem.field === null ? (
        <p className="field-problem" role="alert" data-testid="users-problem">
          {problem.text}
        </p>
      ) : null}
      {done ? (
        <p className="muted" role="status" data-testid="users-done">
          {done}
        </p>
      ) : null}
    </div>
  );
}
