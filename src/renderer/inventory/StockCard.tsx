import { useEffect, useRef, useState } from 'react';
import type { RxError } from '../../shared/ipc/contract';
import type { StockCard as Card, StockCardMovement } from '../../shared/ipc/inventory-channels';
import { invoke } from '../api/client';
import { formatLocalDateTime } from '../format/time';
import { containersNote, describePackage, formatSignedUnits, formatUnits } from '../format/units';
import { asRxError } from '../state/session-store';
import { ErrorBanner } from '../ui/ErrorBanner';
import { ScheduleBadge } from '../ui/ScheduleBadge';

export const ENTRY_TYPE_LABEL: Record<StockCardMovement['type'], string> = {
  RECEIPT: 'Receipt',
  DISPENSE: 'Dispense',
  RETURN: 'Return to stock',
  ADJUSTMENT: 'Adjustment',
  COUNT: 'Count',
  HOLD_PLACED: 'Hold placed',
  HOLD_RELEASED: 'Hold released',
  CORRECTION: 'Correction',
  INITIAL_INVENTORY: 'Initial inventory',
};

export interface CardKey {
  ndc: string;
  /** '' = lot unknown. */
  lot: string;
}

/**
 * A lot's stock card in a modal dialog: every movement oldest first with its running balance in
 * dosage units, who, which document, and the signatures. Escape or the Close button returns to
 * the list, on the row that opened it. During the caller's blind count quantities stay hidden.
 */
export function StockCardDialog({ cardKey, onClose }: { cardKey: CardKey; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [card, setCard] = useState<Card | null>(null);
  const [error, setError] = useState<RxError | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
    };
  }, []);

  useEffect(() => {
    let live = true;
    setCard(null);
    setError(null);
    invoke('inventory.stockCard', { ndc: cardKey.ndc, lot: cardKey.lot })
      .then((c) => live && setCard(c))
      .catch((err: unknown) => live && setError(asRxError(err)));
    return () => {
      live = false;
    };
  }, [cardKey.ndc, cardKey.lot]);

  const lotText = cardKey.lot === '' ? 'lot not known' : `lot ${cardKey.lot}`;
  return (
    <dialog
      ref={ref}
      className="stock-card"
      data-testid="stock-card"
      data-ndc={cardKey.ndc}
      data-lot={cardKey.lot}
      aria-labelledby="stock-card-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="stock-card-head">
        <div>
          <h2 id="stock-card-title">
            Stock card · <span className="mono">{cardKey.ndc}</span> · <span className="mono">{lotText}</span>
          </h2>
          {card ? (
            <p className="muted stock-card-product" data-testid="stock-card-product">
              {[card.name ?? 'Not in catalog', card.strength, card.dosage_form].filter(Boolean).join(' · ')} · <ScheduleBadge schedule={card.schedule} /> · {describePackage(card.units_per_container, card.unit)}
              {card.expiry ? ` · expires ${card.expiry}` : ''}
            </p>
          ) : null}
        </div>
        <button type="button" className="btn" data-testid="stock-card-close" onClick={onClose} autoFocus>
          Close <kbd className="key-hint">Esc</kbd>
        </button>
      </div>
      <ErrorBanner error={error} testId="stock-card-error" />
      {!card && !error ? <p className="panel-meta">Loading the stock card…</p> : null}
      {card ? <CardBody card={card} /> : null}
    </dialog>
  );
}

function CardBody({ card }: { card: Card }) {
  const hidden = card.hidden !== null;
  return (
    <>
      <div className="stock-card-facts">
        <div className="stock-card-onhand" data-testid="stock-card-onhand" data-value={card.on_hand ?? undefined} data-hidden={hidden ? 'true' : undefined}>
          <span className="field-label">On hand</span>{' '}
          {card.on_hand === null ? (
            <span className="muted">{card.hidden ?? 'hidden'}</span>
          ) : (
            <>
              <strong>{formatUnits(card.on_hand, card.unit)}</strong>
              {containersNote(card.on_hand, card.units_per_container, card.unit) ? <span className="muted"> ({containersNote(card.on_hand, card.units_per_container, card.unit)})</span> : null}
            </>
          )}
        </div>
        {card.hold ? (
          <p className="banner banner-error held-banner" data-testid="stock-card-hold" role="status">
            <strong>On hold {card.hold.hold_id}</strong> (placed {formatLocalDateTime(card.hold.placed_at)}). {card.hold.message}
          </p>
        ) : null}
      </div>
      {hidden ? (
        <p className="banner banner-info" role="status" data-testid="stock-card-blind-note">
          {card.hidden} Movements are listed without their quantities until your count is submitted or cancelled.
        </p>
      ) : null}
      <div className="table-scroll stock-card-scroll" tabIndex={0} role="region" aria-label="Movements of this lot, oldest first">
        <table className="ledger-table stock-card-table" data-testid="stock-card-movements">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col" className="num">
                Balance
              </th>
              <th scope="col">By</th>
              <th scope="col">Document and signatures</th>
            </tr>
          </thead>
          <tbody>
            {card.movements.map((m) => (
              <tr key={`${m.device_id}:${m.seq}`} data-testid="stock-card-movement" data-type={m.type} data-seq={m.seq}>
                <td title={`Recorded ${formatLocalDateTime(m.recorded_at)} · entry ${m.device_id}#${m.seq}`}>{formatLocalDateTime(m.event_time)}</td>
                <td className="type">{ENTRY_TYPE_LABEL[m.type] ?? m.type}</td>
                <td className="num" data-testid="movement-change" data-value={m.delta ?? undefined}>
                  {m.delta === null ? <span className="muted">hidden</span> : changeText(m, card.unit)}
                </td>
                <td className="num" data-testid="movement-balance" data-value={m.balance ?? undefined}>
                  {m.balance === null ? <span className="muted">hidden</span> : <strong>{formatUnits(m.balance, card.unit)}</strong>}
                </td>
                <td data-testid="movement-actor">
                  {m.actor_name ?? m.actor}
                  {m.actor_name ? <span className="muted"> ({m.actor})</span> : null}
                </td>
                <td className="wrap" data-testid="movement-document">
                  {m.document || <span className="muted">—</span>}
                  {m.note ? (
                    <div className="muted small" data-testid="movement-note">
                      {m.note}
                    </div>
                  ) : null}
                  {m.signatures.map((s) => (
                    <div key={s} className="signature-line" data-testid="movement-signature">
                      {s}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function changeText(m: StockCardMovement, unit: string | null): string {
  if (m.type === 'COUNT') return m.quantity === null ? '' : `counted ${formatUnits(m.quantity, unit)}`;
  if (m.delta === 0 && (m.type === 'HOLD_PLACED' || m.type === 'HOLD_RELEASED')) return '—';
  return formatSignedUnits(m.delta ?? 0, unit);
}
