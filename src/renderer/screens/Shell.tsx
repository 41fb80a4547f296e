import { useEffect, useMemo, useState } from 'react';
import { can } from '../../shared/domain/roles';
import type { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';
import { navStore, sessionStore, useAppInfo, useNav, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { screenShortcutIndex } from '../ui/keys';
import { SCREENS } from './registry';

export function Shell() {
  const role = useSession((s) => s.session?.role);
  const requested = useNav((s) => s.screen);
  const facility = useAppInfo((s) => s.info?.facilityName ?? s.info?.facilityId ?? '');
  const [signOutError, setSignOutError] = useState<RxError | null>(null);

  const allowed = useMemo(() => (role ? SCREENS.filter((s) => can(role, s.permission)) : []), [role]);
  const current = allowed.find((s) => s.id === requested) ?? allowed[0];

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const i = screenShortcutIndex(e);
      if (i === null) return;
      const target = allowed[i];
      if (!target) return;
      e.preventDefault();
      navStore.getState().go(target.id);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [allowed]);

  async function signOut() {
    setSignOutError(null);
    try {
      await sessionStore.getState().signOut();
    } catch (err) {
      setSignOutError(asRxError(err));
    }
  }

  const Screen = current?.component;
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand" aria-label={`RxLedger, ${facility}`}>
          RxLedger
        </span>
        <nav aria-label="Screens">
          <ul className="nav-list">
            {allowed.map((s, i) => (
              <li key={s.id}>
                <button
                  type="button"
                  className="nav-item"
                  data-testid={`nav-${s.id}`}
                  aria-current={s.id === current?.id ? 'page' : undefined}
                  aria-keyshortcuts={i < 9 ? `Alt+${i + 1}` : undefined}
                  title={i < 9 ? `Alt+${i + 1}` : undefined}
                  onClick={() => navStore.getState().go(s.id)}
                >
                  {s.label}
                  {i < 9 ? <kbd className="nav-key">{i + 1}</kbd> : null}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="btn btn-signout" data-testid="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <ErrorBanner error={signOutError} testId="signout-error" />
      <main className="screen" aria-label={current?.label}>
        {Screen ? <Screen key={current.id} /> : <p className="empty">Your role has no screens yet. Ask an administrator.</p>}
      </main>
    </div>
  );
}
