import type { StockListRow as StockRow } from '../../shared/ipc/contract';
import { parseNdc } from '../../shared/identifiers/ndc';
import { parseWholeNumber } from '../format/units';

/** A row with its searchable text prepared once, so each keystroke over 10,000 rows stays cheap. */
export interface IndexedStockRow {
  row: StockRow;
  ndcDigits: string;
  text: string;
}

export function indexStock(rows: readonly StockRow[]): IndexedStockRow[] {
  return rows.map((row) => ({
    row,
    ndcDigits: row.ndc.replace(/\D/g, ''),
    text: `${row.ndc} ${row.lot} ${row.name ?? ''} ${row.schedule ?? ''}`.toLowerCase(),
  }));
}

type Term = (r: IndexedStockRow) => boolean;

/**
 * One term matches an NDC typed with or without hyphens (a package-label 10-digit form with
 * hyphens is padded to the stored 11-digit form first), or any part of lot, name or schedule.
 */
function termMatcher(raw: string): Term {
  const term = raw.toLowerCase();
  const digits = term.replace(/[\s-]/g, '');
  const textMatch: Term = (r) => r.text.includes(term);
  if (!/^\d+$/.test(digits)) return textMatch;
  const parsed = term.includes('-') ? parseNdc(term) : null;
  const exact = parsed?.ok ? parsed.digits : null;
  return (r) => (exact !== null && r.ndcDigits === exact) || r.ndcDigits.includes(digits) || textMatch(r);
}

/** Every whitespace-separated term must match ("oxycodone 5mg", "00406 lot7"). */
export function filterStock(index: readonly IndexedStockRow[], query: string): StockRow[] {
  const terms = query.trim().split(/\s+/).filter(Boolean).map(termMatcher);
  if (terms.length === 0) return index.map((r) => r.row);
  const out: StockRow[] = [];
  for (const r of index) if (terms.every((t) => t(r))) out.push(r.row);
  return out;
}

export interface StockFilters {
  onHold: boolean;
  expiring: boolean;
  /** As typed; applied only when it is a whole number of days. */
  days: string;
}

/** The stock.list input of the filters, or the problem with the number of days. */
export function filterInput(f: StockFilters): { ok: true; input: { onHold?: boolean; expiresWithinDays?: number } } | { ok: false; problem: string } {
  const input: { onHold?: boolean; expiresWithinDays?: number } = {};
  if (f.onHold) input.onHold = true;
  if (f.expiring) {
    const d = parseWholeNumber(f.days, 'days', 3650);
    if (!d.ok) return { ok: false, problem: d.problem.replace('is not plausible', 'is too far ahead (at most 3,650 days)') };
    input.expiresWithinDays = d.value;
  }
  return { ok: true, input };
}
