import { parseUnitList, parseWholeNumber } from '../format/units';

export interface ContainersText {
  full: string;
  size: string;
  partials: string;
}

export type ContainersProblems = { full?: string; size?: string; partials?: string };

export interface Containers {
  full: number;
  size: number;
  partials: number[];
}

/**
 * The containers panel as typed, read: sealed containers ('' is 0 when an opened one is given),
 * the container size (the catalog's when it gives one, else as read off the label, in
 * `plural` units) and the units in each opened container. Each problem belongs to its field.
 */
export function readContainers(t: ContainersText, catalogSize: number | null, plural: string): { ok: true; value: Containers; problems: ContainersProblems } | { ok: false; problems: ContainersProblems } {
  const f = t.full.trim() === '' ? ({ ok: true, value: 0 } as const) : parseWholeNumber(t.full, 'sealed containers', 100_000);
  const z = catalogSize !== null ? ({ ok: true, value: catalogSize } as const) : parseWholeNumber(t.size, `${plural} per container`, 1_000_000);
  const p = parseUnitList(t.partials);
  const problems: ContainersProblems = {};
  if (!f.ok) problems.full = f.problem;
  if (!z.ok) problems.size = z.problem;
  else if (z.value < 1) problems.size = 'A container holds at least 1 unit.';
  if (!p.ok) problems.partials = p.problem;
  if (f.ok && p.ok && t.full.trim() === '' && p.values.length === 0) problems.full = 'Enter the sealed containers (0 if none) or the units in an opened one.';
  if (Object.keys(problems).length || !f.ok || !z.ok || !p.ok) return { ok: false, problems };
  return { ok: true, value: { full: f.value, size: z.value, partials: p.values }, problems };
}
