import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { can } from '../../shared/domain/roles';
import { RxError, type ChannelOutput, type LedgerListEntry, type VerifyResult } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { containersNote, formatSignedUnits, formatUnits } from '../format/units';
import { asRxError } from '../state/session-store';
import { useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ndcFilterFrom, verifySummary } from './ndc-filter';

const PAGE = 200;

type Head = ChannelOutput<'ledger.list'>['head'];

export function LedgerScreen() {
  const role = useSession((s) => s.session?.role);
  const [entries, setEntries] = useState<LedgerListEntry[]>([]);
  const [head, setHead] = useState<Head | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<RxError | null>(null);
  const [ndcText, setNdcText] = useState('');
  const [appliedNdc, setAppliedNdc] = useState<string | undefined>(undefined);
  const [loaded, setLoaded] = useState(false);
  const request = useRef(0);
  const verify = useVerify();
  const mayVerify = role ? can(role, 'ledger.verify') : false;

  const load = useCallback(async (ndc: string | undefined, beforeSeq?: number) => {
    // A newer filter wins over a slow older answer.
    const id = ++request.current;
    setLoading(true);
    try {
      const r = await invoke('ledger.list', { ndc, beforeSeq, limit: PAGE });
      if (id !== request.current) return;
      setEntries((prev) => (beforeSeq === undefined ? r.entries : [...prev, ...r.entries]));
      setHead(r.head);
      setHasMore(r.entries.length === PAGE);
      setAppliedNdc(ndc);
      setError(null);
      setLoaded(true);
    } catch (err) {
      if (id === request.current) setError(asRxError(err));
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(undefined);
  }, [load]);

  function applyFilter(e: FormEvent) {
    e.preventDefault();
    const f = ndcFilterFrom(ndcText);
    if (!f.ok) return setError(new RxError('BAD_INPUT', f.message));
    void load(f.ndc);
  }

  function clearFilter() {
    setNdcText('');
    void load(undefined);
  }

  const oldest = entries[entries.length - 1];

  return (
    <section className="panel" aria-labelledby="ledger-title">
      <div className="panel-head">
        <h1 id="ledger-title">Ledger</h1>
        <form className="search" onSubmit={applyFilter} role="search">
          <label>
            <span className="sr-only">Filter by NDC</span>
            <input
              type="search"
              data-testid="ledger-ndc-filter"
              placeholder="Filter by NDC, then Enter"
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={ndcText}
              onChange={(e) => setNdcText(e.target.value)}
            />
          </label>
          <button type="submit" className="btn" data-testid="ledger-filter-apply" disabled={loading}>
            Filter
          </button>
          {appliedNdc !== undefined ? (
            <button type="button" className="btn" data-testid="ledger-filter-clear" onClick={clearFilter}>
              Show all
            </button>
          ) : null}
        </form>
        {mayVerify ? (
          <button type="button" className="btn btn-primary" data-testid="verify-button" onClick={() => void verify.run()} disabled={verify.running} aria-busy={verify.running}>
            {verify.running ? 'Verifying…' : 'Verify ledger'}
          </button>
        ) : null}
      </div>
      {role && !mayVerify ? <p className="panel-meta">Verifying the ledger needs a pharmacist, manager or administrator.</p> : null}
      <VerifyOutcomeSlot running={verify.running} result={verify.result} error={verify.error} />
      <ErrorBanner error={error} testId="ledger-error" />
      {entries.some((e) => e.delta === null) ? (
        <p className="banner banner-info" role="status" data-testid="ledger-blind-note">
          Quantities of the NDCs you are counting are hidden during your blind count. Submit or cancel the count on the Counts screen to see them again.
        </p>
      ) : null}
      <p className="panel-meta" data-testid="ledger-meta" aria-live="polite">
        {loaded
          ? `${entries.length.toLocaleString('en-US')} entries shown, newest first${appliedNdc ? ` for NDC ${appliedNdc}` : ''}${head ? ` · this device's chain ends at seq ${head.seq}` : ''}`
          : loading
            ? 'Loading ledger…'
            : ''}
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Ledger entries">
        <table className="ledger-table" data-testid="ledger-table">
          <thead>
            <tr>
              <th scope="col" className="num">Seq</th>
              <th scope="col">Recorded</th>
              <th scope="col">Event time</th>
              <th scope="col">Type</th>
              <th scope="col">NDC</th>
              <th scope="col">Lot</th>
              <th scope="col" className="num">Change</th>
              <th scope="col">Actor</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.device_id}:${e.seq}`} data-testid="ledger-row" data-seq={e.seq}>
                <td className="num mono" data-testid="ledger-seq" title={`Device ${e.device_id}`}>
                  {e.seq}
                </td>
                <td title={e.recorded_at}>{formatLocalDateTime(e.recorded_at)}</td>
                <td title={e.event_time}>{formatLocalDateTime(e.event_time)}</td>
                <td data-testid="ledger-type">
                  <span className={`type type-${e.type.toLowerCase()}`}>{e.type}</span>
                  {e.corrects ? <span className="muted"> of #{e.corrects.seq}</span> : null}
                </td>
                <td className="mono" data-testid="ledger-ndc">
                  {e.ndc ?? ''}
                </td>
                <td className="mono" data-testid="ledger-lot">
                  {e.lot ?? ''}
                </td>
                {e.delta === null || e.quantity === null ? (
                  <td className="num muted" data-testid="ledger-delta" data-hidden="true" title={e.hidden ?? undefined}>
                    {e.hidden ?? 'hidden'}
                  </td>
                ) : (
                  <td
                    className={`num delta ${e.delta > 0 ? 'delta-in' : e.delta < 0 ? 'delta-out' : 'delta-zero'}`}
                    data-testid="ledger-delta"
                    data-value={e.delta}
                    data-unit={e.unit ?? ''}
                    title={containersNote(Math.abs(e.type === 'COUNT' ? e.quantity : e.delta), e.units_per_container, e.unit) ?? undefined}
                  >
                    {e.type === 'COUNT' ? `= ${formatUnits(e.quantity, e.unit)}` : e.delta === 0 && e.type.startsWith('HOLD_') ? '—' : formatSignedUnits(e.delta, e.unit)}
                    {e.units_note ? (
                      <span className="qty-note" data-testid="ledger-units-note">
                        {e.units_note}
                      </span>
                    ) : null}
                  </td>
                )}
                <td data-testid="ledger-actor">{e.actor}</td>
                <td className="mono muted" data-testid="ledger-hash" title={e.hash}>
                  {e.hash.slice(0, 12)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loaded && entries.length === 0 ? (
          <p className="empty" data-testid="ledger-empty">
            {appliedNdc ? `No ledger entries for NDC ${appliedNdc}.` : 'The ledger is empty.'}
          </p>
        ) : null}
      </div>
      <div className="panel-foot">
        {hasMore && oldest ? (
          <button type="button" className="btn" data-testid="ledger-load-older" disabled={loading} onClick={() => void load(appliedNdc, oldest.seq)}>
            {loading ? 'Loading…' : `Load older (before #${oldest.seq})`}
          </button>
        ) : loaded && entries.length > 0 ? (
          <span className="muted">Start of the ledger reached.</span>
        ) : null}
      </div>
    </section>
  );
}

