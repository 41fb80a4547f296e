import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ROLE_NAMES, type ConsoleError, type Device, type Facility, type Hold, type StockRow, type User } from './api';
import { DeviceHealthCells, DeviceHealthHeads, FacilityAlerts } from './DeviceHealth';
import { EnrollmentCodesView } from './EnrollmentCodesView';
import { PasswordForm } from './PasswordForm';
import { ReportsView } from './ReportsView';
import { ClearForm, RetireForm } from './DeviceDecisionForm';
import { ThresholdsView } from './ThresholdsView';
import { UsersView } from './UsersView';
import { asError, Banner, useView, when } from './view-kit';
import { formatUnits } from '../../shared/units/unit-names';

type View = 'devices' | 'holds' | 'stock' | 'reports' | 'codes' | 'thresholds' | 'users' | 'password';
const VIEWS: { id: View; label: string; admin?: boolean }[] = [
  { id: 'devices', label: 'Devices' },
  { id: 'holds', label: 'Holds' },
  { id: 'stock', label: 'Stock' },
  { id: 'reports', label: 'Reports' },
  { id: 'codes', label: 'Enrollment codes' },
  { id: 'thresholds', label: 'Thresholds' },
  { id: 'users', label: 'Users', admin: true },
];

function ago(seconds: number | null): string {
  if (seconds === null) return 'never pushed';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** The central office's console: sign in, then devices, holds and stock across facilities. */
export function ConsoleApp() {
  const [user, setUser] = useState<User | null>(null);
  const [mustChange, setMustChange] = useState(false);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    api<{ user: User; must_change_password?: boolean }>('GET', 'me')
      .then((r) => {
        setUser(r.user);
        setMustChange(r.must_change_password === true);
      })
      .catch(() => setUser(null))
      .finally(() => setChecked(true));
  }, []);

  // The server ends an idle session; any refusal saying so brings the sign-in back.
  const onEnded = useCallback((e: ConsoleError) => {
    setUser(null);
    setNotice(e.message);
  }, []);
  const signOut = () => {
    void api('POST', 'sign-out').finally(() => setUser(null));
  };

  if (!checked) return null;
  return (
    <div className="app">
      {user && mustChange ? (
        <main className="auth-page">
          <div className="auth-card">
            <PasswordForm user={user} forced onEnded={onEnded} onDone={() => setMustChange(false)} />
            <button type="button" className="btn btn-wide console-passwd-signout" onClick={signOut} data-testid="console-signout">
              Sign out
            </button>
          </div>
        </main>
      ) : user ? (
        <Signed
          user={user}
          onEnded={onEnded}
          onSignOut={signOut}
        />
      ) : (
        <SignIn
          notice={notice}
          onSignedIn={(u, change) => {
            setNotice(null);
            setMustChange(change);
            setUser(u);
          }}
        />
      )}
    </div>
  );
}

