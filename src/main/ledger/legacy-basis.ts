import type { UnitsOf } from '../../shared/units/entry-units';
import type { Db } from '../db/open';

/**
 * Version 0.1 committed some receipts in containers: a receiving line without units per
 * container stored `quantity = containers` with `data.quantity_basis = "containers"`. Those
 * entries keep their bytes (append-only); every reader turns them into dosage units through the
 * catalog's package size here, so stock, reports and screens agree. Every entry committed since
 * is in dosage units already.
 */
export const LEGACY_CONTAINERS_WHERE = "json_extract(body, '$.data.quantity_basis') = 'containers'";

export type { UnitsOf } from '../../shared/units/entry-units';

export interface LegacyEntry {
  device_id: string;
  seq: number;
  facility_id: string;
  ndc: string;
  lot: string;
  type: string;
  event_time: string;
  /** As recorded: containers. */
  delta: number;
  units_per_container: number | null;
  /** Units to add to the recorded delta (delta × (size − 1)); null while the size is unknown. */
  extra: number | null;
}

export interface LegacyFilter {
  facilityId?: string;
  ndc?: string;
  /** '' is "lot unknown"; undefined: every lot. */
  lot?: string | null;
  /** Event time bounds (ISO UTC); `toInclusive` false makes `to` exclusive. */
  from?: string | null;
  to?: string | null;
  toInclusive?: boolean;
}

/** The legacy container-basis entries (few; found through their partial index), with their conversion. */
export function legacyContainerEntries(db: Db, unitsOf: UnitsOf, f: LegacyFilter = {}): LegacyEntry[] {
  const where = [LEGACY_CONTAINERS_WHERE];
  const args: unknown[] = [];
  if (f.ndc) {
    where.push('ndc = ?');
    args.push(f.ndc);
  }
  if (f.facilityId) {
    where.push('facility_id = ?');
    args.push(f.facilityId);
  }
  if (f.lot !== undefined && f.lot !== null) {
    where.push("COALESCE(lot, '') = ?");
    args.push(f.lot);
  }
  if (f.from) {
    where.push('event_time >= ?');
    args.push(f.from);
  }
  if (f.to) {
    where.push(`event_time ${f.toInclusive === false ? '<' : '<='} ?`);
    args.push(f.to);
  }
  let rows: Omit<LegacyEntry, 'units_per_container' | 'extra'>[];
  try {
    rows = db
      .prepare<unknown[], Omit<LegacyEntry, 'units_per_container' | 'extra'>>(
        `SELECT device_id, seq, facility_id, ndc, COALESCE(lot, '') AS lot, type, event_time, delta FROM ledger_entries WHERE ${where.join(' AND ')} ORDER BY event_time, device_id, seq`,
      )
      .all(...args);
  } catch {
    // A database that cannot evaluate JSON (never in practice) has no legacy entries to read.
    return [];
  }
  return rows.map((r) => {
    const per = unitsOf(r.ndc)?.units_per_container ?? null;
    return { ...r, units_per_container: per, extra: per === null ? null : r.delta * (per - 1) };
  });
}

/** Sum of the units legacy entries add beyond their recorded deltas, per "ndc|lot". */
export function legacyExtrasByLot(entries: readonly LegacyEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) if (e.extra) out.set(`${e.ndc}|${e.lot}`, (out.get(`${e.ndc}|${e.lot}`) ?? 0) + e.extra);
  return out;
}

export { unitsOfEntry, type EntryUnits } from '../../shared/units/entry-units';
