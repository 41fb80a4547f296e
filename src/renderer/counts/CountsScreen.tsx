import { Fragment, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { describeTolerance, ndc11Of, type CountScope } from '../../shared/counts';
import { SCHEDULES, type Schedule } from '../../shared/domain/schedule';
import { decodeScan } from '../../shared/identifiers';
import { RxError, type ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { describePackage, formatSignedUnits, formatUnits, parseUnitList, parseWholeNumber, unitNoun } from '../format/units';
import { KeyboardWedge } from '../scan/wedge';
import { asRxError } from '../state/session-store';
import { useAppInfo, useSession } from '../state/stores';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { countDrafts } from './draft-db';
import { emptyDraft, keyOf, lineForScan, linesToSubmit, progress, setContainers, setCounted, type CountDraft, type DraftLine } from './draft';
import type { CountItemView } from '../../shared/ipc/counts-channels';

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
    if (!out.ok && out.invalid?.length) {
      const first = out.invalid[0]!;
      document.querySelector<HTMLInputElement>(`[data-testid="count-line"][data-key="${CSS.escape(first.key)}"] [data-testid="count-units"]`)?.focus();
      return setError(new RxError('BAD_INPUT', `Not submitted: ${out.invalid.map((x) => `${x.name}: ${x.problem}`).join('; ')}. Correct the marked field${out.invalid.length === 1 ? '' : 's'}.`));
    }
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
            <th>Counted</th>
            <th>
              <span className="sr-only">Count by containers</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.items.map((item) => {
            const key = keyOf(item);
            const line = draft.lines[key]!;
            return (
              <Fragment key={key}>
                <tr data-testid="count-line" data-key={key} data-ndc={item.ndc} data-lot={item.lot ?? ''} aria-current={draft.focus === key ? 'true' : undefined}>
                  <td className="mono">{item.ndc}</td>
                  <td>{item.name ?? <span className="muted">Not in catalog</span>}</td>
                  <td className="mono">{item.lot ?? <span className="muted">all lots</span>}</td>
                  <td>{item.expiry ?? ''}</td>
                  <td>{item.location ?? ''}</td>
                  <td>
                    <ScheduleBadge schedule={item.schedule} />
                  </td>
                  {draft.blind ? null : (
                    <td className="num">{item.expected_now === null ? '' : formatUnits(item.expected_now, item.unit)}</td>
                  )}
                  <td className="count-cell">
                    <div className="count-entry">
                      <input
                        ref={(el) => {
                          if (el) inputs.current.set(key, el);
                          else inputs.current.delete(key);
                        }}
                        inputMode="numeric"
                        data-testid="count-units"
                        aria-label={`${unitNoun(item.unit, 2)} counted of ${item.ndc} ${item.lot ?? ''}`}
                        aria-invalid={line.problem ? true : undefined}
                        aria-describedby={line.problem ? `count-problem-${key}` : undefined}
                        value={line.text}
                        onChange={(e) => {
                          const r = setCounted(draftRef.current, key, e.target.value, line.method, new Date().toISOString());
                          onError(null);
                          void update(r.draft);
                        }}
                      />
                      <span className="count-unit" data-testid="count-unit">
                        {unitNoun(item.unit, 2)}
                      </span>
                    </div>
                    {line.problem ? (
                      <div className="field-problem" id={`count-problem-${key}`} role="alert" data-testid="count-units-problem">
                        {line.problem.charAt(0).toUpperCase() + line.problem.slice(1)}.
                      </div>
                    ) : null}
                    {line.full !== null && line.size !== null ? (
                      <div className="muted" data-testid="count-containers-summary">
                        {containersSummary(line, item)}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn"
                      data-testid="count-containers-toggle"
                      aria-expanded={openContainers === key}
                      onClick={() => setOpenContainers(openContainers === key ? null : key)}
                    >
                      Containers…
                    </button>
                  </td>
                </tr>
                {openContainers === key ? (
                  <tr className="count-containers-row">
                    <td colSpan={draft.blind ? 8 : 9}>
                      <ContainersForm
                        item={item}
                        line={line}
                        onCancel={() => setOpenContainers(null)}
                        onDone={(c) => {
                          const r = setContainers(draftRef.current, key, c, new Date().toISOString());
                          onError(r.ok ? null : new RxError('BAD_INPUT', r.error));
                          if (r.ok) {
                            void update(r.draft);
                            setOpenContainers(null);
                            inputs.current.get(key)?.focus();
                          }
                        }}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
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

/** "1 × 30 tablets + 20 tablets opened": what the counter entered, in the line's unit. */
function containersSummary(line: DraftLine, item: CountItemView): string {
  const u = item.unit ?? null;
  const opened = line.partials.length ? ` + ${line.partials.map((p) => formatUnits(p, u)).join(' + ')} opened` : '';
  return `${line.full} × ${formatUnits(line.size ?? 0, u)}${opened} = ${formatUnits(line.counted ?? 0, u)}`;
}

/**
 * Sealed containers and the units left in each opened one. The container size comes from the
 * catalog (units_per_container) and cannot be changed here when the catalog gives it; where it
 * does not, the counter reads it off the label. Numbers only, each refused at its own field.
 */
function ContainersForm({ item, line, onDone, onCancel }: { item: CountItemView; line: DraftLine; onDone: (c: { full: number; size: number; partials: number[] }) => void; onCancel: () => void }) {
  const catalogSize = item.units_per_container ?? null;
  const [full, setFull] = useState(line.full !== null ? String(line.full) : '');
  const [size, setSize] = useState(catalogSize !== null ? String(catalogSize) : line.size !== null ? String(line.size) : '');
  const [partials, setPartials] = useState(line.partials.join(', '));
  const [problems, setProblems] = useState<{ full?: string; size?: string; partials?: string }>({});
  const plural = unitNoun(item.unit, 2);
  const id = (f: string) => `containers-${f}-problem-${keyOf(item)}`;

  function apply() {
    const f = full.trim() === '' ? ({ ok: true, value: 0 } as const) : parseWholeNumber(full, 'sealed containers', 100_000);
    const z = catalogSize !== null ? ({ ok: true, value: catalogSize } as const) : parseWholeNumber(size, `${plural} per container`, 1_000_000);
    const p = parseUnitList(partials);
    const next: typeof problems = {};
    if (!f.ok) next.full = f.problem;
    if (!z.ok) next.size = z.problem;
    else if (z.value < 1) next.size = 'A container holds at least 1 unit.';
    if (!p.ok) next.partials = p.problem;
    if (f.ok && p.ok && full.trim() === '' && p.values.length === 0) next.full = 'Enter the sealed containers (0 if none) or the units in an opened one.';
    setProblems(next);
    if (Object.keys(next).length || !f.ok || !z.ok || !p.ok) return;
    onDone({ full: f.value, size: z.value, partials: p.values });
  }

  const invalid = (f: keyof typeof problems) => ({ 'aria-invalid': problems[f] ? true : undefined, 'aria-describedby': problems[f] ? id(f) : undefined });
  const problem = (f: keyof typeof problems) =>
    problems[f] ? (
      <div className="field-problem" id={id(f)} role="alert" data-testid={`count-${f}-problem`}>
        {problems[f]}
      </div>
    ) : null;

  return (
    <div
      className="count-containers"
      data-testid="count-containers"
      role="group"
      aria-label={`Count ${item.ndc} ${item.lot ?? ''} by containers`}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
          e.preventDefault();
          apply();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <label className="field">
        <span className="field-label">Sealed containers</span>
        <input data-testid="count-full" inputMode="numeric" autoFocus value={full} onChange={(e) => setFull(e.target.value)} {...invalid('full')} />
        {problem('full')}
      </label>
      <span className="count-times" aria-hidden="true">
        ×
      </span>
      <label className="field">
        <span className="field-label">{catalogSize !== null ? 'Size (from the catalog)' : `${plural.charAt(0).toUpperCase() + plural.slice(1)} per container (from the label)`}</span>
        <input
          data-testid="count-size"
          inputMode="numeric"
          value={size}
          readOnly={catalogSize !== null}
          aria-readonly={catalogSize !== null}
          title={catalogSize !== null ? describePackage(catalogSize, item.unit) : undefined}
          onChange={(e) => setSize(e.target.value)}
          {...invalid('size')}
        />
        <span className="muted small">{catalogSize !== null ? describePackage(catalogSize, item.unit) : `The catalog gives no size: read it off the label.`}</span>
        {problem('size')}
      </label>
      <span className="count-times" aria-hidden="true">
        +
      </span>
      <label className="field">
        <span className="field-label">{plural.charAt(0).toUpperCase() + plural.slice(1)} in each opened container</span>
        <input data-testid="count-partials" inputMode="numeric" placeholder="e.g. 27, 13" value={partials} onChange={(e) => setPartials(e.target.value)} {...invalid('partials')} />
        {problem('partials')}
      </label>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="count-containers-apply" onClick={apply}>
          Use this count
        </button>
        <button type="button" className="btn" data-testid="count-containers-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function CountReview({ review, onDone }: { review: Review; onDone: () => void }) {
  const policy = review.policy;
  const units = new Map(review.count.items.map((i) => [keyOf(i), i.unit ?? null]));
  const byNdc = new Map(review.count.items.map((i) => [i.ndc, i.unit ?? null]));
  const unitOf = (l: { ndc: string; lot: string | null }) => units.get(keyOf(l)) ?? byNdc.get(l.ndc) ?? null;
  return (
    <div className="count-review" data-testid="count-review">
      <h2>
        Review of count <span className="mono">{review.count.count_id}</span> ({review.count.scope_label})
      </h2>
      <p className="panel-meta" data-testid="review-policy">
        Tolerance policy v{policy?.version ?? '?'}
        {policy ? ` — CII ${describeTolerance(policy.schedules.CII)}; CIII–V ${describeTolerance(policy.schedules.CIII)}` : ''}. Expected = the ledger at each line&apos;s count time.
      </p>
      <div className="table-scroll">
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
            {review.lines.map((l) => {
              const u = unitOf(l);
              return (
                <tr key={`${l.ndc}|${l.lot ?? ''}`} data-testid="review-line" data-outcome={l.outcome} data-variance={l.variance}>
                  <td className="mono">{l.ndc}</td>
                  <td className="mono">{l.lot ?? 'all lots'}</td>
                  <td>{formatLocalDateTime(l.count_time)}</td>
                  <td className="num" data-testid="review-expected" data-value={l.expected}>
                    {formatUnits(l.expected, u)}
                  </td>
                  <td className="num" data-testid="review-counted" data-value={l.counted}>
                    {formatUnits(l.counted, u)}
                  </td>
                  <td className={`num${l.variance < 0 ? ' negative' : ''}`} data-testid="review-variance" data-value={l.variance}>
                    {formatSignedUnits(l.variance, u)}
                  </td>
                  <td>
                    ±{formatUnits(l.allowed, u)} ({l.tolerance_basis}, v{l.tolerance_version})
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
                            {formatLocalDateTime(m.event_time)} {m.type} {formatSignedUnits(m.delta, u)}
                          </div>
                        ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="form-actions">
        <button type="button" className="btn" data-testid="review-done" onClick={onDone}>
          New count
        </button>
      </div>
    </div>
  );
}
