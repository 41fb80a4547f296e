import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ConsoleRequestError, ROLE_NAMES, type ConsoleError, type Device, type Facility, type Hold, type StockRow, type User } from './api';
import { ReportsView } from './ReportsView';

type View = 'devices' | 'holds' | 'stock' | 'reports';
const VIEWS: { id: View; label: string }[] = [
  { id: 'devices', label: 'Devices' },
  { id: 'holds', label: 'Holds' },
  { id: 'stock', label: 'Stock' },
  { id: 'reports', label: 'Reports' },
];

const asError = (e: unknown): ConsoleError => (e instanceof ConsoleRequestError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String(e) });
const ENDED = new Set(['NOT_SIGNED_IN', 'SESSION_ENDED']);

function Banner({ error, testId }: { error: ConsoleError | null; testId: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId} data-code={error.code}>
      <span className="banner-text">{error.message}</span>
    </div>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');
function ago(seconds: number | null): string {
  if (seconds === null) return 'never pushed';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** The central office's console: sign in, then devices, holds and stock across facilities. */
export function ConsoleApp() {
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api<{ user: User }>('GET', 'me')
      .then((r) => setUser(r.user))
      .catch(() => setUser(null))
      .finally(() => setChecked(true));
  }, []);

  // The server ends an idle session; any refusal saying so brings the sign-in back.
  const onEnded = useCallback((e: ConsoleError) => {
    setUser(null);
    setNotice(e.message);
  }, []);

  if (!checked) return null;
  return (
    <div className="app">
      {user ? (
        <Signed
          user={user}
          onEnded={onEnded}
          onSignOut={() => {
            void api('POST', 'sign-out').finally(() => setUser(null));
          }}
        />
      ) : (
        <SignIn notice={notice} onSignedIn={(u) => { setNotice(null); setUser(u); }} />
      )}
    </div>
  );
}

