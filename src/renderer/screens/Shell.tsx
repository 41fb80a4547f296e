import { useEffect, useMemo, useState } from 'react';
import { can } from '../../shared/domain/roles';
import type { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';
import { navStore, sessionStore, useAppInfo, useNav, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { screenShortcutIndex } from '../ui/keys';
import { roleLabel } from '../ui/labels';
import { SCREENS } from './registry';
import { homeScreen, resolveScreen, shortcutNumber, shortcutTarget } from './screen-list';

export function Shell() {
  const role = useSession((s) => s.session?.role);
  const userId = useSession((s) => s.session?.userId);
  const navUser = useNav((s) => s.user);
  const requested = useNav((s) => s.screen);
  const facility = useAppInfo((s) => s.info?.facilityName ?? s.info?.facilityId ?? '');
  const [signOutError, setSignOutError] = useState<RxError | null>(null);
  const [shortcutNote, setShortcutNote] = useState<string | null>(null);

  useEffect(() => {
    if (userId && role) navStore.getState().startFor(userId, homeScreen(role));
  }, [userId, role]);

  const allowed = useMemo(() => (role ? SCREENS.filter((s) => can(role, s.permission)) : []), [role]);
  // Until the nav store has taken this user in, show their home: never the previous user's screen.
  const currentId = role ? resolveScreen(navUser === userId ? requested : null, role) : null;
  const current = allowed.find((s) => s.id === currentId);

  useEffect(() => {
    if (!role) return;
    function onKey(e: KeyboardEvent) {
      const i = screenShortcutIndex(e);
      if (i === null || !role) return;
      const t = shortcutTarget(i, role);
      if (t.kind === 'none') return;
      e.preventDefault();
      if (t.kind === 'open') {
        setShortcutNote(null);
        navStore.getState().go(t.screen.id);
      } else {
        setShortcutNote(`Alt+${i + 1} opens ${t.screen.label}, which a ${roleLabel(role).toLowerCase()} does not use.`);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [role]);

  useEffect(() => {
    if (!shortcutNote) return;
    const t = setTimeout(() => setShortcutNote(null), 5_000);
    return () => clearTimeout(t);
  }, [shortcutNote]);

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
        <span className="brand">
          RxLedger{facility ? <span className="sr-only">, {facility}</span> : null}
        </span>
        <nav aria-label="Screens">
          <ul className="nav-list">
            {allowed.map((s) => {
              const n = shortcutNumber(s.id);
              return (
                <li key={s.id}>
                  <button
                    type="button"
                    className="nav-item"
                    data-testid={`nav-${s.id}`}
                    aria-current={s.id === current?.id ? 'page' : undefined}
                    aria-keyshortcuts={n ? `Alt+${n}` : undefined}
                    title={n ? `Alt+${n}` : undefined}
                    onClick={() => {
                      setShortcutNote(null);
                      navStore.getState().go(s.id);
                    }}
                  >
                    {n ? (
                      <kbd className="nav-key" aria-hidden="true">
                        {n}
                      </kbd>
                    ) : null}
                    {s.label}
                  </button>
                </li>
              );
            })}
          </ul>
        </nav>
        <button type="button" className="btn btn-signout" data-testid="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div className="nav-note" role="status" data-testid="nav-note">
        {shortcutNote}
      </div>
      <ErrorBanner error={signOutError} testId="signout-error" />
      <main className="screen" aria-label={current?.label}>
        {Screen ? <Screen key={current.id} /> : <p className="empty">Your role has no screens yet. Ask an administrator.</p>}
      </main>
    </div>
  );
}
