import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AdjustmentDetailsFields, detailsOf, useDetailsDraft } from './AdjustmentDetailsFields';
import { FieldError, problemId } from '../ui/FieldError';
import { ADJUSTMENT_KIND_LABELS, ADJUSTMENT_KINDS, DEFAULT_REASON_FOR_KIND, MEANING_LABELS, MEANINGS, ndc11Of, REASON_CODES, REASON_LABELS, type AdjustmentKind, type Meaning, type ReasonCode } from '../../shared/counts';
import { RxError, type ChannelOutput } from '../../shared/ipc/contract';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { formatSignedUnits, formatUnits } from '../format/units';
import { usePackageInfo } from '../inventory/use-package-info';
import { asRxError } from '../state/session-store';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ScheduleBadge } from '../ui/ScheduleBadge';

type Holds = ChannelOutput<'holds.list'>['holds'];
type Detail = ChannelOutput<'holds.get'>;
type SigningStatus = ChannelOutput<'signing.status'>;
type Signed = ChannelOutput<'holds.resolve'>;

export function HoldsScreen() {
  const [holds, setHolds] = useState<Holds | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [signing, setSigning] = useState<SigningStatus | null>(null);
  const [error, setError] = useState<RxError | null>(null);
  const [signed, setSigned] = useState<Signed | null>(null);
  // HoldSummary carries no unit: the unit of each NDC comes from its stock rows.
  const packages = usePackageInfo((holds ?? []).map((h) => h.ndc));
  const unitOf = (ndc: string) => packages.get(ndc)?.unit ?? null;

  const load = useCallback(async () => {
    try {
      const [h, s] = await Promise.all([invoke('holds.list', {}), invoke('signing.status', {})]);
      setHolds(h.holds);
      setSigning(s);
      setError(null);
    } catch (err) {
      setError(asRxError(err));
    }
  }, []);

  const open = useCallback(async (holdId: string) => {
    setSelected(holdId);
    try {
      setDetail(await invoke('holds.get', { holdId }));
    } catch (err) {
      setError(asRxError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function after(r: Signed) {
    setSigned(r);
    await load();
    if (selected) await open(selected);
  }

  return (
    <section className="panel" aria-labelledby="holds-title">
      <div className="panel-head">
        <h1 id="holds-title">Holds</h1>
        <button type="button" className="btn" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error} testId="holds-error" />
      {signed ? (
        <div className="banner banner-ok" role="status" data-testid="sign-result">
          {signed.hold_id ? `Hold ${signed.hold_id} released. ` : 'Adjustment recorded. '}
          {signed.manifestations.map((m) => (
            <div key={m} data-testid="sign-manifestation">
              {m}
            </div>
          ))}
          {signed.form_106 ? <div>Marked for DEA Form 106.</div> : null}
        </div>
      ) : null}
      {holds === null ? <p className="panel-meta">Loading…</p> : null}
      {holds !== null && holds.length === 0 ? (
        <p className="empty" data-testid="holds-empty">
          No compliance holds.
        </p>
      ) : null}
      {holds && holds.length > 0 ? (
        <div className="table-x">
          <table className="ledger-table">
            <thead>
              <tr>
                <th>Hold</th>
                <th>Status</th>
                <th>NDC</th>
                <th>Lot</th>
                <th>Schedule</th>
                <th className="num">Expected</th>
                <th className="num">Counted</th>
                <th className="num">Variance</th>
                <th>Placed</th>
              </tr>
            </thead>
            <tbody>
              {holds.map((h) => (
                <tr key={h.hold_id} data-testid="hold-row" data-hold-id={h.hold_id} data-status={h.status} aria-selected={selected === h.hold_id} onClick={() => void open(h.hold_id)} style={{ cursor: 'pointer' }}>
                  <td className="mono">
                    <button type="button" className="btn" data-testid="hold-open" onClick={() => void open(h.hold_id)}>
                      {h.hold_id}
                    </button>
                  </td>
                  <td data-testid="hold-status">{h.status === 'active' ? 'Active: dispensing refused' : `Released by ${h.released_by}`}</td>
                  <td className="mono">{h.ndc}</td>
                  <td className="mono">{h.lot ?? 'all lots'}</td>
                  <td>
                    <ScheduleBadge schedule={h.schedule} />
                  </td>
                  <td className="num" data-testid="hold-expected" data-value={h.expected ?? ''}>
                    {h.expected === null ? '' : formatUnits(h.expected, unitOf(h.ndc))}
                  </td>
                  <td className="num" data-testid="hold-counted" data-value={h.counted ?? ''}>
                    {h.counted === null ? '' : formatUnits(h.counted, unitOf(h.ndc))}
                  </td>
                  <td className="num negative" data-testid="hold-variance" data-value={h.variance ?? ''}>
                    {h.variance === null ? '' : formatSignedUnits(h.variance, unitOf(h.ndc))}
                  </td>
                  <td>{formatLocalDateTime(h.placed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {detail ? <HoldDetail detail={detail} unit={unitOf(detail.hold.ndc)} /> : null}
      {detail && detail.hold.status === 'active' && signing ? (
        signing.canSign ? (
          <SignForm key={detail.hold.hold_id} signing={signing} hold={detail.hold} unit={unitOf(detail.hold.ndc)} onSigned={after} onError={setError} />
        ) : (
          <p className="banner banner-info" data-testid="sign-not-allowed">
            Only a pharmacist can sign the adjustment that releases this hold.
          </p>
        )
      ) : null}
      {signing?.canSign ? <ManualAdjustment signing={signing} onSigned={after} onError={setError} /> : null}
    </section>
  );
}

function HoldDetail({ detail, unit }: { detail: Detail; unit: string | null }) {
  const h = detail.hold;
  return (
    <div className="hold-detail" data-testid="hold-detail">
      <h2>
        Hold <span className="mono">{h.hold_id}</span> on {h.ndc} {h.lot ? `lot ${h.lot}` : '(all lots)'}
      </h2>
      <p className="panel-meta">
        Count {h.count_id} at {h.count_time ? formatLocalDateTime(h.count_time) : '?'} by {h.placed_by}: counted {h.counted === null ? '?' : formatUnits(h.counted, unit)}, expected{' '}
        {h.expected === null ? '?' : formatUnits(h.expected, unit)}, variance {h.variance === null ? '' : formatSignedUnits(h.variance, unit)} (tolerance ±
        {h.allowed === null ? '?' : formatUnits(h.allowed, unit)}, policy v{h.tolerance_version}).
      </p>
      <h3>Movements since the count</h3>
      {detail.movementsSince.length === 0 ? (
        <p className="muted" data-testid="hold-movements-none">
          None.
        </p>
      ) : (
        <ul data-testid="hold-movements">
          {detail.movementsSince.map((m) => (
            <li key={m.hash}>
              {formatLocalDateTime(m.event_time)} {m.type} {formatSignedUnits(m.delta, unit)} by {m.actor}
            </li>
          ))}
        </ul>
      )}
      <h3>History</h3>
      <ol data-testid="hold-history">
        {detail.history.map((e) => (
          <li key={e.hash} data-testid="hold-history-entry" data-type={e.type}>
            {formatLocalDateTime(e.recorded_at)} — {e.type}
            {e.delta !== 0 ? ` ${formatSignedUnits(e.delta, unit)}` : e.type === 'COUNT' ? ` (counted ${formatUnits(e.quantity, unit)})` : ''} by {e.actor} (#{e.seq})
            {e.signatures.map((s) => (
              <div key={s.signer_id} className="muted" data-testid="manifestation" data-verified={s.verified}>
                {s.manifestation}
                {s.verified ? ' ✓ signature verified' : ' ✗ SIGNATURE DOES NOT VERIFY'}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** §11.200: the first signature of a session asks for the user ID too. */
function Credentials({ signing, userId, setUserId, password, setPassword, prefix }: { signing: SigningStatus; userId: string; setUserId: (v: string) => void; password: string; setPassword: (v: string) => void; prefix: string }) {
  return (
    <>
      {signing.needsUserId ? (
        <label className="field">
          <span className="field-label">Your user ID (first signature of this session)</span>
          <input data-testid={`${prefix}-user`} autoComplete="off" value={userId} onChange={(e) => setUserId(e.target.value)} />
        </label>
      ) : null}
      <label className="field">
        <span className="field-label">Your password</span>
        <input type="password" data-testid={`${prefix}-password`} autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
    </>
  );
}

function MeaningReason({ meaning, setMeaning, reason, setReason, prefix }: { meaning: Meaning; setMeaning: (m: Meaning) => void; reason: ReasonCode; setReason: (r: ReasonCode) => void; prefix: string }) {
  return (
    <>
      <label className="field">
        <span className="field-label">Meaning of this signature</span>
        <select data-testid={`${prefix}-meaning`} value={meaning} onChange={(e) => setMeaning(e.target.value as Meaning)}>
          {MEANINGS.map((m) => (
            <option key={m} value={m}>
              {MEANING_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Reason</span>
        <select data-testid={`${prefix}-reason`} value={reason} onChange={(e) => setReason(e.target.value as ReasonCode)}>
          {REASON_CODES.map((r) => (
            <option key={r} value={r}>
              {REASON_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** A second pharmacist or a witness: required for destruction of controlled substances, CII losses, and every CII adjustment under the two-person rule. */
function CoSigner({ prefix, open, coUser, setCoUser, coPassword, setCoPassword }: { prefix: string; open: boolean; coUser: string; setCoUser: (v: string) => void; coPassword: string; setCoPassword: (v: string) => void }) {
  return (
    <details open={open || undefined}>
      <summary>Co-signer (destruction, CII loss, two-person rule for CII)</summary>
      <label className="field">
        <span className="field-label">Second pharmacist or witness: user ID</span>
        <input data-testid={`${prefix}-co-user`} autoComplete="off" value={coUser} onChange={(e) => setCoUser(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Their password</span>
        <input type="password" data-testid={`${prefix}-co-password`} autoComplete="off" value={coPassword} onChange={(e) => setCoPassword(e.target.value)} />
      </label>
    </details>
  );
}

/** A form's problem, shown under it and brought into view when it appears. */
function useProblemInView(fieldId: string): [string | null, (p: string | null) => void] {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (problem) document.getElementById(problemId(fieldId))?.scrollIntoView({ block: 'center' });
  }, [problem, fieldId]);
  return [problem, setProblem];
}

function SignForm({ signing, hold, unit, onSigned, onError }: { signing: SigningStatus; hold: Detail['hold']; unit: string | null; onSigned: (r: Signed) => void; onError: (e: RxError | null) => void }) {
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [meaning, setMeaning] = useState<Meaning>('approval');
  const [reason, setReason] = useState<ReasonCode>('miscount');
  const [lot, setLot] = useState('');
  const [coUser, setCoUser] = useState('');
  const [coPassword, setCoPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useProblemInView('sign-form');
  const details = useDetailsDraft();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await invoke('holds.resolve', {
        holdId: hold.hold_id,
        ...(signing.needsUserId ? { userId: userId.trim() } : {}),
        password,
        meaning,
        reason,
        ...(hold.lot === null && lot.trim() ? { lot: lot.trim() } : {}),
        cosigner: coUser.trim() ? { userId: coUser.trim(), password: coPassword } : null,
        details: detailsOf(details.draft, null, reason),
      });
      setPassword('');
      setCoPassword('');
      setProblem(null);
      onError(null);
      onSigned(r);
    } catch (err) {
      setPassword('');
      // Said beside the Sign button, where the pharmacist is looking, not at the top of the page.
      setProblem(asRxError(err).message);
      onError(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sign-form" data-testid="sign-form" onSubmit={submit}>
      <h3>Sign the adjustment and release the hold</h3>
      <p className="muted">
        The book will be adjusted by {hold.variance === null ? '?' : formatSignedUnits(hold.variance, unit)} to the count. Your signature (21 CFR Part 11) is linked to this record and shows your printed name, the
        date and time and its meaning.
      </p>
      <Credentials signing={signing} userId={userId} setUserId={setUserId} password={password} setPassword={setPassword} prefix="sign" />
      <MeaningReason meaning={meaning} setMeaning={setMeaning} reason={reason} setReason={setReason} prefix="sign" />
      <AdjustmentDetailsFields kind={null} reason={reason} draft={details.draft} set={details.set} prefix="sign" cii={hold.schedule === 'CII'} />
      {hold.lot === null ? (
        <label className="field">
          <span className="field-label">Lot to adjust (when the NDC has several)</span>
          <input data-testid="sign-lot" value={lot} onChange={(e) => setLot(e.target.value)} />
        </label>
      ) : null}
      <CoSigner prefix="sign" open={reason === 'theft_or_loss' && hold.schedule === 'CII'} coUser={coUser} setCoUser={setCoUser} coPassword={coPassword} setCoPassword={setCoPassword} />
      <FieldError fieldId="sign-form" problem={problem} testId="sign-problem" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="sign-submit" disabled={busy || !password}>
          Sign and release
        </button>
      </div>
    </form>
  );
}

function ManualAdjustment({ signing, onSigned, onError }: { signing: SigningStatus; onSigned: (r: Signed) => void; onError: (e: RxError | null) => void }) {
  const [ndc, setNdc] = useState('');
  const [lot, setLot] = useState('');
  const [quantity, setQuantity] = useState('');
  const [kind, setKind] = useState<AdjustmentKind>('breakage');
  const [reason, setReason] = useState<ReasonCode>('breakage');
  const [meaning, setMeaning] = useState<Meaning>('approval');
  const [reference, setReference] = useState('');
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [coUser, setCoUser] = useState('');
  const [coPassword, setCoPassword] = useState('');
  const details = useDetailsDraft();
  const [problem, setProblem] = useProblemInView('adjust-form');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = ndc11Of(ndc);
    if (!n.ok) return setProblem(`NDC: ${n.message}`);
    if (!/^\d+$/.test(quantity.trim())) return setProblem('Units taken out: a whole number of units.');
    try {
      const r = await invoke('adjustments.create', {
        ndc: n.ndc,
        lot: lot.trim() || null,
        quantity: Number(quantity),
        kind,
        reason,
        meaning,
        reference: reference.trim() || null,
        ...(signing.needsUserId ? { userId: userId.trim() } : {}),
        password,
        cosigner: coUser.trim() ? { userId: coUser.trim(), password: coPassword } : null,
        details: detailsOf(details.draft, kind, reason),
      });
      setPassword('');
      setCoPassword('');
      details.reset();
      setProblem(null);
      onError(null);
      onSigned(r);
    } catch (err) {
      setPassword('');
      setProblem(asRxError(err).message);
      onError(null);
    }
  }

  return (
    <details className="manual-adjustment" data-testid="adjust-section">
      <summary>Manual adjustment: breakage, destruction, returns and transfers, theft or loss</summary>
      <form onSubmit={submit} data-testid="adjust-form">
        <label className="field">
          <span className="field-label">NDC</span>
          <input data-testid="adjust-ndc" value={ndc} onChange={(e) => setNdc(e.target.value)} spellCheck={false} />
        </label>
        <label className="field">
          <span className="field-label">Lot</span>
          <input data-testid="adjust-lot" value={lot} onChange={(e) => setLot(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Units taken out (tablets, mL, patches… of the NDC&apos;s package)</span>
          <input data-testid="adjust-quantity" inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Kind</span>
          <select
            data-testid="adjust-kind"
            value={kind}
            onChange={(e) => {
              const k = e.target.value as AdjustmentKind;
              setKind(k);
              setReason(DEFAULT_REASON_FOR_KIND[k]);
            }}
          >
            {ADJUSTMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ADJUSTMENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Reference (return authorization, destruction log)</span>
          <input data-testid="adjust-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
        </label>
        <MeaningReason meaning={meaning} setMeaning={setMeaning} reason={reason} setReason={setReason} prefix="adjust" />
        <AdjustmentDetailsFields kind={kind} reason={reason} draft={details.draft} set={details.set} prefix="adjust" cii={false} />
        <Credentials signing={signing} userId={userId} setUserId={setUserId} password={password} setPassword={setPassword} prefix="adjust" />
        <CoSigner prefix="adjust" open={kind === 'destruction' || kind === 'expired_destruction' || kind === 'theft_or_loss'} coUser={coUser} setCoUser={setCoUser} coPassword={coPassword} setCoPassword={setCoPassword} />
        <FieldError fieldId="adjust-form" problem={problem} testId="adjust-problem" />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="adjust-submit" disabled={!password}>
            Sign adjustment
          </button>
        </div>
      </form>
    </details>
  );
}
