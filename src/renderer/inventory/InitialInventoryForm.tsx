import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { FieldError, focusFirstInvalid, invalidProps } from '../ui/FieldError';
import { usePackageInfo, type PackageInfo } from './use-package-info';
import { ndc11Of } from '../../shared/counts';
import type { ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { containersNote, describePackage, formatUnits, parseUnitList, parseWholeNumber } from '../format/units';
import { DexieDrafts, MemoryDrafts, type DraftStore } from '../receiving/draft-db';
import { asRxError } from '../state/session-store';
import { emptyInitialDraft, emptyInitialLine, isInitialDraft, serverProblems, validateInitial, type InitialDraft, type InitialLineDraft, type LineField, type Problems } from './initial-inventory';
import type { CardKey } from './StockCard';

type Result = ChannelOutput<'inventory.initial'>;
const DRAFT_KEY = 'initial-inventory';
const NO_PROBLEMS: Problems = { lines: {}, form: [] };
const CREDENTIAL_CODES = new Set(['BAD_CREDENTIALS', 'LOCKED', 'DISABLED', 'FORBIDDEN', 'WEAK_PASSWORD', 'MUST_CHANGE_PASSWORD']);

let drafts: DraftStore | null = null;
function draftStore(): DraftStore {
  if (!drafts) {
    try {
      drafts = typeof indexedDB === 'undefined' ? new MemoryDrafts() : new DexieDrafts('rxledger-inventory', typeof localStorage === 'undefined' ? null : localStorage, new Set([DRAFT_KEY]));
    } catch {
      drafts = new MemoryDrafts();
    }
  }
  return drafts;
}

export function InitialInventoryForm({ onBack, onOpenCard }: { onBack: () => void; onOpenCard: (k: CardKey) => void }) {
  const [draft, setDraft] = useState<InitialDraft | null>(null);
  const [password, setPassword] = useState('');
  const [coPassword, setCoPassword] = useState('');
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [credentialProblem, setCredentialProblem] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const [generation, setGeneration] = useState(0);
  const formProblemRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  /** After a refusal: the first field marked invalid comes into view with the cursor in it. */
  const showFirstProblem = () =>
    requestAnimationFrame(() => {
      if (!focusFirstInvalid(formRef.current)) formProblemRef.current?.scrollIntoView({ block: 'center' });
    });
  const resultRef = useRef<HTMLDivElement>(null);

  // A new result is brought into view and focused: the Sign button was at the bottom of the form.
  useEffect(() => {
    if (!result) return;
    resultRef.current?.scrollIntoView({ block: 'start' });
    resultRef.current?.focus({ preventScroll: true });
  }, [result]);

  useEffect(() => {
    let live = true;
    draftStore()
      .get<InitialDraft>(DRAFT_KEY)
      .then((d) => live && setDraft(d && isInitialDraft(d) && d.lines.length ? d : emptyInitialDraft()))
      .catch(() => live && setDraft(emptyInitialDraft()));
    return () => {
      live = false;
    };
  }, []);

  const parsedNdcs = (draft?.lines ?? []).map((l) => ndc11Of(l.ndc.trim())).flatMap((r) => (r.ok ? [r.ndc] : []));
  const packages = usePackageInfo(parsedNdcs, generation);

  if (!draft) return <p className="panel-meta">Loading…</p>;

  const save = (next: InitialDraft) => {
    setDraft(next);
    void draftStore()
      .put(DRAFT_KEY, next)
      .catch(() => {});
  };
  const setLine = (i: number, patch: Partial<InitialLineDraft>) => {
    save({ ...draft, lines: draft.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
    // A corrected field loses its message at once; the others stay until the next try.
    if (problems.lines[i]) {
      const left = { ...problems.lines[i] };
      for (const k of Object.keys(patch)) delete left[k as LineField];
      delete left.line;
      setProblems({ ...problems, lines: { ...problems.lines, [i]: left } });
    }
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    setCredentialProblem(null);
    const v = validateInitial(draft);
    if (!v.ok) {
      setProblems(v.problems);
      showFirstProblem();
      return;
    }
    if (!password) {
      setProblems(NO_PROBLEMS);
      setCredentialProblem('Enter the pharmacist’s password to sign.');
      showFirstProblem();
      return;
    }
    setBusy(true);
    setProblems(NO_PROBLEMS);
    try {
      const r = await invoke('inventory.initial', {
        lines: v.lines,
        taken: draft.taken,
        signer: { userId: draft.signerId.trim(), password },
        cosigner: draft.cosignerId.trim() ? { userId: draft.cosignerId.trim(), password: coPassword } : null,
        note: draft.note.trim() || null,
      });
      setResult(r);
      setGeneration((g) => g + 1);
      const fresh = emptyInitialDraft();
      save({ ...fresh, signerId: draft.signerId, taken: draft.taken });
    } catch (err) {
      const rx = asRxError(err);
      if (CREDENTIAL_CODES.has(rx.code)) setCredentialProblem(rx.message);
      else if (rx.code === 'BAD_INPUT') setProblems(serverProblems(rx.message, v.indexes));
      else setProblems({ lines: {}, form: [rx.message] });
      showFirstProblem();
    } finally {
      setPassword('');
      setCoPassword('');
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="initial-form" data-testid="initial-form" onSubmit={submit} noValidate>
      <div className="panel-head">
        <h1 id="initial-title">Initial inventory</h1>
        <button type="button" className="btn" data-testid="initial-back" onClick={onBack}>
          Back to stock
        </button>
      </div>
      <p className="panel-meta">
        The opening balance of each NDC and lot already on the shelf when the pharmacy starts keeping its records here (21 CFR 1304.11(b)). Count sealed containers and the units in each opened one, or
        count units. A lot that already has movements in the ledger is counted on the Counts screen instead. Saved on this computer as you type; the passwords are never kept.
      </p>
      {result ? (
        <div ref={resultRef} tabIndex={-1} className="banner banner-ok" role="status" data-testid="initial-result">
          <div className="banner-text">
            <strong>
              Initial inventory of {result.inventory_date} ({result.taken === 'opening' ? 'opening of business' : 'close of business'}) recorded and signed: {result.entries.length} line
              {result.entries.length === 1 ? '' : 's'}.
            </strong>
            <ul className="initial-result-lines">
              {result.entries.map((en) => (
                <li key={en.hash} data-testid="initial-result-line" data-ndc={en.ndc} data-lot={en.lot ?? ''} data-quantity={en.quantity}>
                  <span className="mono">{en.ndc}</span> {en.lot ? <span className="mono">lot {en.lot}</span> : 'no lot'}: <strong>{formatUnits(en.quantity, en.unit)}</strong> (entry #{en.seq}){' '}
                  <button type="button" className="btn btn-small" data-testid="initial-result-card" onClick={() => onOpenCard({ ndc: en.ndc, lot: en.lot ?? '' })}>
                    Stock card
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <button type="button" className="btn btn-small" onClick={() => setResult(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="initial-lines" data-testid="initial-lines">
        {draft.lines.map((l, i) => (
          <LineCard
            key={i}
            i={i}
            line={l}
            problems={problems.lines[i] ?? {}}
            pkg={(() => {
              const n = ndc11Of(l.ndc.trim());
              return n.ok ? packages.get(n.ndc) : undefined;
            })()}
            setLine={(p) => setLine(i, p)}
            onRemove={draft.lines.length > 1 ? () => save({ ...draft, lines: draft.lines.filter((_, j) => j !== i) }) : null}
          />
        ))}
      </div>
      <div className="form-actions">
        <button type="button" className="btn" data-testid="initial-add-line" onClick={() => save({ ...draft, lines: [...draft.lines, emptyInitialLine()] })}>
          Add line
        </button>
      </div>
      <fieldset className="initial-sign sign-form" data-testid="initial-sign">
        <legend>Taken and signed by a pharmacist</legend>
        <div className="initial-sign-grid">
          <div className="field" role="radiogroup" aria-labelledby="initial-taken-label">
            <span className="field-label" id="initial-taken-label">
              Taken at
            </span>
            <label className="check">
              <input type="radio" name="initial-taken" data-testid="initial-taken-opening" checked={draft.taken === 'opening'} onChange={() => save({ ...draft, taken: 'opening' })} /> Opening of business
            </label>
            <label className="check">
              <input type="radio" name="initial-taken" data-testid="initial-taken-close" checked={draft.taken === 'close'} onChange={() => save({ ...draft, taken: 'close' })} /> Close of business
            </label>
          </div>
          <label className="field">
            <span className="field-label">Pharmacist’s user ID</span>
            <input data-testid="initial-signer" autoComplete="off" spellCheck={false} value={draft.signerId} onChange={(e) => save({ ...draft, signerId: e.target.value })} />
          </label>
          <div className="field">
            <label className="field-label" htmlFor="initial-password">
              Password
            </label>
            <input
              id="initial-password"
              type="password"
              data-testid="initial-password"
              autoComplete="off"
              value={password}
              {...invalidProps('initial-password', credentialProblem)}
              onChange={(e) => setPassword(e.target.value)}
            />
            <FieldError fieldId="initial-password" problem={credentialProblem} testId="initial-credential-problem" />
          </div>
          <label className="field initial-note">
            <span className="field-label">Note (optional)</span>
            <input data-testid="initial-note" value={draft.note} onChange={(e) => save({ ...draft, note: e.target.value })} />
          </label>
        </div>
        <details>
          <summary>Co-signer (a second pharmacist, or a witness)</summary>
          <div className="initial-sign-grid">
            <label className="field">
              <span className="field-label">Co-signer’s user ID</span>
              <input data-testid="initial-co-signer" autoComplete="off" value={draft.cosignerId} onChange={(e) => save({ ...draft, cosignerId: e.target.value })} />
            </label>
            <label className="field">
              <span className="field-label">Their password</span>
              <input type="password" data-testid="initial-co-password" autoComplete="off" value={coPassword} onChange={(e) => setCoPassword(e.target.value)} />
            </label>
          </div>
        </details>
        <p className="muted">Signing (21 CFR Part 11) links the pharmacist’s printed name, the date and time and the meaning “responsibility” to every line recorded.</p>
        <div ref={formProblemRef}>
          {problems.form.map((p) => (
            <p key={p} className="banner banner-error" role="alert" data-testid="initial-form-problem">
              {p}
            </p>
          ))}
          {Object.keys(problems.lines).some((k) => Object.keys(problems.lines[Number(k)] ?? {}).length) ? (
            <p className="field-problem" role="alert" data-testid="initial-lines-problem">
              Nothing was signed: correct the lines marked above.
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="initial-submit" disabled={busy}>
            {busy ? 'Signing…' : 'Sign and record the initial inventory'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** One NDC and lot: each field with its label, and its problem right under it. */
function LineCard({
  i,
  line: l,
  problems,
  pkg,
  setLine,
  onRemove,
}: {
  i: number;
  line: InitialLineDraft;
  problems: Partial<Record<LineField, string>>;
  pkg: PackageInfo | null | undefined;
  setLine: (p: Partial<InitialLineDraft>) => void;
  onRemove: (() => void) | null;
}) {
  const n = i + 1;
  const id = (f: LineField) => `initial-${i}-${f}`;
  const fieldProps = (f: LineField) => ({ id: id(f), ...invalidProps(id(f), problems[f]) });
  // Not announced one by one: the form says "correct the lines marked" once, and each problem
  // is read with its field as focus reaches it.
  const problem = (f: LineField) => <FieldError fieldId={id(f)} problem={problems[f]} testId={`initial-problem-${f}`} announce={false} />;
  const field = (f: LineField, label: string, input: ReactNode, className = '') => (
    <div className={`field ${className}`}>
      <label className="field-label" htmlFor={id(f)}>
        {label}
      </label>
      {input}
      {problem(f)}
    </div>
  );
  const total = preview(l, pkg);
  return (
    <fieldset className="initial-line" data-testid="initial-line" data-invalid={Object.keys(problems).length ? 'true' : undefined} aria-describedby={problems.line ? `${id('line')}-problem` : undefined}>
      <legend>Line {n}</legend>
      <div className="initial-line-grid">
        {field('ndc', 'NDC', <input data-testid="initial-ndc" spellCheck={false} autoComplete="off" value={l.ndc} onChange={(e) => setLine({ ndc: e.target.value })} {...fieldProps('ndc')} />)}
        {field('lot', 'Lot', <input data-testid="initial-lot" spellCheck={false} autoComplete="off" value={l.lot} onChange={(e) => setLine({ lot: e.target.value })} {...fieldProps('lot')} />)}
        {field('expiry', 'Expiry', <input data-testid="initial-expiry" type="date" value={l.expiry} onChange={(e) => setLine({ expiry: e.target.value })} {...fieldProps('expiry')} />)}
        <div className="field">
          <label className="field-label" htmlFor={`initial-${i}-by`}>
            Counted as
          </label>
          <select id={`initial-${i}-by`} data-testid="initial-by" value={l.by} onChange={(e) => setLine({ by: e.target.value as InitialLineDraft['by'] })}>
            <option value="containers">containers</option>
            <option value="units">units</option>
          </select>
        </div>
        {l.by === 'containers' ? (
          <>
            {field('full', 'Sealed containers', <input data-testid="initial-full" inputMode="numeric" value={l.full} onChange={(e) => setLine({ full: e.target.value })} {...fieldProps('full')} />)}
            {field(
              'partials',
              'Units in opened ones',
              <input data-testid="initial-partials" inputMode="numeric" placeholder="e.g. 27, 13" value={l.partials} onChange={(e) => setLine({ partials: e.target.value })} {...fieldProps('partials')} />,
            )}
          </>
        ) : (
          field('units', 'Units counted in all', <input data-testid="initial-units" inputMode="numeric" value={l.units} onChange={(e) => setLine({ units: e.target.value })} {...fieldProps('units')} />, 'span-2')
        )}
        <div className="initial-line-end">
          {onRemove ? (
            <button type="button" className="btn" aria-label={`Remove line ${n}`} title={`Remove line ${n}`} onClick={onRemove}>
              ✕
            </button>
          ) : null}
        </div>
      </div>
      <p className="initial-total" data-testid="initial-preview" aria-live="polite">
        {total ? `In all: ${total}` : ''}
      </p>
      {problems.line ? (
        <div className="field-problem" id={`${id('line')}-problem`} role="alert" data-testid="initial-problem-line">
          {problems.line}
        </div>
      ) : null}
    </fieldset>
  );
}

/** "= 127 tablets (1 × 100 tablets + 27 tablets)" where the package size is known here. */
function preview(l: InitialLineDraft, pkg: PackageInfo | null | undefined): string {
  if (l.by === 'units') {
    const u = parseWholeNumber(l.units);
    if (!u.ok) return '';
    return pkg ? formatUnits(u.value, pkg.unit) : `${u.value.toLocaleString('en-US')} units`;
  }
  const full = l.full.trim() === '' ? { ok: true as const, value: 0 } : parseWholeNumber(l.full, 'containers', 100_000);
  const partials = parseUnitList(l.partials);
  if (!full.ok || !partials.ok || (l.full.trim() === '' && l.partials.trim() === '')) return '';
  if (!pkg?.units_per_container) {
    return `${full.value} sealed${partials.values.length ? ` + ${partials.values.reduce((a, b) => a + b, 0)} units opened` : ''} (${pkg === null ? 'size from the catalog when signed' : 'size from the catalog'})`;
  }
  const total = full.value * pkg.units_per_container + partials.values.reduce((a, b) => a + b, 0);
  const c = containersNote(total, pkg.units_per_container, pkg.unit);
  return `${formatUnits(total, pkg.unit)}${c && c !== formatUnits(total, pkg.unit) ? ` (${c})` : ''} · ${describePackage(pkg.units_per_container, pkg.unit)}`;
}

