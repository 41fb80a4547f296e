import { useStore } from 'zustand';
import { emptyLine, type PoDraft, type ReceivingStore } from './receiving-store';

/** A purchase order typed in (kept on this computer as it is typed); the main process checks every field. */
export function ManualPoForm({ store: s }: { store: ReceivingStore }) {
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
