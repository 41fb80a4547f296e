import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { ReceivingLineView } from '../../shared/ipc/receiving-channels';
import { formatUnits, parseWholeNumber } from '../format/units';
import type { ReceivingStore } from './receiving-store';

/** Dosage units the FDA uses most; any other can be typed. */
const COMMON_UNITS = ['TABLET', 'CAPSULE', 'mL', 'PATCH', 'FILM', 'SUPPOSITORY', 'LOZENGE', 'VIAL', 'AMPULE', 'SYRINGE', 'CARTRIDGE', 'g', 'KIT'];

/**
 * A line whose package the catalog gives no size for: nothing of it can be committed until a
 * person reads the units per container off the package (receiving.setLineUnits, audited and kept
 * for the NDC). Refused at the field when it is not a whole number.
 */
export function LineUnitsPrompt({ store: s, line }: { store: ReceivingStore; line: ReceivingLineView }) {
  const busy = useStore(s, (x) => x.busy);
  const serverError = useStore(s, (x) => (x.errorAt === line.id ? x.error : null));
  const [per, setPer] = useState('');
  const [unit, setUnit] = useState(line.unit ?? '');
  const [problem, setProblem] = useState<{ per?: string; unit?: string }>({});
  const base = `rx-units-${line.id}`;

  function save(e: FormEvent) {
    e.preventDefault();
    const n = parseWholeNumber(per, 'units per container', 1_000_000);
    const next: typeof problem = {};
    if (!n.ok) next.per = n.problem;
    else if (n.value < 1) next.per = 'A container holds at least 1 unit.';
    if (!unit.trim()) next.unit = 'Give the dosage unit (TABLET, CAPSULE, mL…).';
    setProblem(next);
    if (!n.ok || Object.keys(next).length) return;
    void s.getState().setLineUnits(line.id, n.value, unit.trim());
  }

  return (
    <form className="rx-units-prompt" data-testid="line-units-prompt" onSubmit={save} aria-labelledby={`${base}-title`}>
      <p id={`${base}-title`} className="rx-units-title">
        <strong>Line {line.lineNo}: the catalog gives no package size for {line.ndc}.</strong> Read the units in one container off the label; nothing of this line can be committed until then.
      </p>
      <div className="rx-units-fields">
        <label className="field">
          <span className="field-label">Units per container</span>
          <input
            data-testid="line-units-per"
            inputMode="numeric"
            value={per}
            onChange={(e) => {
              setPer(e.target.value);
              setProblem({ ...problem, per: undefined });
            }}
            aria-invalid={problem.per ? true : undefined}
            aria-describedby={problem.per ? `${base}-per` : undefined}
          />
          {problem.per ? (
            <span className="field-problem" id={`${base}-per`} role="alert" data-testid="line-units-per-problem">
              {problem.per}
            </span>
          ) : null}
        </label>
        <label className="field">
          <span className="field-label">Dosage unit</span>
          <input
            data-testid="line-units-unit"
            list={`${base}-units`}
            autoComplete="off"
            spellCheck={false}
            value={unit}
            onChange={(e) => {
              setUnit(e.target.value);
              setProblem({ ...problem, unit: undefined });
            }}
            aria-invalid={problem.unit ? true : undefined}
            aria-describedby={problem.unit ? `${base}-unit` : undefined}
          />
          <datalist id={`${base}-units`}>
            {COMMON_UNITS.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
          {problem.unit ? (
            <span className="field-problem" id={`${base}-unit`} role="alert" data-testid="line-units-unit-problem">
              {problem.unit}
            </span>
          ) : null}
        </label>
        <button type="submit" className="btn btn-primary" data-testid="line-units-save" disabled={busy}>
          Save units per container
        </button>
        {(() => {
          const n = parseWholeNumber(per, 'units');
          return n.ok && n.value > 0 && line.received > 0 ? (
            <span className="muted" data-testid="line-units-preview">
              {line.received} container{line.received === 1 ? '' : 's'} × {formatUnits(n.value, unit || null)} = {formatUnits(line.received * n.value, unit || null)}
            </span>
          ) : null;
        })()}
      </div>
      {serverError ? (
        <p className="rx-inline-error" role="alert" data-testid="line-units-error">
          {serverError.message}
        </p>
      ) : null}
    </form>
  );
}
