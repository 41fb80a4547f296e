import { useState } from 'react';
import { useStore } from 'zustand';
import type { ReceivingSessionView } from '../../shared/ipc/receiving-channels';
import { CommitReview } from './CommitReview';
import { KeyedEntry } from './KeyedEntry';
import { CommitSummaryTable } from './CommitSummaryTable';
import { FlashPanel } from './FlashPanel';
import type { ReceivingStore } from './receiving-store';
import { ScanList } from './ScanList';
import { SessionLines } from './SessionLines';

/**
 * A receiving session on screen: supplier and totals, the last scan's flash, its lines, the
 * supplier's DEA number and CII order form while open, commit / cancel / pause, and its scans.
 */
export function SessionView({ store: s, session }: { store: ReceivingStore; session: ReceivingSessionView }) {
  const flash = useStore(s, (x) => x.flash);
  const busy = useStore(s, (x) => x.busy);
  const open = session.status === 'open';
  const [dea, setDea] = useState(session.supplier.deaNumber ?? '');
  const [orderKind, setOrderKind] = useState<'' | '222' | 'CSOS'>(session.orderForm?.kind ?? '');
  const [orderNumber, setOrderNumber] = useState(session.orderForm?.number ?? '');
  const hasCII = session.lines.some((l) => l.schedule === 'CII');
  const commitError = useStore(s, (x) => (x.errorAt === 'commit' ? x.error : null));
  const unsized = session.lines.filter((l) => l.received > 0 && l.unitsPerContainer === null);
  const reviewing = useStore(s, (x) => x.review !== null);
  const byState = (st: string) => session.lines.filter((l) => l.state === st).length;

  return (
    <div className="rx-session" data-testid="receiving-session" data-session-id={session.id} data-status={session.status}>
      <header className="rx-head">
        <div>
          <h1>
            Receiving · PO <span data-testid="receiving-po">{session.poNumber ?? '—'}</span>
          </h1>
          <p className="muted">
            {session.supplier.name ?? 'Supplier not named'}
            {session.supplier.address ? ` · ${session.supplier.address}` : ''}
            {session.supplier.deaNumber ? ` · DEA ${session.supplier.deaNumber}` : ''}
            {session.orderForm ? ` · ${session.orderForm.kind} ${session.orderForm.number}` : ''}
            {` · from ${session.kind === 'manual' ? 'a typed PO' : (session.fileName ?? session.kind)}`}
          </p>
        </div>
        <div className="rx-totals" data-testid="receiving-totals" data-received={session.totals.received} data-expected={session.totals.expected}>
          <strong>
            {session.totals.received} / {session.totals.expected}
          </strong>{' '}
          received
          <div className="muted" data-testid="receiving-line-states">
            {session.lines.length} lines: {byState('complete')} complete · {byState('partial') + byState('waiting')} short · {byState('over')} over
            {byState('unexpected') ? ` · ${byState('unexpected')} not ordered` : ''}
          </div>
          {session.totals.suspect ? <span className="rx-pill rx-pill-bad">{session.totals.suspect} suspect</span> : null}
          {session.totals.rejected ? <span className="rx-pill rx-pill-bad">{session.totals.rejected} set aside</span> : null}
        </div>
      </header>

      {open ? <FlashPanel flash={flash} active={session.active} /> : null}
      {session.status === 'committed' && session.commit ? (
        <div className="rx-banner rx-banner-good" data-testid="receiving-committed" role="status">
          Committed {session.commit.entries.length} receipt entr{session.commit.entries.length === 1 ? 'y' : 'ies'} on {session.commit.dateReceived}
          {session.commit.shortLines.length ? ` · short on line${session.commit.shortLines.length === 1 ? '' : 's'} ${session.commit.shortLines.map((l) => l.lineNo).join(', ')}` : ''}.
        </div>
      ) : null}
      {session.status === 'cancelled' ? <div className="rx-banner rx-banner-bad">This session was cancelled; nothing from it went into stock.</div> : null}
      {session.warnings.length ? (
        <ul className="rx-warnings">
          {session.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}

      {session.status === 'committed' && session.commit ? <CommitSummaryTable session={session} /> : null}

      <SessionLines store={s} session={session} />

      {open ? (
        <details className="rx-card rx-header-edit" open={hasCII && !session.orderForm}>
          <summary>Supplier DEA number and CII order form</summary>
          <div className="rx-grid">
            <label className="field">
              <span className="field-label">Supplier DEA number</span>
              <input data-testid="session-dea" value={dea} onChange={(e) => setDea(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">CII order form</span>
              <select data-testid="session-order-kind" value={orderKind} onChange={(e) => setOrderKind(e.target.value as '' | '222' | 'CSOS')}>
                <option value="">none</option>
                <option value="222">DEA Form 222</option>
                <option value="CSOS">CSOS</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">222 / CSOS order number</span>
              <input data-testid="session-order-number" value={orderNumber} onChange={(e) => setOrderNumber(e.target.value)} />
            </label>
          </div>
          <button
            type="button"
            className="btn"
            data-testid="session-header-save"
            disabled={busy}
            onClick={() =>
              void s.getState().updateHeader({
                supplier: { ...session.supplier, deaNumber: dea.trim() || null },
                orderForm: orderKind && orderNumber.trim() ? { kind: orderKind, number: orderNumber.trim() } : null,
              })
            }
          >
            Save
          </button>
        </details>
      ) : null}

      <div className="form-actions rx-actions">
        {open ? (
          <>
            {!session.active ? (
              <button type="button" className="btn btn-primary" onClick={() => void s.getState().resume(session.id)}>
                Take scans here
              </button>
            ) : null}
            <button type="button" className="btn btn-primary" data-testid="receiving-commit" disabled={busy || session.totals.received === 0} onClick={() => void s.getState().openReview()} aria-describedby="receiving-commit-note">
              Review and commit
            </button>
            <button
              type="button"
              className="btn"
              data-testid="receiving-cancel"
              disabled={busy}
              onClick={() => {
                const reason = window.prompt('Why cancel this receiving session? Nothing from it will go into stock.');
                if (reason) void s.getState().cancel(reason);
              }}
            >
              Cancel session
            </button>
          </>
        ) : null}
        <button type="button" className="btn" data-testid="receiving-leave" disabled={busy} onClick={() => void s.getState().leave()}>
          {open ? 'Pause (back to list)' : 'Done'}
        </button>
      </div>
      {open && reviewing ? <CommitReview store={s} session={session} /> : null}
      <div id="receiving-commit-note" aria-live="polite">
        {commitError ? (
          <p className="rx-inline-error" role="alert" data-testid="receiving-commit-error">
            {commitError.message}
          </p>
        ) : open && unsized.length ? (
          <p className="rx-inline-warn" data-testid="receiving-commit-hint">
            Line{unsized.length === 1 ? '' : 's'} {unsized.map((l) => l.lineNo).join(', ')}: the catalog gives no package size. Enter the units per container on the line before committing.
          </p>
        ) : null}
      </div>
      {open && session.active ? <KeyedEntry store={s} /> : null}
      <ScanList store={s} sessionId={session.id} open={open} />
    </div>
  );
}
