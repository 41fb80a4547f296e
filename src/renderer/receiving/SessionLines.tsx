import { Fragment } from 'react';
import type { ReceivingLineView, ReceivingSessionView } from '../../shared/ipc/receiving-channels';
import { describePackage, formatUnits } from '../format/units';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { LineUnitsPrompt } from './LineUnitsPrompt';
import type { ReceivingStore } from './receiving-store';

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

const containersText = (n: number) => `${n.toLocaleString('en-US')} container${n === 1 ? '' : 's'}`;

/**
 * The session's lines: what was expected and received (containers, and units once the package
 * size is known), the package and where its size came from, the line's state and flags; under a
 * line whose size the catalog does not give, the prompt for it while the session is open.
 */
export function SessionLines({ store: s, session }: { store: ReceivingStore; session: ReceivingSessionView }) {
  const open = session.status === 'open';
  return (
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
  );
}
