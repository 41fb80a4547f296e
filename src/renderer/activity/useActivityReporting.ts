import { useEffect } from 'react';
import { invoke } from '../api/client';
import { sessionStore } from '../state/stores';
import { activityIntervalFor, createActivityReporter } from './throttle';

const INPUT_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;

/**
 * Tells the server a person is at the keyboard, so the HIPAA idle logoff measures people, not
 * the 5-second polls. A failed report is not shown on its own: a lost session is picked up by the
 * client's error listener, and an unreachable service already shows in the status bar.
 */
export function useActivityReporting(): void {
  useEffect(() => {
    const reporter = createActivityReporter({
      send: () => {
        invoke('auth.activity', {}).catch((err: unknown) => console.warn('auth.activity failed', err));
      },
      intervalMs: () => activityIntervalFor(sessionStore.getState().session?.idleTimeoutSeconds),
    });
    const onInput = () => {
      if (sessionStore.getState().session) reporter.note();
    };
    // A new sign-in starts a fresh idle clock on the server; the next input should be sent at once.
    const unsubscribe = sessionStore.subscribe((s, prev) => {
      if (s.session?.userId !== prev.session?.userId) reporter.reset();
    });
    for (const type of INPUT_EVENTS) window.addEventListener(type, onInput, { capture: true, passive: true });
    return () => {
      unsubscribe();
      for (const type of INPUT_EVENTS) window.removeEventListener(type, onInput, { capture: true });
    };
  }, []);
}
