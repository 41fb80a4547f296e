import type { AdjustmentDetails } from '../shared/counts';
import { CliError } from './io';

/** The flags of an adjustment's details, shared by `adjust` and `sign-adjustment`. */
export const DETAIL_FLAGS = {
  method: { type: 'string' },
  place: { type: 'string' },
  'counterparty-name': { type: 'string' },
  'counterparty-address': { type: 'string' },
  'counterparty-dea': { type: 'string' },
  'order-form': { type: 'string' },
  'loss-type': { type: 'string' },
  'police-report': { type: 'string' },
  'loss-value': { type: 'string' },
  'corrective-action': { type: 'string' },
  'loss-description': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof DETAIL_FLAGS, string | undefined>>;

/**
 * --method/--place (destruction), --counterparty-name/-address/-dea (returns, transfers),
 * --order-form 222:NUMBER[:LINE] or CSOS:NUMBER, --loss-type/--police-report/--loss-value 123.45/
 * --corrective-action/--loss-description (Form 106). Checked in full by the adjustment itself.
 */
export function detailsFromFlags(v: Values): AdjustmentDetails {
  const d: AdjustmentDetails = {};
  if (v.method !== undefined || v.place !== undefined) d.destruction = { method: v.method ?? '', place: v.place ?? '' };
  if (v['counterparty-name'] !== undefined || v['counterparty-address'] !== undefined || v['counterparty-dea'] !== undefined) {
    d.counterparty = { name: v['counterparty-name'] ?? '', address: v['counterparty-address'] ?? '', dea_number: v['counterparty-dea'] ?? '' };
  }
  if (v['order-form'] !== undefined) {
    const m = /^(222|CSOS):([^:]+)(?::(\d{1,2}))?$/i.exec(v['order-form'].trim());
    if (!m) throw new CliError('--order-form is 222:NUMBER[:LINE] or CSOS:NUMBER (the recipient\'s DEA order form)');
    d.order_form = { kind: m[1]!.toUpperCase() === 'CSOS' ? 'CSOS' : '222', number: m[2]!, ...(m[3] ? { line: Number(m[3]) } : {}) };
  }
  if (v['loss-type'] !== undefined || v['police-report'] !== undefined || v['loss-value'] !== undefined || v['corrective-action'] !== undefined) {
    let value: number | null = null;
    if (v['loss-value'] !== undefined) {
      if (!/^\d+(\.\d{1,2})?$/.test(v['loss-value'].trim())) throw new CliError('--loss-value is the cost in dollars, e.g. 125.40');
      value = Math.round(Number(v['loss-value']) * 100);
    }
    d.loss = {
      type: (v['loss-type'] ?? '') as never,
      police_report: v['police-report'] ?? null,
      value_cents: value,
      corrective_action: v['corrective-action'] ?? null,
      other_description: v['loss-description'] ?? null,
    };
  }
  return d;
}
