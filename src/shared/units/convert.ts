import type { PackageUnits } from './package-units';
import { formatUnits, sameUnit } from './unit-names';

export type UnitsRefusal = { ok: false; reason: 'UNKNOWN_PACKAGE_SIZE' | 'BAD_QUANTITY' | 'UNIT_MISMATCH'; issue: string };

export type DosageUnits =
  | {
      ok: true;
      /** Dosage units: what the ledger records. */
      quantity: number;
      /** Containers the source counted, or null when it counted units. */
      containers: number | null;
      units_per_container: number | null;
      unit: string | null;
    }
  | UnitsRefusal;

export interface QuantityInput {
  ndc: string;
  /** Dosage units, when the source counted units. */
  quantity?: number | null | undefined;
  /** Whole packages of the NDC, when the source counted containers. */
  containers?: number | null | undefined;
  /** The unit the source says `quantity` is in ("TABLET", "tablets", "mL"). */
  unit?: string | null | undefined;
  /** Units per container a person entered, for a package the catalog gives no size for. */
  units_per_container?: number | null | undefined;
}

const describe = (pu: PackageUnits) => `${formatUnits(pu.units_per_container, pu.unit)} per ${pu.container?.toLowerCase() ?? 'package'}`;

/**
 * One quantity to dosage units of the NDC's package, through the catalog (`pu`): containers
 * times units per container; a declared unit must be the catalog's. Where the package size is
 * unknown a container count is refused until a person enters it — never taken as 1.
 */
export function toDosageUnits(input: QuantityInput, pu: PackageUnits | null): DosageUnits {
  if (input.unit && pu && !sameUnit(input.unit, pu.unit)) {
    return {
      ok: false,
      reason: 'UNIT_MISMATCH',
      issue: `unit: ${input.ndc} is counted in ${pu.unit} (catalog: ${describe(pu)}); the record says ${input.quantity ?? input.containers ?? ''} ${input.unit}`.replace('says  ', 'says '),
    };
  }
  const entered = input.units_per_container ?? null;
  if (entered !== null && (!Number.isSafeInteger(entered) || entered < 1)) {
    return { ok: false, reason: 'BAD_QUANTITY', issue: `units_per_container: a whole number of units of 1 or more (got ${entered})` };
  }
  if (input.containers === null || input.containers === undefined) {
    if (input.quantity === null || input.quantity === undefined) return { ok: false, reason: 'BAD_QUANTITY', issue: 'quantity: give the quantity in units or the number of containers' };
    return { ok: true, quantity: input.quantity, containers: null, units_per_container: pu?.units_per_container ?? entered, unit: pu?.unit ?? input.unit ?? null };
  }
  const c = input.containers;
  if (!Number.isSafeInteger(c) || c < 0) {
    return { ok: false, reason: 'BAD_QUANTITY', issue: `containers: a container count is a whole number of packages, 0 or more (got ${c}); count opened packages in units` };
  }
  if (pu && entered !== null && entered !== pu.units_per_container) {
    return { ok: false, reason: 'UNIT_MISMATCH', issue: `units_per_container: ${entered} was given, the catalog says ${describe(pu)} for ${input.ndc}` };
  }
  const per = pu?.units_per_container ?? entered;
  if (per === null) {
    return {
      ok: false,
      reason: 'UNKNOWN_PACKAGE_SIZE',
      issue: `containers: the catalog gives no package size for ${input.ndc}, so ${c} container(s) cannot be turned into units; enter the units per container (rxledger catalog size --ndc ${input.ndc} --units N --unit TABLET, or on the receiving line) or send the quantity in units`,
    };
  }
  const quantity = c * per;
  if (!Number.isSafeInteger(quantity)) return { ok: false, reason: 'BAD_QUANTITY', issue: `containers: ${c} × ${per} units is not a plausible quantity` };
  if (input.quantity !== null && input.quantity !== undefined && input.quantity !== quantity) {
    return { ok: false, reason: 'BAD_QUANTITY', issue: `quantity: ${input.quantity} does not equal ${c} container(s) × ${per} = ${quantity}; send one of them, or both in agreement` };
  }
  return { ok: true, quantity, containers: c, units_per_container: per, unit: pu?.unit ?? input.unit ?? null };
}
