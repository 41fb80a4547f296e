import { useState, type FormEvent } from 'react';
import type { ReceivingStore } from './receiving-store';

type Field = 'barcode' | 'ndc' | 'lot' | 'expiry' | 'serial';

/** "field: message" from the workstation's refusal, so the message goes beside its field. */
const fieldOf = (message: string): { field: Field | null; text: string } => {
  const m = /^(barcode|ndc|lot|expiry|serial): (.*)$/s.exec(message);
  return m ? { field: m[1] as Field, text: m[2]! } : { field: null, text: message };
};

/**
 * A unit whose barcode cannot be read: the code printed under the barcode, or the NDC, lot,
 * expiry and serial read off the label. It takes the scan's path (flash, beep, line) and is
 * recorded as hand-keyed.
 */
export function KeyedEntry({ store: s }: { store: ReceivingStore }) {
  const [v, setV] = useState({ barcode: '', ndc: '', lot: '', expiry: '', serial: '' });
  const [problem, setProblem] = useState<{ field: Field | null; text: string } | null>(null);
  const set = (k: Field) => (e: { target: { value: string } }) => setV((x) => ({ ...x, [k]: e.target.value }));

  async function send(e: FormEvent, input: Parameters<ReturnType<ReceivingStore['getState']>['keyed']>[0], clear: Field[]) {
    e.preventDefault();
    setProblem(null);
    const r = await s.getState().keyed(input);
    if (!r.ok) return setProblem(fieldOf(r.message));
    setV((x) => ({ ...x, ...Object.fromEntries(clear.map((k) => [k, ''])) }));
  }

  const field = (k: Field, label: string, extra: { placeholder?: string; inputMode?: 'numeric' } = {}) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input data-testid={`keyed-${k}`} value={v[k]} onChange={set(k)} autoComplete="off" aria-invalid={problem?.field === k || undefined} aria-describedby={problem?.field === k ? 'keyed-problem' : undefined} {...extra} />
      {problem?.field === k ? (
        <span id="keyed-problem" className="rx-inline-error" role="alert" data-testid={`keyed-${k}-problem`}>
          {problem.text}
        </span>
      ) : null}
    </label>
  );

  return (
    <details className="rx-card" data-testid="receiving-keyed">
      <summary>Barcode will not scan? Key it by hand</summary>
      <form onSubmit={(e) => void send(e, { barcode: v.barcode }, ['barcode'])}>
        {field('barcode', 'The code printed under the barcode, e.g. (01)00300021200305(17)281231(10)A123(21)S1')}
        <button type="submit" className="btn" data-testid="keyed-barcode-submit">
          Receive this code
        </button>
      </form>
      <form onSubmit={(e) => void send(e, { ndc: v.ndc, lot: v.lot, expiry: v.expiry, serial: v.serial.trim() || null }, ['serial'])}>
        {field('ndc', 'NDC as printed, with hyphens')}
        {field('lot', 'Lot')}
        {field('expiry', 'Expiry (YYYY-MM-DD)', { placeholder: '2028-12-31' })}
        {field('serial', 'Serial number (if printed)')}
        <button type="submit" className="btn" data-testid="keyed-unit-submit">
          Receive this unit
        </button>
      </form>
      {problem && problem.field === null ? (
        <p className="rx-inline-error" role="alert" data-testid="keyed-problem-general">
          {problem.text}
        </p>
      ) : null}
    </details>
  );
}