function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (u: User, mustChange: boolean) => void }) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ user: User; must_change_password?: boolean }>('POST', 'sign-in', { user: userId.trim(), password });
      onSignedIn(r.user, r.must_change_password === true);
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
            {VIEWS.filter((v) => !v.admin || user.role === 'administrator').map((v) => (
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
        <button type="button" className="btn btn-signout" aria-current={view === 'password' ? 'page' : undefined} onClick={() => setView('password')} data-testid="console-nav-password">
          My password
        </button>
        <button type="button" className="btn btn-signout" onClick={onSignOut} data-testid="console-signout">
          Sign out
        </button>
      </header>
      <div className="app-body">
        <main className="screen">
          {view === 'devices' ? (
            <DevicesView user={user} onEnded={onEnded} />
          ) : view === 'holds' ? (
            <HoldsView onEnded={onEnded} />
          ) : view === 'stock' ? (
            <StockView onEnded={onEnded} />
          ) : view === 'reports' ? (
            <ReportsView onEnded={onEnded} />
          ) : view === 'codes' ? (
            <EnrollmentCodesView user={user} onEnded={onEnded} />
          ) : view === 'thresholds' ? (
            <ThresholdsView user={user} onEnded={onEnded} />
          ) : view === 'users' ? (
            <UsersView user={user} onEnded={onEnded} />
          ) : (
            <section className="panel">
              <PasswordForm user={user} forced={false} onEnded={onEnded} onDone={() => undefined} />
            </section>
          )}
        </main>
      </div>
    </div>
  );
}

function DevicesView({ user, onEnded }: { user: User; onEnded: (e: ConsoleError) => void }) {
  const { data, error, reload } = useView<{ facilities: Facility[] }>('devices', onEnded);
  const [clearing, setClearing] = useState<Device | null>(null);
  const [retiring, setRetiring] = useState<Device | null>(null);
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
      {retiring ? (
        <RetireForm
          device={retiring}
          user={user}
          onCancel={() => setRetiring(null)}
          onEnded={onEnded}
          onDone={(msg) => {
            setRetiring(null);
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
          <FacilityAlerts facility={f} />
          {f.devices.length === 0 ? (
            <p className="muted">No workstation enrolled.</p>
          ) : (
            <table className="ledger-table">
              <thead>
                <tr>
                  <th scope="col">Workstation</th>
                  <th scope="col">Last sync</th>
                  <th scope="col" className="num">Accepted</th>
                  <th scope="col" className="num">Behind</th>
                  <DeviceHealthHeads />
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.devices.map((d) => (
                  <tr
                    key={d.device_id}
                    data-testid={`console-device-${d.device_id}`}
                    data-flagged={d.flagged ? 'true' : 'false'}
                    data-retired={d.retired_at ? 'true' : 'false'}
                    data-over={d.alerts.length > 0 ? 'true' : 'false'}
                    className={d.retired_at ? 'console-retired' : d.alerts.length > 0 ? 'console-over' : undefined}
                  >
                    <td className="mono console-device-id">{d.device_id}</td>
                    <td title={when(d.last_push_at)}>{ago(d.seconds_since_push)}</td>
                    <td className="num">{d.head_seq}</td>
                    <td className="num">{d.entries_behind}</td>
                    <DeviceHealthCells device={d} />
                    <td className="console-reason">
                      {d.retired_at ? (
                        <span className="console-state-retired" title="Refused from then on; what it sent stays in the records">
                          Retired {when(d.retired_at)}
                        </span>
                      ) : d.flagged ? (
                        <span className="console-state-blocked">Blocked: {d.flag_reason ?? 'flagged'}</span>
                      ) : (
                        <span className="console-state-ok">Accepted: not blocked</span>
                      )}
                    </td>
                    <td>
                      <div className="console-actions">
                      {d.flagged && !d.retired_at && mayDecide ? (
                        <button type="button" className="btn" data-testid={`console-clear-${d.device_id}`} onClick={() => { setDone(null); setRetiring(null); setClearing(d); }}>
                          Clear…
                        </button>
                      ) : null}
                      {!d.retired_at && mayDecide ? (
                        <button type="button" className="btn" data-testid={`console-retire-${d.device_id}`} onClick={() => { setDone(null); setClearing(null); setRetiring(d); }}>
                          Retire…
                        </button>
                      ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {data && !mayDecide && data.facilities.some((f) => f.devices.some((d) => d.flagged)) ? (
        <p className="muted">An administrator or a compliance officer clears or retires a workstation after the investigation.</p>
      ) : null}
    </section>
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
      <p className="panel-meta">In dosage units, from the entries the server has accepted, with the unit they name (“units” where none names one); a workstation that has not synced may hold more recent counts.</p>
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
                  <td className="num" title={s.unit ? undefined : 'The synced entries do not name the dosage unit'}>
                    {formatUnits(s.on_hand, s.unit)}
                  </td>
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
