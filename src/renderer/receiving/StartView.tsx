import { useRef } from 'react';
import { useStore } from 'zustand';
import { FlashPanel } from './FlashPanel';
import { ManualPoForm } from './ManualPoForm';
import { ShipmentPreviewCard } from './ShipmentPreviewCard';
import type { ReceivingStore } from './receiving-store';

/** No session on screen: the sessions still open, a shipment file, or a purchase order typed in. */
export function StartView({ store: s }: { store: ReceivingStore }) {
  const open = useStore(s, (x) => x.openSessions);
  const busy = useStore(s, (x) => x.busy);
  const flash = useStore(s, (x) => x.flash);
  const fileRef = useRef<HTMLInputElement>(null);
  const preview = useStore(s, (x) => x.preview);
  const fileError = useStore(s, (x) => (x.errorAt === 'file' ? x.error : null));

  async function onFile(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    await s.getState().previewFile(f.name, await f.text());
    if (fileRef.current) fileRef.current.value = '';
  }

  return (
    <div className="rx-start">
      <h1>Receiving</h1>
      <p className="rx-banner rx-banner-bad" data-testid="receiving-no-session">
        No receiving session open. Scans are kept but nothing is received until you start or resume one.
      </p>
      {flash ? <FlashPanel flash={flash} active={false} /> : null}
      {open.length ? (
        <div className="rx-card">
          <h2>Open sessions</h2>
          <ul className="rx-open-list">
            {open.map((o) => (
              <li key={o.id} data-testid="receiving-open-session">
                <span>
                  PO {o.poNumber ?? '—'} · {o.supplier ?? 'unknown supplier'} · {o.received} of {o.expected} received
                </span>
                <button type="button" className="btn" disabled={busy} onClick={() => void s.getState().resume(o.id)}>
                  Resume
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview ? (
        <ShipmentPreviewCard store={s} />
      ) : (
        <div className="rx-card">
          <h2>From a shipment file</h2>
          <label className="field" htmlFor="rx-shipment-file">
            <span className="field-label">EDI 856 ship notice (X12), or DSCSA EPCIS (1.2 XML or 2.0 JSON) — you see what it holds before a session opens</span>
          </label>
          <input id="rx-shipment-file" ref={fileRef} type="file" data-testid="receiving-file" accept=".edi,.x12,.txt,.856,.xml,.json,.jsonld" disabled={busy} onChange={(e) => void onFile(e.target.files)} aria-describedby="rx-file-error" />
          <div id="rx-file-error" aria-live="polite">
            {fileError ? (
              <p className="rx-inline-error" role="alert" data-testid="receiving-file-error">
                {fileError.message}
              </p>
            ) : null}
          </div>
        </div>
      )}
      <ManualPoForm store={s} />
    </div>
  );
}
