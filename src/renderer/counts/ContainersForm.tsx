import { useState } from 'react';
import type { CountItemView } from '../../shared/ipc/counts-channels';
import { describePackage, unitNoun } from '../format/units';
import { readContainers, type Containers, type ContainersProblems } from './containers-form';
import { keyOf, type DraftLine } from './draft';

/**
 * Sealed containers and the units left in each opened one. The container size comes from the
 * catalog (units_per_container) and cannot be changed here when the catalog gives it; where it
 * does not, the counter reads it off the label. Numbers only, each refused at its own field.
 */
export function ContainersForm({ item, line, onDone, onCancel }: { item: CountItemView; line: DraftLine; onDone: (c: Containers) => void; onCancel: () => void }) {
  const catalogSize = item.units_per_container ?? null;
  const [full, setFull] = useState(line.full !== null ? String(line.full) : '');
  const [size, setSize] = useState(catalogSize !== null ? String(catalogSize) : line.size !== null ? String(line.size) : '');
  const [partials, setPartials] = useState(line.partials.join(', '));
  const [problems, setProblems] = useState<ContainersProblems>({});
  const plural = unitNoun(item.unit, 2);
  const id = (f: string) => `containers-${f}-problem-${keyOf(item)}`;

  function apply() {
    const r = readContainers({ full, size, partials }, catalogSize, plural);
    setProblems(r.problems);
    if (r.ok) onDone(r.value);
  }

  const invalid = (f: keyof ContainersProblems) => ({ 'aria-invalid': problems[f] ? true : undefined, 'aria-describedby': problems[f] ? id(f) : undefined });
  const problem = (f: keyof ContainersProblems) =>
    problems[f] ? (
      <div className="field-problem" id={id(f)} role="alert" data-testid={`count-${f}-problem`}>
        {problems[f]}
      </div>
    ) : null;

  return (
    <div
      className="count-containers"
      data-testid="count-containers"
      role="group"
      aria-label={`Count ${item.ndc} ${item.lot ?? ''} by containers`}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
          e.preventDefault();
          apply();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <label className="field">
        <span className="field-label">Sealed containers</span>
        <input data-testid="count-full" inputMode="numeric" autoFocus value={full} onChange={(e) => setFull(e.target.value)} {...invalid('full')} />
        {problem('full')}
      </label>
      <span className="count-times" aria-hidden="true">
        ×
      </span>
      <label className="field">
        <span className="field-label">{catalogSize !== null ? 'Size (from the catalog)' : `${plural.charAt(0).toUpperCase() + plural.slice(1)} per container (from the label)`}</span>
        <input
          data-testid="count-size"
          inputMode="numeric"
          value={size}
          readOnly={catalogSize !== null}
          aria-readonly={catalogSize !== null}
          title={catalogSize !== null ? describePackage(catalogSize, item.unit) : undefined}
          onChange={(e) => setSize(e.target.value)}
          {...invalid('size')}
        />
        <span className="muted small">{catalogSize !== null ? describePackage(catalogSize, item.unit) : `The catalog gives no size: read it off the label.`}</span>
        {problem('size')}
      </label>
      <span className="count-times" aria-hidden="true">
        +
      </span>
      <label className="field">
        <span className="field-label">{plural.charAt(0).toUpperCase() + plural.slice(1)} in each opened container</span>
        <input data-testid="count-partials" inputMode="numeric" placeholder="e.g. 27, 13" value={partials} onChange={(e) => setPartials(e.target.value)} {...invalid('partials')} />
        {problem('partials')}
      </label>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="count-containers-apply" onClick={apply}>
          Use this count
        </button>
        <button type="button" className="btn" data-testid="count-containers-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
