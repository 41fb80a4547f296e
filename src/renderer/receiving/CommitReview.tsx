import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { ReceivingSessionView, SetAsideLineView } from '../../shared/ipc/receiving-channels';
import type { ReceivingStore } from './receiving-store';

const REASON_TEXT: Record<SetAsideLineView['reason'], (a: SetAsideLineView) => string> = {
  cii_over_order_form: (a) => `${a.received} containers received against ${a.expected} on the DEA order form: ${a.excess} beyond it.`,
  controlled_not_ordered: (a) => `${a.received} container${a.received === 1 ? '' : 's'} of a ${a.schedule} product that was not on the order.`,
};

type Choice = { decision: '' | 'accept' | 'refuse'; note: string };

/**
 * The review before commit: every line as it will be recorded (expected, received, lots and
 * expiry, what differs), what stops the commit, and the lines set aside for a pharmacist's
 * signed decision (21 CFR 1305: CII beyond the order form, controlled products not ordered) —
 * accept with a note, or refuse for return. Nothing goes to stock until it is confirmed here.
 */
export function CommitReview({ store: s, session }: { store: ReceivingStore; session: ReceivingSessionView }) {
  const review = useStore(s, (x) => x.review)!;
  const busy = useStore(s, (x) => x.busy);
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  // The review opens below the lines: bring it to the eye and to the keyboard.
  useEffect(() => {
    title.current?.scrollIntoView({ block: 'start' });
    title.current?.focus();
  }, []);
  const choice = (id: number): Choice => choices[id] ?? { decision: '', note: '' };
  const setChoice = (id: number, patch: Partial<Choice>) => setChoices((c) => ({ ...c, [id]: { ...choice(id), ...patch } }));

  function confirm(e: FormEvent) {
    e.preventDefault();
    setLocal(null);
    if (!review.setAside.length) return void s.getState().commit();
    const undecided = review.setAside.filter((a) => !choice(a.lineId).decision);
    if (undecided.length) return setLocal(`Decide line${undecided.length === 1 ? '' : 's'} ${undecided.map((a) => a.lineNo).join(', ')}: accept or refuse for return.`);
    const noNote = review.setAside.filter((a) => choice(a.lineId).decision === 'accept' && !choice(a.lineId).note.trim());
    if (noNote.length) return setLocal(`Line${noNote.length === 1 ? '' : 's'} ${noNote.map((a) => a.lineNo).join(', ')}: say in the note why it is accepted.`);
    if (!userId.trim() || !password) return setLocal("The pharmacist's user ID and password sign these decisions.");
    const lines = review.setAside.map((a) => ({ lineId: a.lineId, decision: choice(a.lineId).decision as 'accept' | 'refuse', note: choice(a.lineId).note }));
    void s.getState().commit({ userId: userId.trim(), password, lines }).finally(() => setPassword(''));
  }

  return (
    <form className="rx-review" data-testid="receiving-review" onSubmit={confirm} aria-labelledby="rx-review-title">
      <h2 id="rx-review-title" ref={title} tabIndex={-1}>Review before commit</h2>
      <table className="ledger-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Product</th>
            <th className="num">Expected</th>
            <th className="num">Received</th>
            <th>Lots · expiry</th>
            <th>Differences</th>
          </tr>
        </thead>
        <tbody>
          {session.lines.map((l) => (
            <tr key={l.id} data-testid="review-line" data-line-no={l.lineNo}>
              <td>{l.lineNo}</td>
              <td>
                {l.name ?? l.ndc ?? l.gtin ?? 'unknown product'} <span className="muted mono">{l.ndc ?? ''}</span>
              </td>
              <td className="num">{l.expected}</td>
              <td className="num">{l.received}</td>
              <td className="mono">{l.lots.length ? l.lots.map((x) => `${x.lot}${x.expiry ? ` · ${x.expiry}` : ''} (${x.containers})`).join('; ') : '—'}</td>
              <td>{[l.received < l.expected ? `short ${l.expected - l.received}` : '', l.received > l.expected && l.origin === 'expected' ? `over ${l.received - l.expected}` : '', l.origin === 'unexpected' ? 'not on the order' : '', ...l.flags.filter((f) => f !== 'over')].filter(Boolean).join(', ') || 'none'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {review.problems.length ? (
        <div className="rx-inline-error" role="alert" data-testid="receiving-review-problems">
          <strong>This cannot be committed yet:</strong>
          <ul>
            {review.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {review.setAside.length ? (
        <fieldset className="rx-set-aside" data-testid="receiving-set-aside">
          <legend>Set aside for a pharmacist — these do not go to stock without a signed decision</legend>
          {review.setAside.map((a) => (
            <div key={a.lineId} className="rx-set-aside-line" data-testid="set-aside-line" data-line-no={a.lineNo}>
              <p>
                <strong>
                  Line {a.lineNo}: {a.name ?? a.ndc}
                </strong>{' '}
                ({a.schedule}) — {REASON_TEXT[a.reason](a)}
              </p>
              <div className="rx-choice" role="radiogroup" aria-label={`Decision for line ${a.lineNo}`}>
                <label>
                  <input type="radio" name={`d-${a.lineId}`} data-testid={`set-aside-accept-${a.lineNo}`} checked={choice(a.lineId).decision === 'accept'} onChange={() => setChoice(a.lineId, { decision: 'accept' })} /> Accept into stock
                </label>
                <label>
                  <input type="radio" name={`d-${a.lineId}`} data-testid={`set-aside-refuse-${a.lineNo}`} checked={choice(a.lineId).decision === 'refuse'} onChange={() => setChoice(a.lineId, { decision: 'refuse' })} />{' '}
                  {a.reason === 'cii_over_order_form' ? `Refuse the ${a.excess} extra for return` : 'Refuse for return'}
                </label>
              </div>
              <label className="field">
                <span className="field-label">Note{choice(a.lineId).decision === 'accept' ? ' (required: why it is accepted)' : ''}</span>
                <input data-testid={`set-aside-note-${a.lineNo}`} value={choice(a.lineId).note} onChange={(e) => setChoice(a.lineId, { note: e.target.value })} />
              </label>
            </div>
          ))}
          <div className="rx-signer">
            <label className="field">
              <span className="field-label">Pharmacist user ID</span>
              <input data-testid="set-aside-user" autoComplete="off" value={userId} onChange={(e) => setUserId(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Password (signs the decisions, 21 CFR Part 11)</span>
              <input type="password" data-testid="set-aside-password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          </div>
        </fieldset>
      ) : null}
      {local ? (
        <p className="rx-inline-error" role="alert" data-testid="receiving-review-error">
          {local}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="receiving-confirm-commit" disabled={busy}>
          {review.setAside.length ? 'Sign decisions and commit to stock' : 'Confirm and commit to stock'}
        </button>
        <button type="button" className="btn" data-testid="receiving-review-back" disabled={busy} onClick={() => s.getState().closeReview()}>
          Back to scanning
        </button>
      </div>
    </form>
  );
}
