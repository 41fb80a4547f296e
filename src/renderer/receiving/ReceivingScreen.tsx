import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { invoke } from '../api/client';
import { useKeyboardWedge } from '../scan/use-keyboard-wedge';
import { useScanFeed } from '../scan/use-scan-feed';
import { ErrorBanner } from '../ui/ErrorBanner';
import { DexieDrafts, MemoryDrafts, type DraftStore } from './draft-db';
import { beep, unlockAudio } from './feedback';
import { createReceivingStore, KEYS, type ReceivingStore } from './receiving-store';
import { SessionView } from './SessionView';
import { StartView } from './StartView';
import './receiving.css';

let store: ReceivingStore | null = null;
function receivingStore(): ReceivingStore {
  if (!store) {
    let drafts: DraftStore;
    try {
      drafts = typeof indexedDB === 'undefined' ? new MemoryDrafts() : new DexieDrafts('rxledger-receiving', typeof localStorage === 'undefined' ? null : localStorage, new Set([KEYS.po]));
    } catch {
      drafts = new MemoryDrafts();
    }
    store = createReceivingStore({ invoke, drafts, feedback: beep });
  }
  return store;
}

/**
 * Receiving: a session from a shipment file or a typed PO, scans flashed and sounded as they
 * arrive, commit to stock. The state is in the receiving store (receiving-store.ts); the
 * components under this one read it and dispatch to it.
 */
export function ReceivingScreen() {
  const s = receivingStore();
  // Ready for scans once the drafts are back and the feed has its cursor: a scan before that
  // would be read as history and not flashed.
  const ready = useStore(s, (x) => x.ready && x.listening);
  const session = useStore(s, (x) => x.session);
  const error = useStore(s, (x) => (x.errorAt === null ? x.error : null));
  const [usbNote, setUsbNote] = useState<string | null>(null);
  /** init() is done: the feed starts from the cursor it restored. */
  const [initialised, setInitialised] = useState(false);

  useEffect(() => {
    let alive = true;
    void s
      .getState()
      .init()
      .then(() => {
        if (alive) setInitialised(true);
      });
    invoke('receiving.scanners', {})
      .then((st) => setUsbNote(st.usbAvailable ? `${st.scanners.length} USB scanner${st.scanners.length === 1 ? '' : 's'} connected` : st.message))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [s]);

  // Every scan, from USB or the wedge, reaches the screen through the scan feed.
  useScanFeed(initialised ? 'receiving' : null, () => s.getState().scanFeed());

  // Browsers start audio only after a user gesture: the first key or click on this screen.
  useEffect(() => {
    const unlock = () => unlockAudio();
    window.addEventListener('keydown', unlock);
    window.addEventListener('pointerdown', unlock);
    return () => {
      window.removeEventListener('keydown', unlock);
      window.removeEventListener('pointerdown', unlock);
    };
  }, []);
  // Scanners left in keyboard mode: their scans go the same router path as a USB scanner's.
  useKeyboardWedge(
    (scan) => void invoke('receiving.wedgeScan', { raw: scan.raw, scannerId: scan.scannerId, symbologyId: scan.symbologyId }).catch(() => {}),
    { scannerId: 'keyboard-wedge' },
  );

  return (
    <section className="rx-receiving" data-testid="receiving-screen" data-ready={ready ? 'yes' : 'no'}>
      <ErrorBanner error={error} testId="receiving-error" onRetry={() => s.getState().dismissError()} />
      {session ? <SessionView store={s} session={session} /> : <StartView store={s} />}
      {usbNote ? (
        <p className="muted rx-usb" data-testid="receiving-usb">
          {usbNote}
        </p>
      ) : null}
    </section>
  );
}
