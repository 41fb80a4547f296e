import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import type { ChannelOutput, RxError } from '../../shared/ipc/contract';
import type { QuarantineListItem } from '../../shared/ipc/ingest-channels';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { InvestigationPanel } from './InvestigationPanel';
import { describeSource, filterItems, hasEncryptedOriginal, reasonLabel, replayableText, statusLabel } from './quarantine-view';
import './quarantine.css';

type Detail = ChannelOutput<'quarantine.get'>;
type Status = 'open' | 'replayed' | 'rejected' | 'all';

/**
 * The dead-letter queue in pharmacy language: drug, NDC, lot, serial and what happened first;
 * the bytes, hashes and reason codes folded away. A DSCSA suspect product is investigated
 * and cleared or found illegitimate (signed) before it can be replayed or rejected; other
 * items are fixed and replayed through the same gate, or rejected with a reason.
 */
export function QuarantineScreen() {
  const role = useSession((s) => s.session?.role);
  const [status, setStatus] = useState<Status>('open');
  const [items, setItems] = useState<QuarantineListItem[]>([]);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<RxError | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await invoke('quarantine.list', status === 'all' ? {} : { status });
      setItems(r.items);
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    }
  }, [status]);

  useEffect(() => {
    void load();
  }, [load]);

  const shown = filterItems(items, search);
  return (
    <section className="panel q-screen" aria-labelledby="quarantine-title">
      <div className="panel-head">
        <h1 id="quarantine-title">Quarantine</h1>
        <label>
          <span className="sr-only">Status</span>
          <select data-testid="quarantine-status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="open">Open</option>
            <option value="replayed">Replayed</option>
            <option value="rejected">Rejected</option>
            <option value="all">All</option>
          </select>
        </label>
        <input type="search" aria-label="Filter by drug, NDC, lot, serial or reason" placeholder="Drug, NDC, lot, serial, reason" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="quarantine-filter" />
        <button type="button" className="btn" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error} testId="quarantine-error" />
      <p className="panel-meta" aria-live="polite">
        {shown.length} item{shown.length === 1 ? '' : 's'}; items are never deleted.
      </p>
      <div className="table-scroll q-list" tabIndex={0} role="region" aria-label="Quarantine items">
        <table data-testid="quarantine-table">
          <thead>
            <tr>
              <th scope="col">Drug</th>
              <th scope="col">NDC · lot · serial</th>
              <th scope="col">What happened</th>
              <th scope="col">Status</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((i) => (
              <tr key={i.id} aria-selected={selected === i.id} className={i.summary.suspect ? 'q-row-suspect' : undefined} data-testid={`quarantine-row-${i.id}`} onClick={() => setSelected(i.id)}>
                <td>
                  <button type="button" className="q-open" onClick={() => setSelected(i.id)} data-testid={`quarantine-open-${i.id}`}>
                    {i.summary.drug_name ?? describeSource(i.source)}
                  </button>
                </td>
                <td className="mono">{[i.summary.ndc, i.summary.lot && `lot ${i.summary.lot}`, i.summary.serial && `SN ${i.summary.serial}`].filter(Boolean).join(' · ') || '—'}</td>
                <td className="q-reason">{i.summary.plain_reasons[0] ?? i.reasons.join(', ')}</td>
                <td>{statusLabel(i)}</td>
                <td>{formatLocalDateTime(i.received_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 ? <p className="empty">Nothing here.</p> : null}
      </div>
      {selected !== null ? (
        <QuarantineDetail
          key={selected}
          id={selected}
          mayReadPhi={role ? can(role, 'phi.read') : false}
          onDecided={() => {
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

function QuarantineDetail({ id, mayReadPhi, onDecided }: { id: number; mayReadPhi: boolean; onDecided: () => void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [view, setView] = useState<'text' | 'hex'>('text');
  const [fixed, setFixed] = useState('');
  const [note, setNote] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RxError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [phi, setPhi] = useState<string | null>(null);

  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    let live = true;
    invoke('quarantine.get', { id })
      .then((d) => {
        if (!live) return;
        setDetail(d);
        setFixed(replayableText(d.item, d.raw) ?? '');
      })
      .catch((err) => live && setError(asRxError(err)));
    return () => {
      live = false;
    };
  }, [id, version]);

  if (!detail) return <ErrorBanner error={error} testId="quarantine-detail-error" />;
  const { item, raw, decisions } = detail;
  const open = item.status === 'open';

  async function act(what: 'replay' | 'reject', e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      if (what === 'replay') {
        const r = await invoke('quarantine.replay', { id, fixedText: fixed, ...(note ? { note } : {}) });
        setDone(`Replayed: ${r.committed.length} entr${r.committed.length === 1 ? 'y' : 'ies'} committed${r.duplicates ? `, ${r.duplicates} already in the ledger` : ''}.`);
      } else {
        await invoke('quarantine.reject', { id, reason: rejectReason });
        setDone('Rejected. The item stays in the quarantine with your reason.');
      }
      setError(null);
      onDecided();
      reload();
    } catch (err) {
      setError(asRxError(err));
    } finally {
      setBusy(false);
    }
  }

  async function readOriginal() {
    const why = window.prompt('Why do you need the patient information? (recorded in the audit trail)');
    if (!why) return;
    try {
      const r = await invoke('phi.read', { quarantineId: id, why });
      setPhi(r.records.map((x) => x.text).join('\n'));
    } catch (err) {
      setError(asRxError(err));
    }
  }

  const summary = item.summary;
  const blockedBySuspect = summary.suspect && summary.investigation !== 'cleared';
  return (
    <div className="q-detail" data-testid="quarantine-detail" role="region" aria-label={`Quarantine item ${id}`}>
      <h2>{summary.drug_name ?? describeSource(item.source)}</h2>
      <div className="q-facts">
        <dl>
          <dt>NDC</dt>
          <dd className="mono">{summary.ndc ?? '—'}</dd>
          <dt>Lot</dt>
          <dd className="mono">{summary.lot ?? '—'}</dd>
          <dt>Serial</dt>
          <dd className="mono">{summary.serial ?? '—'}</dd>
          <dt>Expiry</dt>
          <dd>{summary.expiry ?? '—'}</dd>
          <dt>Came from</dt>
          <dd>{summary.source_label}</dd>
          <dt>Quarantined</dt>
          <dd>{formatLocalDateTime(item.received_at)}</dd>
        </dl>
        <div className="q-plain" data-testid="quarantine-plain-reason">
          {summary.plain_reasons.map((r, k) => (
            <p key={k} className={k === 0 ? 'q-headline' : undefined}>
              {r}
            </p>
          ))}
        </div>
      </div>
      {decisions.map((d) => (
        <p key={d.id} className="banner banner-info">
          {d.decision === 'replayed' ? 'Replayed' : 'Rejected'} by {d.decided_by} at {formatLocalDateTime(d.decided_at)}: {d.reason}
        </p>
      ))}
      {summary.suspect ? <InvestigationPanel id={id} onChanged={() => { reload(); onDecided(); }} /> : null}
      <details className="q-technical" data-testid="quarantine-technical">
        <summary>Technical detail (for support)</summary>
        <dl>
          <dt>Item</dt>
          <dd className="mono">#{item.id} — {item.source} — {item.status}</dd>
          <dt>SHA-256 of the bytes received</dt>
          <dd className="mono">{item.sha256}</dd>
          <dt>Correlation id</dt>
          <dd className="mono">{item.correlation_id}</dd>
          <dt>Reason codes</dt>
          <dd>
            <ul>
              {item.reasons.map((r) => (
                <li key={r} className="mono">
                  {reasonLabel(r)}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Validation issues</dt>
          <dd>
            <ul>
              {item.issues.map((s, k) => (
                <li key={k}>{s}</li>
              ))}
            </ul>
          </dd>
          {item.raw_ref ? (
            <>
              <dt>Kept by reference</dt>
              <dd className="mono">{item.raw_ref}</dd>
            </>
          ) : null}
          {decisions.map((d) => (
            <Fragment key={d.id}>
              <dt>Decision entries</dt>
              <dd className="mono">{d.entry_ref ?? '—'}</dd>
            </Fragment>
          ))}
        </dl>
      {raw ? (
        <>
          <div role="tablist">
            <button type="button" role="tab" aria-selected={view === 'text'} className="btn" onClick={() => setView('text')}>
              Text
            </button>
            <button type="button" role="tab" aria-selected={view === 'hex'} className="btn" onClick={() => setView('hex')}>
              Hex
            </button>
            <span className="muted">
              {' '}
              {raw.bytes} bytes{raw.truncated ? ' (first 256 KB shown)' : ''}
              {raw.validUtf8 ? '' : ' — not valid UTF-8'}
            </span>
          </div>
          <pre className="mono" data-testid="quarantine-raw">
            {view === 'text' ? raw.text : raw.hex}
          </pre>
        </>
      ) : (
        <p className="muted">No bytes are held in the database for this item.</p>
      )}
      </details>
      {hasEncryptedOriginal(item) && mayReadPhi ? (
        <button type="button" className="btn" onClick={() => void readOriginal()} data-testid="quarantine-read-phi">
          Show the encrypted original (audited)
        </button>
      ) : null}
      {phi ? <pre className="mono">{phi}</pre> : null}
      <ErrorBanner error={error} testId="quarantine-action-error" />
      {done ? <p className="banner banner-ok">{done}</p> : null}
      {open && blockedBySuspect ? (
        <p className="muted" data-testid="quarantine-suspect-blocked">
          A suspect product stays here until a pharmacist clears it or marks it illegitimate; only then can it be replayed or rejected.
        </p>
      ) : null}
      {open && !blockedBySuspect ? (
        <>
          <form onSubmit={(e) => void act('replay', e)}>
            <label className="field">
              <span className="field-label">Fixed text (sent through the same checks again)</span>
              <textarea className="mono" rows={8} value={fixed} onChange={(e) => setFixed(e.target.value)} data-testid="quarantine-fixed" spellCheck={false} />
            </label>
            <label className="field">
              <span className="field-label">Note</span>
              <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
            </label>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || fixed.trim() === ''} data-testid="quarantine-replay">
                Fix and replay
              </button>
            </div>
          </form>
          <form onSubmit={(e) => void act('reject', e)}>
            <label className="field">
              <span className="field-label">Reason for rejecting</span>
              <input value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} maxLength={500} data-testid="quarantine-reject-reason" />
            </label>
            <div className="form-actions">
              <button type="submit" className="btn" disabled={busy || rejectReason.trim().length < 3} data-testid="quarantine-reject">
                Reject
              </button>
            </div>
          </form>
        </>
      ) : null}
    </div>
  );
}
