import { useStore } from 'zustand';
import type { ShipmentPreview } from '../../shared/ipc/receiving-channels';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import type { ReceivingStore } from './receiving-store';

const FLAG_TEXT: Record<ShipmentPreview['lines'][number]['flags'][number], string> = {
  unknown_product: 'not in the drug catalog',
  expired: 'already expired',
  short_dated: 'short-dated',
  controlled: 'controlled substance',
};

/**
 * A shipment file, read but not opened: every line with what to look at first (products the
 * catalog does not know, expired or short-dated lots, controlled substances), so a technician
 * sees the problem before scanning a whole delivery against it.
 */
export function ShipmentPreviewCard({ store: s }: { store: ReceivingStore }) {
  const p = useStore(s, (x) => x.preview)!;
  const busy = useStore(s, (x) => x.busy);
  const error = useStore(s, (x) => (x.errorAt === 'file' ? x.error : null));
  const d = p.data;
  const count = (f: ShipmentPreview['lines'][number]['flags'][number]) => d.lines.filter((l) => l.flags.includes(f)).length;
  const attention = [
    count('unknown_product') ? `${count('unknown_product')} product(s) not in the drug catalog: they cannot be received until the catalog lists them` : null,
    count('expired') ? `${count('expired')} lot(s) already expired: they will be refused at the scan` : null,
    count('short_dated') ? `${count('short_dated')} lot(s) expire within ${d.shortDatedDays} days` : null,
    count('controlled') ? `${count('controlled')} controlled line(s): the supplier's DEA number${d.lines.some((l) => l.schedule === 'CII') ? ' and the DEA Form 222 / CSOS number' : ''} are needed before commit` : null,
  ].filter((x): x is string => x !== null);
  return (
    <section className="rx-card" data-testid="receiving-preview" aria-labelledby="rx-preview-title">
      <h2 id="rx-preview-title">Before you open it: {p.fileName}</h2>
      <p className="muted">
        {d.kind === 'edi856' ? 'EDI 856 ship notice' : 'EPCIS'} · {d.supplier.name ?? 'supplier not named'} · PO {d.poNumber ?? '—'}
        {d.shipDate ? ` · shipped ${d.shipDate}` : ''} · {d.lines.length} line(s)
      </p>
      {attention.length ? (
        <ul className="rx-inline-warn" data-testid="receiving-preview-attention">
          {attention.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : (
        <p className="rx-inline-good">Every product is in the catalog and no lot is expired or short-dated.</p>
      )}
      <div className="table-scroll">
        <table className="ledger-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Product</th>
              <th className="num">Containers</th>
              <th>Lot · expiry</th>
              <th>Look at</th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((l) => (
              <tr key={l.lineNo} data-testid="preview-line" data-flags={l.flags.join(' ')}>
                <td>{l.lineNo}</td>
                <td>
                  {l.name ?? '(not in the catalog)'} <span className="muted mono">{l.ndc ?? l.gtin ?? ''}</span> <ScheduleBadge schedule={l.schedule} />
                </td>
                <td className="num">{l.quantity}</td>
                <td className="mono">
                  {l.lot ?? '—'}
                  {l.expiry ? ` · ${l.expiry}` : ''}
                </td>
                <td>{l.flags.map((f) => FLAG_TEXT[f]).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {d.warnings.length ? (
        <ul className="muted">
          {d.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="rx-inline-error" role="alert" data-testid="receiving-file-error">
          {error.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="receiving-preview-open" disabled={busy} onClick={() => void s.getState().startFromFile(p.fileName, p.text)}>
          Open a receiving session from it
        </button>
        <button type="button" className="btn" data-testid="receiving-preview-cancel" disabled={busy} onClick={() => s.getState().clearPreview()}>
          Choose another file
        </button>
      </div>
    </section>
  );
}
