import type { ReportColumn } from './types';
import { splitContainers } from '../units';

/**
 * What a line of the biennial and of the initial inventory share (21 CFR 1304.11(e)): the
 * container columns, and how their figures are found.
 */
export const CONTAINER_COLUMNS: readonly ReportColumn[] = [
  { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
  { key: 'unit', label: 'Unit', width: 5 },
  { key: 'full_containers', label: 'Full cont.', width: 4, align: 'right' },
  { key: 'opened_containers', label: 'Opened cont.', width: 5, align: 'right' },
  { key: 'opened_units', label: 'Units in opened', width: 5, align: 'right' },
  { key: 'total_units', label: 'Total units', width: 5, align: 'right' },
];

export interface ContainerFigures {
  full: number | null;
  opened: number | null;
  openedUnits: number | null;
}

/**
 * Full containers, opened containers and the units in the opened ones: as counted when the count
 * gave them, else the units split by the package size (one opened container holds the rest),
 * else unknown.
 */
export function containerFigures(counted: { full_containers: number; partial_units: number[] } | null | undefined, units: number, perContainer: number | null | undefined): ContainerFigures {
  if (counted) {
    return { full: counted.full_containers, opened: counted.partial_units.filter((n) => n > 0).length, openedUnits: counted.partial_units.reduce((s, n) => s + n, 0) };
  }
  if (perContainer) {
    const split = splitContainers(units, perContainer);
    return { full: split.full, opened: split.remainder > 0 ? 1 : 0, openedUnits: split.remainder };
  }
  return { full: null, opened: null, openedUnits: null };
}