type VerifyState = { running: boolean; result: VerifyResult | null; error: RxError | null };

function useVerify(): VerifyState & { run: () => Promise<void> } {
  const [state, setState] = useState<VerifyState>({ running: false, result: null, error: null });
  const run = useCallback(async () => {
    setState({ running: true, result: null, error: null });
    try {
      setState({ running: false, result: await invoke('ledger.verify', {}), error: null });
    } catch (err) {
      setState({ running: false, result: null, error: asRxError(err) });
    }
  }, []);
  return { ...state, run };
}

function VerifyOutcomeSlot({ running, result, error }: VerifyState) {
  if (running) {
    return (
      <div className="banner banner-info" role="status" data-testid="verify-result" data-state="running">
        Verifying every hash and signature…
      </div>
    );
  }
  if (error) {
    return (
      <div className="banner banner-error" role="alert" data-testid="verify-result" data-state="error">
        Verification could not run: {error.message}
      </div>
    );
  }
  return result ? <VerifyOutcome result={result} /> : null;
}

export function VerifyOutcome({ result }: { result: VerifyResult }) {
  const mismatches = result.stockMismatches;
  if (result.ok && mismatches.length === 0) {
    return (
      <div className="banner banner-ok" role="status" data-testid="verify-result" data-state="ok" data-checked={result.checked}>
        <strong>{verifySummary(result.checked)}</strong>
        <span className="muted"> ({(result.durationMs / 1000).toFixed(1)} s)</span>
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert" data-testid="verify-result" data-state="failed" data-checked={result.checked}>
      {result.failure ? (
        <strong>
          Ledger verification FAILED at device {result.failure.device_id}, seq {result.failure.seq}: {result.failure.reason}
        </strong>
      ) : (
        <strong>Ledger verification FAILED</strong>
      )}
      <span> ({result.checked} entries checked.)</span>
      {mismatches.length > 0 ? (
        <ul className="mismatches">
          {mismatches.slice(0, 20).map((m) => (
            <li key={`${m.facility_id}|${m.ndc}|${m.lot}`}>
              Stock for NDC {m.ndc} lot {m.lot || '(none)'} shows {m.projected}, the ledger adds up to {m.fromLedger}.
            </li>
          ))}
          {mismatches.length > 20 ? <li>…and {mismatches.length - 20} more stock differences.</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
