import { Fragment, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { ReceivingLineView, ReceivingSessionView } from '../../shared/ipc/receiving-channels';
import { VERDICTS, type Verdict } from '../../shared/receiving/match';
import { invoke } from '../api/client';
import { describePackage, formatUnits, parseWholeNumber } from '../format/units';
import { KeyboardWedge } from '../scan/wedge';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { DexieDrafts, MemoryDrafts, type DraftStore } from './draft-db';
import { beep, unlockAudio } from './feedback';
import { createReceivingStore, emptyLine, type PoDraft, type ReceivingStore } from './receiving-store';
import './receiving.css';

let store: ReceivingStore | null = null;
function receivingStore(): ReceivingStore {
  if (!store) {
    let drafts: DraftStore;
    try {
      drafts = typeof indexedDB === 'undefined' ? new MemoryDrafts() : new DexieDrafts();
    } catch {
      drafts = new MemoryDrafts();
    }
    store = createReceivingStore({ invoke, drafts, feedback: beep });
  }
  return store;
}

const STATE_LABEL: Record<ReceivingLineView['state'], string> = {
  waiting: 'Waiting',
  partial: 'Partial',
  complete: 'Complete',
  over: 'Over',
  unexpected: 'Not expected',
};

const FLAG_LABEL: Record<string, string> = {
  'wrong-lot': 'wrong lot',
  over: 'over',
  'short-dated': 'short-dated',
  'serial-not-listed': 'serial not listed',
  'unexpected-product': 'not on shipment',
};

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

export function ReceivingScreen() {
  const s = receivingStore();
  // Ready for scans once the drafts are back and the feed has its cursor: a scan before that
  // would be read as history and not flashed.
  const ready = useStore(s, (x) => x.ready && x.listening);
  const session = useStore(s, (x) => x.session);
  const error = useStore(s, (x) => (x.errorAt === null ? x.error : null));
  const [usbNote, setUsbNote] = useState<string | null>(null);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let alive = true;
    void s
      .getState()
      .init()
      .then(() => {
        if (alive) stop = s.getState().run();
      });
    invoke('receiving.scanners', {})
      .then((st) => setUsbNote(st.usbAvailable ? `${st.scanners.length} USB scanner${st.scanners.length === 1 ? '' : 's'} connected` : st.message))
      .catch(() => {});
    return () => {
      alive = false;
      stop?.();
    };
  }, [s]);

  // Scanners left in keyboard mode: the wedge turns their fast keystrokes into scans.
  useEffect(() => {
    const wedge = new KeyboardWedge({ scannerId: 'keyboard-wedge' });
    const onKey = (e: KeyboardEvent) => {
      unlockAudio();
      if (isTyping(e.target)) return;
      const r = wedge.handle(e);
      if (r.kind === 'scan') {
        e.preventDefault();
        void invoke('receiving.wedgeScan', { raw: r.scan.raw, scannerId: r.scan.scannerId, symbologyId: r.scan.symbologyId }).catch(() => {});
      }
    };
    const onPointer = () => unlockAudio();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, []);

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

function StartView({ store: s }: { store: ReceivingStore }) {
  const open = useStore(s, (x) => x.openSessions);
  const busy = useStore(s, (x) => x.busy);
  const flash = useStore(s, (x) => x.flash);
  const fileRef = useRef<HTMLInputElement>(null);

  async function onFile(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    await s.getState().startFromFile(f.name, await f.text());
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
      <div className="rx-card">
        <h2>From a shipment file</h2>
        <p className="muted">EDI 856 ship notice (X12), or DSCSA EPCIS (1.2 XML or 2.0 JSON).</p>
        <input ref={fileRef} type="file" data-testid="receiving-file" accept=".edi,.x12,.txt,.856,.xml,.json,.jsonld" disabled={busy} onChange={(e) => void onFile(e.target.files)} />
      </div>
      <ManualPoForm store={s} />
    </div>
  );
}

function ManualPoForm({ store: s }: { store: ReceivingStore }) {
  const po = useStore(s, (x) => x.po);
  const busy = useStore(s, (x) => x.busy);
  const startError = useStore(s, (x) => (x.errorAt === 'start' ? x.error : null));
  const set = (patch: Partial<PoDraft>) => s.getState().setPo({ ...po, ...patch });
  const setLine = (i: number, patch: Partial<PoDraft['lines'][number]>) => set({ lines: po.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const field = (label: string, key: 'supplierName' | 'supplierAddress' | 'supplierDea' | 'poNumber' | 'orderNumber', testId: string) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input data-testid={testId} value={po[key]} onChange={(e) => set({ [key]: e.target.value })} />
    </label>
  );
  return (
    <form
      className="rx-card"
      onSubmit={(e) => {
        e.preventDefault();
        void s.getState().startFromPo();
      }}
    >
      <h2>From a purchase order</h2>
      <div className="rx-grid">
        {field('Supplier name', 'supplierName', 'po-supplier-name')}
        {field('Supplier address', 'supplierAddress', 'po-supplier-address')}
        {field('Supplier DEA number', 'supplierDea', 'po-supplier-dea')}
        {field('PO number', 'poNumber', 'po-number')}
        <label className="field">
          <span className="field-label">CII order form</span>
          <select data-testid="po-order-kind" value={po.orderKind} onChange={(e) => set({ orderKind: e.target.value as PoDraft['orderKind'] })}>
            <option value="">none</option>
            <option value="222">DEA Form 222</option>
            <option value="CSOS">CSOS</option>
          </select>
        </label>
        {field('222 / CSOS order number', 'orderNumber', 'po-order-number')}
      </div>
      <table className="rx-po-lines">
        <thead>
          <tr>
            <th>NDC</th>
            <th>Containers</th>
            <th>Lot (if known)</th>
            <th>Expiry</th>
            <th>Schedule</th>
            <th>Units per container</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {po.lines.map((l, i) => (
            <tr key={i} data-testid="po-line">
              <td>
                <input aria-label={`Line ${i + 1} NDC`} data-testid="po-line-ndc" value={l.ndc} onChange={(e) => setLine(i, { ndc: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Line ${i + 1} containers`} data-testid="po-line-qty" inputMode="numeric" value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Line ${i + 1} lot`} data-testid="po-line-lot" value={l.lot} onChange={(e) => setLine(i, { lot: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Line ${i + 1} expiry`} type="date" value={l.expiry} onChange={(e) => setLine(i, { expiry: e.target.value })} />
              </td>
              <td>
                <select aria-label={`Line ${i + 1} schedule`} data-testid="po-line-schedule" value={l.schedule} onChange={(e) => setLine(i, { schedule: e.target.value as PoDraft['lines'][number]['schedule'] })}>
                  <option value="">from catalog</option>
                  <option value="CII">CII</option>
                  <option value="CIII">CIII</option>
                  <option value="CIV">CIV</option>
                  <option value="CV">CV</option>
                  <option value="none">not controlled</option>
                </select>
              </td>
              <td>
                <input
                  aria-label={`Line ${i + 1} units per container (empty: the catalog's)`}
                  data-testid="po-line-upc"
                  inputMode="numeric"
                  placeholder="from catalog"
                  value={l.unitsPerContainer}
                  onChange={(e) => setLine(i, { unitsPerContainer: e.target.value })}
                />
              </td>
              <td>
                <button type="button" className="btn" aria-label={`Remove line ${i + 1}`} onClick={() => set({ lines: po.lines.filter((_, j) => j !== i) })} disabled={po.lines.length === 1}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="btn" data-testid="po-add-line" onClick={() => set({ lines: [...po.lines, emptyLine()] })}>
          Add line
        </button>
        <button type="submit" className="btn btn-primary" data-testid="po-start" disabled={busy}>
          Start receiving
        </button>
      </div>
      {startError ? (
        <p className="rx-inline-error" role="alert" data-testid="po-start-error">
          {startError.message}
        </p>
      ) : null}
    </form>
  );
}

function SessionView({ store: s, session }: { store: ReceivingStore; session: ReceivingSessionView }) {
  const flash = useStore(s, (x) => x.flash);
  const feed = useStore(s, (x) => x.feed);
  const busy = useStore(s, (x) => x.busy);
  const sessionFeed = useMemo(() => feed.filter((e) => e.sessionId === session.id || e.sessionId === null).slice(-25).reverse(), [feed, session.id]);
  const open = session.status === 'open';
  const [dea, setDea] = useState(session.supplier.deaNumber ?? '');
  const [orderKind, setOrderKind] = useState<'' | '222' | 'CSOS'>(session.orderForm?.kind ?? '');
  const [orderNumber, setOrderNumber] = useState(session.orderForm?.number ?? '');
  const hasCII = session.lines.some((l) => l.schedule === 'CII');
  const commitError = useStore(s, (x) => (x.errorAt === 'commit' ? x.error : null));
  const unsized = session.lines.filter((l) => l.received > 0 && l.unitsPerContainer === null);

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

      <div className="table-scroll">
        <table className="ledger-table rx-lines">
          <thead>
            <tr>
              <th>#</th>
              <th>Product</th>
              <th>Lot · expiry</th>
              <th className="num">Expected</th>
              <th className="num">Received</th>
              <th>Package</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {session.lines.map((l) => (
              <Fragment key={l.id}>
                <tr data-testid="receiving-line" data-ndc={l.ndc ?? ''} data-state={l.state} data-line-id={l.id} className={`rx-line rx-line-${l.state}`}>
                  <td>{l.lineNo}</td>
                  <td>
                    <div>{l.name ?? l.ndc ?? l.gtin ?? 'unknown product'}</div>
                    <div className="muted mono">
                      {l.ndc ?? '—'} <ScheduleBadge schedule={l.schedule} />
                    </div>
                  </td>
                  <td className="mono">
                    {l.lot ?? 'any'}
                    {l.expiry ? ` · ${l.expiry}` : ''}
                    {l.lots
                      .filter((x) => x.lot !== l.lot)
                      .map((x) => (
                        <div key={x.lot + (x.expiry ?? '')} className="rx-other-lot">
                          got {x.lot} × {x.containers}
                        </div>
                      ))}
                  </td>
                  <td className="num">{containersText(l.expected)}</td>
                  <td className="num rx-received" data-testid="line-received" data-value={l.received}>
                    {containersText(l.received)}
                    <span className="qty-note" data-testid="line-received-units" data-value={l.receivedUnits ?? ''}>
                      {l.receivedUnits !== null ? `= ${formatUnits(l.receivedUnits, l.unit)}` : l.received ? 'units not known yet' : ''}
                    </span>
                  </td>
                  <td data-testid="line-package" data-units-per-container={l.unitsPerContainer ?? ''}>
                    {l.unitsPerContainer !== null ? (
                      <>
                        <div>{describePackage(l.unitsPerContainer, l.unit)}</div>
                        <div className="qty-note">{l.unitsSource === 'catalog' ? 'from the catalog' : (l.unitsSource ?? '')}</div>
                      </>
                    ) : (
                      <span className="rx-pill rx-pill-bad" data-testid="line-size-unknown">
                        size unknown
                      </span>
                    )}
                  </td>
                  <td>
                    <span className={`rx-state rx-state-${l.state}`} data-testid="line-state">
                      {STATE_LABEL[l.state]}
                    </span>
                    {l.flags.map((f) => (
                      <span key={f} className="rx-pill rx-pill-warn" data-testid="line-flag" data-flag={f}>
                        {FLAG_LABEL[f] ?? f}
                      </span>
                    ))}
                    {l.suspect ? <span className="rx-pill rx-pill-bad">{l.suspect} suspect</span> : null}
                    {l.rejected ? <span className="rx-pill rx-pill-bad">{l.rejected} set aside</span> : null}
                  </td>
                </tr>
                {open && l.unitsPerContainer === null && l.ndc ? (
                  <tr className="rx-units-row">
                    <td />
                    <td colSpan={6}>
                      <LineUnitsPrompt store={s} line={l} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>

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
            <button type="button" className="btn btn-primary" data-testid="receiving-commit" disabled={busy || session.totals.received === 0} onClick={() => void s.getState().commit()} aria-describedby="receiving-commit-note">
              Commit to stock
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

      <h2 className="rx-feed-title">Scans</h2>
      <ol className="rx-feed" data-testid="receiving-feed">
        {sessionFeed.map((e) => (
          <li key={e.id} className={`rx-feed-item rx-tone-${e.tone}`} data-testid="receiving-scan" data-verdict={e.verdict} data-tone={e.tone} data-scan-id={e.id}>
            <span className="rx-feed-verdict">{VERDICTS[e.verdict as Verdict]?.label ?? e.verdict}</span>
            <span className="rx-feed-msg">{e.message}</span>
            <span className="muted mono rx-feed-raw" title="raw scan">
              {e.raw.replace(/\u001d/g, '⟨GS⟩')}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function FlashPanel({ flash, active }: { flash: ReturnType<ReceivingStore['getState']>['flash']; active: boolean }) {
  const tone = flash?.tone ?? 'idle';
  return (
    <>
      <div
        className={`rx-flash rx-flash-${tone}`}
        data-testid="receiving-flash"
        data-tone={tone}
        data-seq={flash?.seq ?? 0}
        data-verdict={flash?.verdict ?? ''}
        data-scan-id={flash?.scanId ?? 0}
        role="status"
        aria-live="assertive"
      >
        <div className="rx-flash-label">{flash ? (VERDICTS[flash.verdict as Verdict]?.label ?? flash.verdict) : active ? 'Ready — scan a unit or a case' : 'Not taking scans'}</div>
        {flash ? <div className="rx-flash-msg">{flash.message}</div> : null}
      </div>
      {flash ? <div key={flash.seq} className={`rx-edge rx-edge-${flash.tone}`} aria-hidden="true" /> : null}
    </>
  );
}

const containersText = (n: number) => `${n.toLocaleString('en-US')} container${n === 1 ? '' : 's'}`;

/** Dosage units the FDA uses most; any other can be typed. */
const COMMON_UNITS = ['TABLET', 'CAPSULE', 'mL', 'PATCH', 'FILM', 'SUPPOSITORY', 'LOZENGE', 'VIAL', 'AMPULE', 'SYRINGE', 'CARTRIDGE', 'g', 'KIT'];

/**
 * A line whose package the catalog gives no size for: nothing of it can be committed until a
 * person reads the units per container off the package (receiving.setLineUnits, audited and kept
 * for the NDC). Refused at the field when it is not a whole number.
 */
function LineUnitsPrompt({ store: s, line }: { store: ReceivingStore; line: ReceivingLineView }) {
  const busy = useStore(s, (x) => x.busy);
  const serverError = useStore(s, (x) => (x.errorAt === line.id ? x.error : null));
  const [per, setPer] = useState('');
  const [unit, setUnit] = useState(line.unit ?? '');
  const [problem, setProblem] = useState<{ per?: string; unit?: string }>({});
  const base = `rx-units-${line.id}`;

  function save(e: FormEvent) {
    e.preventDefault();
    const n = parseWholeNumber(per, 'units per container', 1_000_000);
    const next: typeof problem = {};
    if (!n.ok) next.per = n.problem;
    else if (n.value < 1) next.per = 'A container holds at least 1 unit.';
    if (!unit.trim()) next.unit = 'Give the dosage unit (TABLET, CAPSULE, mL…).';
    setProblem(next);
    if (!n.ok || Object.keys(next).length) return;
    void s.getState().setLineUnits(line.id, n.value, unit.trim());
  }

  return (
    <form className="rx-units-prompt" data-testid="line-units-prompt" onSubmit={save} aria-labelledby={`${base}-title`}>
      <p id={`${base}-title`} className="rx-units-title">
        <strong>Line {line.lineNo}: the catalog gives no package size for {line.ndc}.</strong> Read the units in one container off the label; nothing of this line can be committed until then.
      </p>
      <div className="rx-units-fields">
        <label className="field">
          <span className="field-label">Units per container</span>
          <input
            data-testid="line-units-per"
            inputMode="numeric"
            value={per}
            onChange={(e) => {
              setPer(e.target.value);
              setProblem({ ...problem, per: undefined });
            }}
            aria-invalid={problem.per ? true : undefined}
            aria-describedby={problem.per ? `${base}-per` : undefined}
          />
          {problem.per ? (
            <span className="field-problem" id={`${base}-per`} role="alert" data-testid="line-units-per-problem">
              {problem.per}
            </span>
          ) : null}
        </label>
        <label className="field">
          <span className="field-label">Dosage unit</span>
          <input
            data-testid="line-units-unit"
            list={`${base}-units`}
            autoComplete="off"
            spellCheck={false}
            value={unit}
            onChange={(e) => {
              setUnit(e.target.value);
              setProblem({ ...problem, unit: undefined });
            }}
            aria-invalid={problem.unit ? true : undefined}
            aria-describedby={problem.unit ? `${base}-unit` : undefined}
          />
          <datalist id={`${base}-units`}>
            {COMMON_UNITS.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
          {problem.unit ? (
            <span className="field-problem" id={`${base}-unit`} role="alert" data-testid="line-units-unit-problem">
              {problem.unit}
            </span>
          ) : null}
        </label>
        <button type="submit" className="btn btn-primary" data-testid="line-units-save" disabled={busy}>
          Save units per container
        </button>
        {(() => {
          const n = parseWholeNumber(per, 'units');
          return n.ok && n.value > 0 && line.received > 0 ? (
            <span className="muted" data-testid="line-units-preview">
              {line.received} container{line.received === 1 ? '' : 's'} × {formatUnits(n.value, unit || null)} = {formatUnits(line.received * n.value, unit || null)}
            </span>
          ) : null;
        })()}
      </div>
      {serverError ? (
        <p className="rx-inline-error" role="alert" data-testid="line-units-error">
          {serverError.message}
        </p>
      ) : null}
    </form>
  );
}

function CommitSummaryTable({ session }: { session: ReceivingSessionView }) {
  const c = session.commit!;
  return (
    <div className="rx-commit-summary">
      <h2 className="rx-summary-title">Recorded in the ledger, in dosage units</h2>
      <div className="table-scroll">
        <table className="ledger-table" data-testid="receiving-commit-summary">
          <thead>
            <tr>
              <th>Line</th>
              <th>NDC</th>
              <th>Lot · expiry</th>
              <th className="num">Containers</th>
              <th className="num">Per container</th>
              <th className="num">Recorded</th>
              <th className="num">Entry</th>
            </tr>
          </thead>
          <tbody>
            {c.entries.map((e) => (
              <tr key={e.seq} data-testid="commit-entry" data-ndc={e.ndc} data-lot={e.lot} data-quantity={e.quantity}>
                <td>{e.lineNo}</td>
                <td className="mono">{e.ndc}</td>
                <td className="mono">
                  {e.lot || '—'}
                  {e.expiry ? ` · ${e.expiry}` : ''}
                </td>
                <td className="num">{e.containers}</td>
                <td className="num">{e.unitsPerContainer ? formatUnits(e.unitsPerContainer, e.unit ?? null) : '—'}</td>
                <td className="num" data-testid="commit-entry-units">
                  <strong>{formatUnits(e.quantity, e.unit ?? null)}</strong>
                </td>
                <td className="num mono">#{e.seq}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

