import type { EntryBody, EntryType } from '../schemas/ledger-entry';
import { unitsOfEntry, type UnitsOf } from '../units/entry-units';
import type { EntryRow } from './reader';

/** A physical count of a lot (or of every lot of an NDC) that an inventory starts from. */
export interface CountObservation {
  type: 'COUNT' | 'INITIAL_INVENTORY';
  ndc: string;
  /** null: the count covered every lot of the NDC. */
  lot: string | null;
  counted: number;
  at: string;
  actor: string;
  count_id: string | null;
  containers: { full_containers: number; units_per_container: number; partial_units: number[] } | null;
  ref: string;
}

/** An entry between the count and the inventory time that changes what is on the shelf. */
export interface Movement {
  device_id: string;
  seq: number;
  hash: string;
  type: EntryType;
  event_time: string;
  /** Dosage units. */
  delta: number;
  actor: string;
  body: EntryBody;
}

export interface InventoryLine {
  ndc: string;
  /** '' with `wholeNdc`: every lot (the count covered the NDC); '' otherwise: lot unknown. */
  lot: string;
  wholeNdc: boolean;
  /** The ledger's balance at the instant (dosage units). */
  book: number;
  count: CountObservation | null;
  /** Movements after the count up to the instant, oldest first (empty without a count). */
  movements: Movement[];
  /** The inventory figure: the count rolled forward by the movements, or the book without a count. */
  figure: number;
}

/**
 * Adjustments that bring the book to a count (a hold's signed resolution) change the book, not
 * the shelf: the count they reconcile already saw the shelf as it was. Rolling a count forward
 * therefore skips them; every other stock movement (receipts, dispenses, returns, manual
 * adjustments such as breakage, destruction or a loss) happened on the shelf and is applied.
 */
function movesTheShelf(b: EntryBody): boolean {
  return !(b.type === 'ADJUSTMENT' && b.data.kind === 'count_variance');
}

/**
 * What an inventory at an instant reads from a ledger: the workstation's SQLite one
 * (src/main/reports/inventory-source.ts) or the server's synced entries (src/server/reports).
 */
export interface InventorySource {
  /**
   * The book by lot ('' for none) at `at`, entries up to and including it, for every lot that
   * has an entry by then; version 0.1 container-basis receipts counted in dosage units.
   */
  bookAt(ndc: string, at: string): Map<string, number>;
  /** COUNT and INITIAL_INVENTORY entries of the NDC with event time in [from, at], ordered by event time, recorded time, device, seq. */
  countEntries(ndc: string, from: string, at: string): readonly CountRow[];
  /** Entries of the NDC with a non-zero delta and event time in (after, at], in the same order. */
  movementEntries(ndc: string, after: string, at: string): readonly EntryRow[];
}

export type CountRow = Pick<EntryRow, 'device_id' | 'seq' | 'body'>;

/**
 * The inventory of some NDCs at an instant, from the ledger alone (every chain held here, the
 * stock projection is not read): per lot, the last count at or before the instant and on or
 * after `countsFrom`, rolled forward by every movement between the count and the instant;
 * entries after the instant are excluded. The book figure stands beside it.
 */
export function inventoryAt(source: InventorySource, ndcs: readonly string[], at: string, countsFrom: string | null, unitsOf: UnitsOf): InventoryLine[] {
  const out: InventoryLine[] = [];
  for (const ndc of ndcs) {
    const book = source.bookAt(ndc, at);
    const lotCounts = new Map<string, CountObservation>();
    let whole: CountObservation | null = null;
    for (const r of source.countEntries(ndc, countsFrom ?? '', at)) {
      const b = JSON.parse(r.body) as EntryBody;
      const c = b.data.containers as CountObservation['containers'] | undefined;
      const obs: CountObservation = {
        type: b.type as CountObservation['type'],
        ndc,
        lot: b.lot,
        counted: b.quantity,
        at: b.event_time,
        actor: b.actor,
        count_id: typeof b.data.count_id === 'string' ? b.data.count_id : null,
        containers: c && typeof c === 'object' && typeof c.full_containers === 'number' ? c : null,
        ref: `${r.device_id}#${r.seq}`,
      };
      if (b.lot === null && b.type === 'COUNT') whole = obs;
      else lotCounts.set(b.lot ?? '', obs);
    }
    const movementsAfter = (from: string, lot: string | null): Movement[] =>
      source
        .movementEntries(ndc, from, at)
        .map((r) => ({ r, b: JSON.parse(r.body) as EntryBody }))
        .filter(({ b }) => (lot === null || (b.lot ?? '') === lot) && movesTheShelf(b))
        .map(({ r, b }) => ({ device_id: r.device_id, seq: r.seq, hash: r.hash, type: b.type, event_time: b.event_time, delta: unitsOfEntry(b, unitsOf).delta, actor: b.actor, body: b }));

    if (whole && [...lotCounts.values()].every((c) => c.at <= whole!.at)) {
      const movements = movementsAfter(whole.at, null);
      out.push({
        ndc,
        lot: '',
        wholeNdc: true,
        book: [...book.values()].reduce((s, n) => s + n, 0),
        count: whole,
        movements,
        figure: whole.counted + movements.reduce((s, m) => s + m.delta, 0),
      });
      continue;
    }
    const lots = new Set([...[...book].filter(([, n]) => n !== 0).map(([l]) => l), ...lotCounts.keys()]);
    for (const lot of [...lots].sort()) {
      const count = lotCounts.get(lot) ?? null;
      const movements = count ? movementsAfter(count.at, lot) : [];
      const b = book.get(lot) ?? 0;
      out.push({ ndc, lot, wholeNdc: false, book: b, count, movements, figure: count ? count.counted + movements.reduce((s, m) => s + m.delta, 0) : b });
    }
    if (lots.size === 0) out.push({ ndc, lot: '', wholeNdc: false, book: 0, count: null, movements: [], figure: 0 });
  }
  return out;
}
