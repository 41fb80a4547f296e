import type { EntryBody } from '../schemas/ledger-entry';
import type { PackageUnits } from './package-units';

/** The package units of an NDC (11-digit 5-4-2), or null when unknown. */
export type UnitsOf = (ndc11: string) => PackageUnits | null;

// Version 0.1 committed some receipts in containers; the workstation and the central server
// both turn them into dosage units here, so their reports print the same figures.
export interface EntryUnits {
  /** Stock change in dosage units. */
  delta: number;
  /** Quantity in dosage units. */
  quantity: number;
  /** The dosage unit, when known. */
  unit: string | null;
  units_per_container: number | null;
  /** Recorded in containers by version 0.1. */
  legacy: boolean;
  /** Legacy, and the package size is still unknown: the figures are containers, not units. */
  unresolved: boolean;
}

/** One entry's quantity and stock change in dosage units, whichever basis it was recorded in. */
export function unitsOfEntry(body: Pick<EntryBody, 'ndc' | 'quantity' | 'delta'> & { data: Record<string, unknown> }, unitsOf: UnitsOf): EntryUnits {
  const d = body.data ?? {};
  const recordedUnit = typeof d.unit === 'string' ? d.unit : null;
  const recordedPer = typeof d.units_per_container === 'number' ? d.units_per_container : null;
  if (d.quantity_basis !== 'containers' || !body.ndc) {
    const pu = body.ndc && (!recordedUnit || recordedPer === null) ? unitsOf(body.ndc) : null;
    return { delta: body.delta, quantity: body.quantity, unit: recordedUnit ?? pu?.unit ?? null, units_per_container: recordedPer ?? pu?.units_per_container ?? null, legacy: false, unresolved: false };
  }
  const pu = unitsOf(body.ndc);
  if (!pu) return { delta: body.delta, quantity: body.quantity, unit: null, units_per_container: null, legacy: true, unresolved: true };
  const per = pu.units_per_container;
  return { delta: body.delta * per, quantity: body.quantity * per, unit: pu.unit, units_per_container: per, legacy: true, unresolved: false };
}