function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (u: User) => void }) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn((await api<{ user: User }>('POST', 'sign-in', { user: userId.trim(), password })).user);
    } catch (err) {
      setError(asError(err));
      setPassword('');
      setBusy(false);
    }
  }
  return (
    <main className="auth-page" aria-labelledby="console-signin-title">
      <form className="auth-card" onSubmit={submit} noValidate>
        <h1 id="console-signin-title">RxLedger central console</h1>
        <p className="auth-hint">For the central office: administrators, compliance officers and regional managers.</p>
        {notice ? (
          <div className="banner banner-info" role="status" data-testid="console-notice">
            {notice}
          </div>
        ) : null}
        <Banner error={error} testId="console-signin-error" />
        <div className="field">
          <label className="field-label" htmlFor="console-user">
            User ID
          </label>
          <input id="console-user" data-testid="console-user" autoComplete="username" autoCapitalize="off" spellCheck={false} autoFocus value={userId} onChange={(e) => setUserId(e.target.value)} disabled={busy} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="console-password">
            Password
          </label>
          <input id="console-password" data-testid="console-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={busy} />
        </div>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="console-signin-submit" disabled={busy || !userId || !password}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function Signed({ user, onEnded, onSignOut }: { user: User; onEnded: (e: ConsoleError) => void; onSignOut: () => void }) {
  const [view, setView] = useState<View>('devices');
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">RxLedger central</span>
        <nav aria-label="Console views">
          <ul className="nav-list">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <button type="button" className="nav-item" aria-current={view === v.id ? 'page' : undefined} data-testid={`console-nav-${v.id}`} onClick={() => setView(v.id)}>
                  {v.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <span className="console-user" data-testid="console-whoami">
          {user.name} · {ROLE_NAMES[user.role]}
        </span>
        <button type="button" className="btn btn-signout" onClick={onSignOut} data-testid="console-signout">
          Sign out
        </button>
      </header>
      <div className="app-body">
        <main className="screen">
          {view === 'devices' ? <DevicesView user={user} onEnded={onEnded} /> : view === 'holds' ? <HoldsView onEnded={onEnded} /> : view === 'reports' ? <ReportsView onEnded={onEnded} /> : <StockView onEnded={onEnded} />}
        </main>
      </div>
    </div>
  );
}

/** Loads a view's data; a refusal that ends the session goes up, any other is shown in place. */
function useView<T>(path: string, onEnded: (e: ConsoleError) => void): { data: T | null; error: ConsoleError | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ConsoleError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    api<T>('GET', path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => {
        const err = asError(e);
        if (ENDED.has(err.code)) onEnded(err);
        else if (live) setError(err);
      });
    return () => {
      live = false;
    };
  }, [path, n, onEnded]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

function DevicesView({ user, onEnded }: { user: User; onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ facilities: Facility[] }>('devices', onEnded);
  const [clearing, setClearing] = useState<Device | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mayDecide = user.role === 'administrator' || user.role === 'compliance_officer';
  return (
    <section className="panel" aria-labelledby="devices-title">
      <div className="panel-head">
        <h1 id="devices-title">Workstations by facility</h1>
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      <Banner error={error} testId="console-devices-error" />
      {done ? (
        <div className="banner banner-ok" role="status" data-testid="console-clear-done">
          {done}
        </div>
      ) : null}
      {clearing ? (
        <ClearForm
          device={clearing}
          user={user}
          onCancel={() => setClearing(null)}
          onEnded={onEnded}
          onDone={(msg) => {
            setClearing(null);
            setDone(msg);
            reload();
          }}
        />
      ) : null}
      {data?.facilities.map((f) => (
        <div className="console-section" key={f.facility_id} data-testid={`console-facility-${f.facility_id}`}>
          <h2>
            {f.name} <span className="mono muted">{f.facility_id}</span>
          </h2>
          {f.devices.length === 0 ? (
            <p className="muted">No workstation enrolled.</p>
          ) : (
            <table className="ledger-table">
              <thead>
                <tr>
                  <th scope="col">Workstation</th>
                  <th scope="col">Last sync</th>
                  <th scope="col" className="num">Entries accepted</th>
                  <th scope="col" className="num">Behind</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.devices.map((d) => (
                  <tr key={d.device_id} data-testid={`console-device-${d.device_id}`} data-flagged={d.flagged ? 'true' : 'false'}>
                    <td className="mono">{d.device_id}</td>
                    <td title={when(d.last_push_at)}>{ago(d.seconds_since_push)}</td>
                    <td className="num">{d.head_seq}</td>
                    <td className="num">{d.entries_behind}</td>
                    <td className="console-reason">
                      {d.flagged ? <span className="console-state-blocked">Blocked: {d.flag_reason ?? 'flagged'}</span> : <span className="console-state-ok">Accepted: not blocked</span>}
                    </td>
                    <td>
                      {d.flagged && mayDecide ? (
                        <button type="button" className="btn" data-testid={`console-clear-${d.device_id}`} onClick={() => { setDone(null); setClearing(d); }}>
                          Clear…
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {data && !mayDecide && data.facilities.some((f) => f.devices.some((d) => d.flagged)) ? (
        <p className="muted">An administrator or a compliance officer clears a blocked workstation after the investigation.</p>
      ) : null}
    </section>
  );
}

function ClearForm({ device, user, onCancel, onDone, onEnded }: { device: Device; user: User; onCancel: () => void; onDone: (msg: string) => void; onEnded: (e: ConsoleError) => void }) {
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ decision: { id: number; signed_at: string } }>('POST', `devices/${encodeURIComponent(device.device_id)}/clear`, { reason, password });
      onDone(`Workstation ${device.device_id} cleared by ${user.name} at ${when(r.decision.signed_at)} (decision ${r.decision.id}). It may push again.`);
    } catch (err) {
      const x = asError(err);
      if (ENDED.has(x.code)) return onEnded(x);
      setError(x);
      setPassword('');
      setBusy(false);
    }
  }
  return (
    <form className="console-decision" onSubmit={submit} aria-labelledby="clear-title" data-testid="console-clear-form">
      <h2 id="clear-title">Clear workstation {device.device_id}</h2>
      <p>
        Blocked because: <strong>{device.flag_reason ?? 'flagged'}</strong>
      </p>
      <p className="muted">Clear it only after the investigation: it will be allowed to push again. Your signature is your password, given again now; the decision is recorded with your name and reason.</p>
      <Banner error={error} testId="console-clear-error" />
      <div className="field">
        <label className="field-label" htmlFor="clear-reason">
          Reason (what the investigation found)
        </label>
        <textarea id="clear-reason" data-testid="console-clear-reason" value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="clear-password">
          Password of {user.name}
        </label>
        <input id="clear-password" data-testid="console-clear-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} disabled={busy} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="console-clear-sign" disabled={busy || !reason.trim() || !password}>
          Sign and clear
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function HoldsView({ onEnded }: { onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ holds: Hold[] }>('holds', onEnded);
  return (
    <section className="panel" aria-labelledby="holds-title">
      <div className="panel-head">
        <h1 id="holds-title">Holds open anywhere, oldest first</h1>
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      <Banner error={error} testId="console-holds-error" />
      {data && data.holds.length === 0 ? <p className="empty">No hold is open in any facility.</p> : null}
      {data && data.holds.length > 0 ? (
        <div className="table-scroll">
          <table className="ledger-table" data-testid="console-holds">
            <thead>
              <tr>
                <th scope="col">Placed</th>
                <th scope="col">Facility</th>
                <th scope="col">NDC</th>
                <th scope="col">Lot</th>
                <th scope="col">Placed by</th>
              </tr>
            </thead>
            <tbody>
              {data.holds.map((h) => (
                <tr key={`${h.device_id}-${h.event_time}-${String(h.hold_id)}`}>
                  <td>{when(h.event_time)}</td>
                  <td className="mono">{h.facility_id}</td>
                  <td className="mono">{h.ndc ?? '—'}</td>
                  <td className="mono">{h.lot ?? '—'}</td>
                  <td>{h.actor ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function StockView({ onEnded }: { onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ stock: StockRow[] }>('stock', onEnded);
  return (
    <section className="panel" aria-labelledby="stock-title">
      <div className="panel-head">
        <h1 id="stock-title">Stock by NDC and lot, every facility</h1>
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="panel-meta">In dosage units, from the entries the server has accepted; a workstation that has not synced may hold more recent counts.</p>
      <Banner error={error} testId="console-stock-error" />
      {data && data.stock.length === 0 ? <p className="empty">No stock has been synced yet.</p> : null}
      {data && data.stock.length > 0 ? (
        <div className="table-scroll">
          <table className="ledger-table" data-testid="console-stock">
            <thead>
              <tr>
                <th scope="col">Facility</th>
                <th scope="col">NDC</th>
                <th scope="col">Lot</th>
                <th scope="col" className="num">On hand</th>
                <th scope="col" className="num">Entries</th>
              </tr>
            </thead>
            <tbody>
              {data.stock.map((s) => (
                <tr key={`${s.facility_id}|${s.ndc}|${s.lot}`}>
                  <td className="mono">{s.facility_id}</td>
                  <td className="mono">{s.ndc}</td>
                  <td className="mono">{s.lot || '—'}</td>
                  <td className="num">{s.on_hand}</td>
                  <td className="num">{s.entries}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
