import { useEffect } from 'react';
import { useActivityReporting } from './activity/useActivityReporting';
import { getClient } from './api/client';
import { ChangePasswordScreen } from './screens/ChangePasswordScreen';
import { Shell } from './screens/Shell';
import { SignInScreen } from './screens/SignInScreen';
import { StatusBar } from './screens/StatusBar';
import { startPolling } from './state/polling';
import { appInfoStore, sessionStore, statusStore, useAppInfo, useSession } from './state/stores';
import { ErrorBanner } from './ui/ErrorBanner';

const POLL_MS = 5_000;

export function App() {
  const loaded = useSession((s) => s.loaded);
  const session = useSession((s) => s.session);
  const sessionError = useSession((s) => s.error);
  const infoError = useAppInfo((s) => s.error);

  useEffect(() => {
    void appInfoStore.getState().load();
  }, []);
  useEffect(() => startPolling(() => void sessionStore.getState().refresh(), POLL_MS, window), []);
  useEffect(() => startPolling(() => void statusStore.getState().refresh(), POLL_MS, window), []);
  // Any call that finds the session gone sends the user to sign-in now, not at the next poll.
  useEffect(
    () =>
      getClient().onError((err, channel) => {
        if ((err.code === 'NOT_SIGNED_IN' || err.code === 'SESSION_ENDED') && channel !== 'auth.session') void sessionStore.getState().refresh();
      }),
    [],
  );
  useActivityReporting();

  let body;
  if (!loaded) {
    const error = sessionError ?? infoError;
    body = (
      <main className="auth-page" aria-busy={!error}>
        <div className="auth-card" data-testid={error ? 'connection-error' : 'connecting'}>
          <h1>RxLedger</h1>
          {error ? (
            <ErrorBanner
              error={error}
              onRetry={() => {
                void appInfoStore.getState().load();
                void sessionStore.getState().refresh();
              }}
            />
          ) : (
            <p>Connecting to the workstation service…</p>
          )}
        </div>
      </main>
    );
  } else if (!session) {
    body = <SignInScreen />;
  } else if (session.mustChangePassword) {
    body = <ChangePasswordScreen />;
  } else {
    body = <Shell />;
  }

  return (
    <div className="app">
      <div className="app-body">{body}</div>
      <StatusBar />
    </div>
  );
}
