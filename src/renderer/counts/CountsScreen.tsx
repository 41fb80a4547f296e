import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { invoke } from '../api/client';
import { useKeyboardWedge } from '../scan/use-keyboard-wedge';
import { useScanFeed } from '../scan/use-scan-feed';
import { useAppInfo, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { CountReview } from './CountReview';
import { CountSheet } from './CountSheet';
import { createCountsStore } from './counts-store';
import { countDrafts } from './draft-db';
import { StartCountForm } from './StartCountForm';

/**
 * Counts: start a count, enter it line by line (keypad, containers, scans), submit it and read
 * its review. The state and what can be done with it are in the counts store (counts-store.ts);
 * the components under this one read it and dispatch to it.
 */
export function CountsScreen() {
  const [store] = useState(() => createCountsStore({ invoke, drafts: countDrafts() }));
  const userId = useSession((s) => s.session?.userId ?? '');
  const facilityId = useAppInfo((s) => s.info?.facilityId ?? '');
  const loaded = useStore(store, (s) => s.loaded);
  const countId = useStore(store, (s) => s.draft?.countId ?? null);
  const review = useStore(store, (s) => s.review);
  const error = useStore(store, (s) => s.error);

  useEffect(() => {
    if (!userId || !facilityId) return;
    return store.getState().load(facilityId, userId);
  }, [store, userId, facilityId]);

  // USB scanners (HID POS) and the test hook reach the count on screen through the scan feed.
  useScanFeed(countId, (id) => store.getState().scanFeed(id));
  // A scanner in keyboard mode, anywhere on the screen but in a text field, while a count is open.
  useKeyboardWedge(countId ? (scan) => void store.getState().applyScan(scan.raw) : null);

  return (
    <section className="panel" aria-labelledby="counts-title">
      <div className="panel-head">
        <h1 id="counts-title">Counts</h1>
      </div>
      <ErrorBanner error={error} testId="count-error" />
      {!loaded ? <p className="panel-meta">Loading…</p> : null}
      {loaded && !countId && !review ? <StartCountForm store={store} /> : null}
      {countId ? <CountSheet store={store} /> : null}
      {review ? <CountReview review={review} onDone={() => store.getState().closeReview()} /> : null}
    </section>
  );
}
