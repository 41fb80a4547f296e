import { useState } from 'react';
import { useStore } from 'zustand';
import type { CountsStore } from './counts-store';

/** Scan or type an NDC (Enter) to select its line; with why a scan selected none, and the USB scanners' last word. */
export function CountScanField({ store }: { store: CountsStore }) {
  const scanNote = useStore(store, (s) => s.scanNote);
  const scannerNote = useStore(store, (s) => s.scannerNote);
  const [scanText, setScanText] = useState('');
  return (
    <form
      className="count-scan"
      onSubmit={(e) => {
        e.preventDefault();
        if (scanText.trim()) void store.getState().applyScan(scanText.trim());
        setScanText('');
      }}
    >
      <label className="field">
        <span className="field-label">Scan or type an NDC (Enter)</span>
        <input data-testid="count-scan" value={scanText} onChange={(e) => setScanText(e.target.value)} spellCheck={false} autoComplete="off" />
      </label>
      {scanNote ? (
        <p className="banner banner-error" role="alert" data-testid="count-scan-note">
          {scanNote}
        </p>
      ) : null}
      {scannerNote ? (
        <p className="muted" data-testid="count-scanner-note" aria-live="polite">
          {scannerNote}
        </p>
      ) : null}
    </form>
  );
}
