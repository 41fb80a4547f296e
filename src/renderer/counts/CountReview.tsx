import { describeTolerance } from '../../shared/counts';
import { formatLocalDateTime } from '../format/time';
import { formatSignedUnits, formatUnits } from '../format/units';
import type { Review } from './counts-store';
import { keyOf } from './draft';

const OUTCOME_LABEL: Record<string, string> = {
  within: 'Within tolerance',
  hold: 'Over tolerance: on hold',
  recount_required: 'Over tolerance: recount by a second person',
  recount_within: 'Recount within tolerance',
  under_hold: 'Already on hold',
};

/** The review of a submitted count: expected, counted, variance and tolerance in units, the outcome (a hold), movements since. */
export function CountReview({ review, onDone }: { review: Review; onDone: () => void }) {
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
