import type { ReceivingSessionView } from '../../shared/ipc/receiving-channels';
import { formatUnits } from '../format/units';

/** After the commit: each entry recorded, with its containers, units per container and the units in the ledger. */
export function CommitSummaryTable({ session }: { session: ReceivingSessionView }) {
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
