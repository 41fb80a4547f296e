import { Fragment } from 'react';
import type { CountItemView } from '../../shared/ipc/counts-channels';
import { formatUnits, unitNoun } from '../format/units';
import { FieldError, invalidProps } from '../ui/FieldError';
import { ScheduleBadge } from '../ui/ScheduleBadge';
import { ContainersForm } from './ContainersForm';
import type { CountsStore } from './counts-store';
import { keyOf, type DraftLine } from './draft';

/**
 * One line to count: what it is, the units counted (keypad, or the containers panel under the
 * row), and the problem with what was typed, at the field.
 */
export function CountLineRow(props: {
  store: CountsStore;
  item: CountItemView;
  line: DraftLine;
  blind: boolean;
  /** The line a scan or a click selected. */
  current: boolean;
  containersOpen: boolean;
  onToggleContainers: () => void;
  onCloseContainers: () => void;
  /** The units field, for the sheet to focus. */
  input: (el: HTMLInputElement | null) => void;
  focusInput: () => void;
}) {
  const { store, item, line, blind } = props;
  const key = keyOf(item);
  // An id from the line's key: NDC and lot may hold characters an id should not.
  const fieldId = `count-units-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <Fragment>
      <tr data-testid="count-line" data-key={key} data-ndc={item.ndc} data-lot={item.lot ?? ''} aria-current={props.current ? 'true' : undefined}>
        <td className="mono">{item.ndc}</td>
        <td>{item.name ?? <span className="muted">Not in catalog</span>}</td>
        <td className="mono">{item.lot ?? <span className="muted">all lots</span>}</td>
        <td>{item.expiry ?? ''}</td>
        <td>{item.location ?? ''}</td>
        <td>
          <ScheduleBadge schedule={item.schedule} />
        </td>
        {blind ? null : <td className="num">{item.expected_now === null ? '' : formatUnits(item.expected_now, item.unit)}</td>}
        <td className="count-cell">
          <div className="count-entry">
            <input
              ref={props.input}
              inputMode="numeric"
              data-testid="count-units"
              aria-label={`${unitNoun(item.unit, 2)} counted of ${item.ndc} ${item.lot ?? ''}`}
              id={fieldId}
              {...invalidProps(fieldId, line.problem)}
              value={line.text}
              onChange={(e) => store.getState().typeCount(key, e.target.value)}
            />
            <span className="count-unit" data-testid="count-unit">
              {unitNoun(item.unit, 2)}
            </span>
          </div>
          <FieldError fieldId={fieldId} problem={line.problem} testId="count-units-problem" />
          {line.full !== null && line.size !== null ? (
            <div className="muted" data-testid="count-containers-summary">
              {containersSummary(line, item)}
            </div>
          ) : null}
        </td>
        <td>
          <button type="button" className="btn" data-testid="count-containers-toggle" aria-expanded={props.containersOpen} onClick={props.onToggleContainers}>
            Containers…
          </button>
        </td>
      </tr>
      {props.containersOpen ? (
        <tr className="count-containers-row">
          <td colSpan={blind ? 8 : 9}>
            <ContainersForm
              item={item}
              line={line}
              onCancel={props.onCloseContainers}
              onDone={(c) => {
                if (store.getState().applyContainers(key, c)) {
                  props.onCloseContainers();
                  props.focusInput();
                }
              }}
            />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** "1 × 30 tablets + 20 tablets opened": what the counter entered, in the line's unit. */
function containersSummary(line: DraftLine, item: CountItemView): string {
  const u = item.unit ?? null;
  const opened = line.partials.length ? ` + ${line.partials.map((p) => formatUnits(p, u)).join(' + ')} opened` : '';
  return `${line.full} × ${formatUnits(line.size ?? 0, u)}${opened} = ${formatUnits(line.counted ?? 0, u)}`;
}
