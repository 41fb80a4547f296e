import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { formatLocalDateTime } from '../format/time';
import { focusProblemField } from '../ui/FieldError';
import { CountLineRow } from './CountLineRow';
import { CountScanField } from './CountScanField';
import type { CountsStore } from './counts-store';
import { keyOf, progress } from './draft';

/** The count being entered: what it is, the scan field, a row per line to count, submit and cancel. */
export function CountSheet({ store }: { store: CountsStore }) {
  const draft = useStore(store, (s) => s.draft);
  const savedAt = useStore(store, (s) => s.savedAt);
  const busy = useStore(store, (s) => s.busy);
  const focusRequest = useStore(store, (s) => s.focusRequest);
  const [openContainers, setOpenContainers] = useState<string | null>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());

  // A scan selected a line (its text selected, to type over), or Submit names a field to correct.
  useEffect(() => {
    if (!focusRequest) return;
    const el = inputs.current.get(focusRequest.key);
    if (focusRequest.select) {
      el?.focus();
      el?.select();
    } else {
      // Submit named this field: scrolled to the middle of the screen, a long sheet included.
      focusProblemField(el);
    }
  }, [focusRequest]);

  if (!draft) return null;
  const p = progress(draft);
  return (
    <div className="count-sheet" data-testid="count-sheet" data-count-id={draft.countId}>
      <p className="panel-meta">
        Count <span className="mono" data-testid="count-id">{draft.countId}</span> — {draft.scopeLabel} —{' '}
        {draft.blind ? <strong data-testid="count-blind-label">Blind count: expected quantities are hidden</strong> : 'Expected quantities shown'} —{' '}
        <span data-testid="count-progress">
          {p.counted} of {p.total} lines counted
        </span>
      </p>
      <p className="muted" data-testid="count-saved" aria-live="polite">
        {savedAt ? `Saved on this computer at ${formatLocalDateTime(savedAt)}: a reload, a crash or a network outage loses nothing.` : 'Nothing entered yet.'}
      </p>
      <CountScanField store={store} />
      <table className="ledger-table count-table">
        <thead>
          <tr>
            <th>NDC</th>
            <th>Drug</th>
            <th>Lot</th>
            <th>Expiry</th>
            <th>Location</th>
            <th>Schedule</th>
            {draft.blind ? null : <th className="num">Expected now</th>}
            <th>Counted</th>
            <th>
              <span className="sr-only">Count by containers</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.items.map((item) => {
            const key = keyOf(item);
            return (
              <CountLineRow
                key={key}
                store={store}
                item={item}
                line={draft.lines[key]!}
                blind={draft.blind}
                current={draft.focus === key}
                containersOpen={openContainers === key}
                onToggleContainers={() => setOpenContainers(openContainers === key ? null : key)}
                onCloseContainers={() => setOpenContainers(null)}
                input={(el) => {
                  if (el) inputs.current.set(key, el);
                  else inputs.current.delete(key);
                }}
                focusInput={() => inputs.current.get(key)?.focus()}
              />
            );
          })}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="count-submit" disabled={busy} onClick={() => void store.getState().submit()}>
          Submit count
        </button>
        <button type="button" className="btn" data-testid="count-cancel" disabled={busy} onClick={() => void store.getState().cancel()}>
          Cancel count
        </button>
      </div>
    </div>
  );
}
