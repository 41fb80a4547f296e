import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { describeTolerance, ndc11Of, type CountScope } from '../../shared/counts';
import { SCHEDULES, type Schedule } from '../../shared/domain/schedule';
import { decodeScan } from '../../shared/identifiers';
import { RxError, type ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime, formatSignedDelta } from '../format/time';
import { KeyboardWedge } from '../scan/wedge';
import { asRxError } from '../state/session-store';
import { useAppInfo, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { countDrafts } from './draft-db';
import { emptyDraft, keyOf, lineForScan, linesToSubmit, progress, setContainers, setCounted, type CountDraft } from './draft';

type Review = ChannelOutput<'counts.review'>;
type ScopeKind = CountScope['kind'];

const OUTCOME_LABEL: Record<string, string> = {
  within: 'Within tolerance',
  hold: 'Over tolerance: on hold',
  recount_required: 'Over tolerance: recount by a second person',
  recount_within: 'Recount within tolerance',
  under_hold: 'Already on hold',
};

export function CountsScreen() {
  const userId = useSession((s) => s.session?.userId ?? '');
  const facilityId = useAppInfo((s) => s.info?.facilityId ?? '');
  const [draft, setDraft] = useState<CountDraft | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!userId || !facilityId) return;
    let live = true;
    countDrafts()
      .current(facilityId, userId)
      .then((d) => {
        if (!live) return;
        setDraft(d);
        setSavedAt(d?.updatedAt ?? null);
        setLoaded(true);
      })
      .catch((err: unknown) => {
        setError(new RxError('INTERNAL', `The count drafts on this computer cannot be read: ${(err as Error).message}`));
        setLoaded(true);
      });
    return () => {
      live = false;
    };
  }, [userId, facilityId]);

  /** Every change goes to IndexedDB before anything else happens. */
  const update = useCallback(async (next: CountDraft) => {
    setDraft(next);
    try {
      await countDrafts().save(next);
      setSavedAt(next.updatedAt);
    } catch (err) {
      setError(new RxError('INTERNAL', `This change could not be saved on this computer: ${(err as Error).message}`));
    }
  }, []);

  async function start(scope: CountScope, blind: boolean) {
    setBusy(true);
    try {
      const c = await invoke('counts.create', { scope, blind });
      setReview(null);
      await update(emptyDraft(c, userId, new Date().toISOString()));
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    if (!draft) return;
    const out = linesToSubmit(draft);
    if (!out.ok) return setError(new RxError('BAD_INPUT', `Not counted yet: ${out.missing.join(', ')}. Enter 0 for what is not on the shelf.`));
    setBusy(true);
    try {
      await invoke('counts.submit', { countId: draft.countId, lines: out.lines });
      await countDrafts().discard(draft.countId);
      const r = await invoke('counts.review', { countId: draft.countId });
      setDraft(null);
      setReview(r);
      setError(null);
    } catch (err) {
      // The draft stays: nothing is lost, try again when the problem is fixed.
      setError(asRxError(err));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!draft) return;
    try {
      await invoke('counts.cancel', { countId: draft.countId }).catch((err: unknown) => {
        if (asRxError(err).code !== 'CONFLICT' && asRxError(err).code !== 'NOT_FOUND') throw err;
      });
      await countDrafts().discard(draft.countId);
      setDraft(null);
    } catch (err) {
      setError(asRxError(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="counts-title">
      <div className="panel-head">
        <h1 id="counts-title">Counts</h1>
      </div>
      <ErrorBanner error={error} testId="count-error" />
      {!loaded ? <p className="panel-meta">Loading…</p> : null}
      {loaded && !draft && !review ? <StartCount onStart={start} busy={busy} /> : null}
      {draft ? <CountSheet draft={draft} update={update} onSubmit={submit} onCancel={cancel} busy={busy} savedAt={savedAt} onError={setError} /> : null}
      {review ? <CountReview review={review} onDone={() => setReview(null)} /> : null}
    </section>
  );
}

function StartCount({ onStart, busy }: { onStart: (s: CountScope, blind: boolean) => void; busy: boolean }) {
  const [kind, setKind] = useState<ScopeKind>('all_cii');
  const [schedule, setSchedule] = useState<Schedule>('CII');
  const [location, setLocation] = useState('');
  const [ndcs, setNdcs] = useState('');
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [blind, setBlind] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);

  function go(e: FormEvent) {
    e.preventDefault();
    let scope: CountScope;
    if (kind === 'ndcs') {
      const parsed = ndcs.split(/[\s,;]+/).filter(Boolean).map((t) => ndc11Of(t));
      const bad = parsed.find((p) => !p.ok);
      if (bad && !bad.ok) return setProblem(bad.message);
      if (parsed.length === 0) return setProblem('Type at least one NDC.');
      scope = { kind, ndcs: parsed.map((p) => (p.ok ? p.ndc : '')) };
    } else if (kind === 'schedule') scope = { kind, schedule };
    else if (kind === 'location') {
      if (!location.trim()) return setProblem('Type the shelf or location.');
      scope = { kind, location: location.trim() };
    } else if (kind === 'expiring') scope = { kind, month };
    else scope = { kind } as CountScope;
    setProblem(null);
    onStart(scope, blind);
  }

  return (
    <form className="count-start" onSubmit={go} data-testid="count-start">
      <h2>Start a count</h2>
      <label className="field">
        <span className="field-label">What to count</span>
        <select data-testid="count-scope" value={kind} onChange={(e) => setKind(e.target.value as ScopeKind)}>
          <option value="all_cii">All CII</option>
          <option value="schedule">A schedule</option>
          <option value="location">A shelf or location</option>
          <option value="ndcs">A list of NDCs</option>
          <option value="expiring">What expires in a month</option>
          <option value="recount">Lines waiting for a recount</option>
        </select>
      </label>
      {kind === 'schedule' ? (
        <label className="field">
          <span className="field-label">Schedule</span>
          <select data-testid="count-schedule" value={schedule} onChange={(e) => setSchedule(e.target.value as Schedule)}>
            {SCHEDULES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      ) : null}
      {kind === 'location' ? (
        <label className="field">
          <span className="field-label">Shelf or location</span>
          <input data-testid="count-location" value={location} onChange={(e) => setLocation(e.target.value)} />
        </label>
      ) : null}
      {kind === 'ndcs' ? (
        <label className="field">
          <span className="field-label">NDCs (separated by spaces or commas)</span>
          <input data-testid="count-ndcs" value={ndcs} onChange={(e) => setNdcs(e.target.value)} spellCheck={false} />
        </label>
      ) : null}
      {kind === 'expiring' ? (
        <label className="field">
          <span className="field-label">Month</span>
          <input type="month" data-testid="count-month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
      ) : null}
      <label className="field">
        <input type="checkbox" data-testid="count-blind" checked={blind} onChange={(e) => setBlind(e.target.checked)} /> Blind count (the counter does not see the expected quantity)
      </label>
      {problem ? (
        <p className="banner banner-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="count-begin" disabled={busy}>
          Start counting
        </button>
      </div>
    </form>
  );
}

function CountSheet(props: {
  draft: CountDraft;
  update: (d: CountDraft) => Promise<void>;
  onSubmit: () => void;
  onCancel: () => void;
  onError: (e: RxError | null) => void;
  busy: boolean;
  savedAt: string | null;
}) {
  const { draft, update, onError } = props;
  const [scanText, setScanText] = useState('');
  const [scanNote, setScanNote] = useState<string | null>(null);
  const [openContainers, setOpenContainers] = useState<string | null>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const draftRef = useRef(draft);
  draftRef.current = draft;

  const applyScan = useCallback(
    async (raw: string) => {
      const d = draftRef.current;
      const known = new Set(d.items.map((i) => i.ndc));
      const scan = decodeScan(raw, { isKnownNdc: (n) => known.has(n) });
      const hit = lineForScan(d, scan);
      if (!hit.ok) {
        setScanNote(hit.error);
        return;
      }
      setScanNote(null);
      const line = d.lines[hit.key]!;
      await update({ ...d, focus: hit.key, lines: { ...d.lines, [hit.key]: { ...line, method: 'scan' } }, updatedAt: new Date().toISOString() });
      const el = inputs.current.get(hit.key);
      el?.focus();
      el?.select();
    },
    [update],
  );

  const applyScanRef = useRef(applyScan);
  applyScanRef.current = applyScan;
  const [scannerNote, setScannerNote] = useState<string | null>(null);

  // Scanners on USB (HID POS) and the test hook: the scan router hands their scans to this
  // count while it is on screen; each is applied as if typed in the scan field.
  useEffect(() => {
    const countId = draft.countId;
    let stopped = false;
    void (async () => {
      try {
        await invoke('counts.scanTarget', { countId });
      } catch (err) {
        if (!stopped) setScannerNote(`USB scanners cannot reach this count: ${asRxError(err).message}`);
        return;
      }
      let after: number | null = null;
      while (!stopped) {
        try {
          const r: ChannelOutput<'counts.waitForScans'> = await invoke('counts.waitForScans', { countId, after, timeoutMs: after === null ? 0 : 20_000 });
          if (stopped) break;
          after = r.cursor;
          for (const e of r.events) {
            setScannerNote(`Scanned on ${e.scanner_id} at ${formatLocalDateTime(e.received_at)}`);
            await applyScanRef.current(e.raw);
          }
        } catch (err) {
          const rx = asRxError(err);
          if (rx.code === 'NOT_SIGNED_IN' || rx.code === 'SESSION_ENDED' || rx.code === 'FORBIDDEN') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    return () => {
      stopped = true;
      void invoke('counts.scanTarget', { countId: null, leaving: countId }).catch(() => {});
    };
  }, [draft.countId]);

  // A scanner in keyboard mode, anywhere on the screen but in a text field.
  useEffect(() => {
    const wedge = new KeyboardWedge();
    function onKey(e: KeyboardEvent) {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      const r = wedge.handle(e);
      if (r.kind === 'scan') {
        e.preventDefault();
        void applyScan(r.scan.raw);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [applyScan]);

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
        {props.savedAt ? `Saved on this computer at ${formatLocalDateTime(props.savedAt)}: a reload, a crash or a network outage loses nothing.` : 'Nothing entered yet.'}
      </p>
      <form
        className="count-scan"
        onSubmit={(e) => {
          e.preventDefault();
          if (scanText.trim()) void applyScan(scanText.trim());
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
            <th className="num">Counted (units)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.items.map((item) => {
            const key = keyOf(item);
            const line = draft.lines[key]!;
            return (
              <tr key={key} data-testid="count-line" data-key={key} data-ndc={item.ndc} data-lot={item.lot ?? ''} aria-current={draft.focus === key ? 'true' : undefined}>
                <td className="mono">{item.ndc}</td>
                <td>{item.name ?? <span className="muted">Not in catalog</span>}</td>
                <td className="mono">{item.lot ?? <span className="muted">all lots</span>}</td>
                <td>{item.expiry ?? ''}</td>
                <td>{item.location ?? ''}</td>
                <td>
                  <ScheduleBadge schedule={item.schedule} />
                </td>
                {draft.blind ? null : <td className="num">{item.expected_now ?? ''}</td>}
                <td className="num">
                  <input
                    ref={(el) => {
                      if (el) inputs.current.set(key, el);
                      else inputs.current.delete(key);
                    }}
                    inputMode="numeric"
                    data-testid="count-units"
                    aria-label={`Units counted of ${item.ndc} ${item.lot ?? ''}`}
                    value={line.text}
                    onChange={(e) => {
                      const r = setCounted(draftRef.current, key, e.target.value, line.method, new Date().toISOString());
                      onError(r.ok ? null : new RxError('BAD_INPUT', `${item.ndc}${item.lot ? ` lot ${item.lot}` : ''}: ${r.error}`));
                      void update(r.draft);
                    }}
                  />
                  {line.full !== null ? (
                    <div className="muted" data-testid="count-containers-summary">
                      {line.full} × {line.size}
                      {line.partials.length ? ` + ${line.partials.join(' + ')} opened` : ''}
                    </div>
                  ) : null}
                </td>
                <td>
                  <button type="button" className="btn" data-testid="count-containers-toggle" onClick={() => setOpenContainers(openContainers === key ? null : key)}>
                    Containers
                  </button>
                  {openContainers === key ? (
                    <ContainersForm
                      onDone={(c) => {
                        const r = setContainers(draftRef.current, key, c, new Date().toISOString());
                        onError(r.ok ? null : new RxError('BAD_INPUT', r.error));
                        if (r.ok) {
                          void update(r.draft);
                          setOpenContainers(null);
                        }
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="count-submit" disabled={props.busy} onClick={props.onSubmit}>
          Submit count
        </button>
        <button type="button" className="btn" data-testid="count-cancel" disabled={props.busy} onClick={props.onCancel}>
          Cancel count
        </button>
      </div>
    </div>
  );
}

function ContainersForm({ onDone }: { onDone: (c: { full: number; size: number; partials: number[] }) => void }) {
  const [full, setFull] = useState('0');
  const [size, setSize] = useState('100');
  const [partials, setPartials] = useState('');
  const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : -1);
  return (
    <div className="count-containers" data-testid="count-containers">
      <label>
        Sealed <input data-testid="count-full" inputMode="numeric" size={4} value={full} onChange={(e) => setFull(e.target.value)} />
      </label>{' '}
      <label>
        × size <input data-testid="count-size" inputMode="numeric" size={5} value={size} onChange={(e) => setSize(e.target.value)} />
      </label>{' '}
      <label>
        + opened (units, comma-separated) <input data-testid="count-partials" size={10} value={partials} onChange={(e) => setPartials(e.target.value)} />
      </label>{' '}
      <button
        type="button"
        className="btn"
        data-testid="count-containers-apply"
        onClick={() => onDone({ full: num(full), size: num(size), partials: partials.split(/[\s,+]+/).filter(Boolean).map(num) })}
      >
        Use
      </button>
    </div>
  );
}

function CountReview({ review, onDone }: { review: Review; onDone: () => void }) {
  const policy = review.policy;
  return (
    <div className="count-review" data-testid="count-review">
      <h2>
        Review of count <span className="mono">{review.count.count_id}</span> ({review.count.scope_label})
      </h2>
      <p className="panel-meta" data-testid="review-policy">
        Tolerance policy v{policy?.version ?? '?'}
        {policy ? ` — CII ${describeTolerance(policy.schedules.CII)}; CIII–V ${describeTolerance(policy.schedules.CIII)}` : ''}. Expected = the ledger at each line&apos;s count time.
      </p>
      <table className="ledger-table">
        <thead>
          <tr>
            <th>NDC</th>
            <th>Lot</th>
            <th>Counted at</th>
            <th className="num">Expected</th>
            <th className="num">Counted</th>
            <th className="num">Variance</th>
            <th>Tolerance</th>
            <th>Outcome</th>
            <th>Movements since</th>
          </tr>
        </thead>
        <tbody>
          {review.lines.map((l) => (
            <tr key={`${l.ndc}|${l.lot ?? ''}`} data-testid="review-line" data-outcome={l.outcome}>
              <td className="mono">{l.ndc}</td>
              <td className="mono">{l.lot ?? 'all lots'}</td>
              <td>{formatLocalDateTime(l.count_time)}</td>
              <td className="num" data-testid="review-expected">
                {l.expected}
              </td>
              <td className="num">{l.counted}</td>
              <td className={`num${l.variance < 0 ? ' negative' : ''}`} data-testid="review-variance">
                {formatSignedDelta(l.variance)}
              </td>
              <td>
                ±{l.allowed} ({l.tolerance_basis}, v{l.tolerance_version})
              </td>
              <td data-testid="review-outcome">
                {OUTCOME_LABEL[l.outcome] ?? l.outcome}
                {l.hold_id ? (
                  <>
                    {' '}
                    <span className="mono" data-testid="review-hold">
                      {l.hold_id}
                    </span>
                  </>
                ) : null}
              </td>
              <td>
                {l.movements_since.length === 0
                  ? 'none'
                  : l.movements_since.map((m) => (
                      <div key={m.hash}>
                        {formatLocalDateTime(m.event_time)} {m.type} {formatSignedDelta(m.delta)}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="btn" data-testid="review-done" onClick={onDone}>
          New count
        </button>
      </div>
    </div>
  );
}
