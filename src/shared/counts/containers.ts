import { z } from 'zod';

/**
 * What a counter saw: sealed containers of a known size plus opened (partial) containers,
 * each counted in units. 1304.11: exact counts for CII; opened CIII–V containers may be
 * estimated unless they hold more than 1000 units.
 */
export const ContainerBreakdown = z
  .object({
    full_containers: z.number().int().min(0).max(100_000),
    units_per_container: z.number().int().min(1).max(1_000_000),
    partial_units: z.array(z.number().int().min(0).max(1_000_000)).max(1000),
  })
  .strict();
export type ContainerBreakdown = z.infer<typeof ContainerBreakdown>;

export function unitsOf(b: ContainerBreakdown): number {
  return b.full_containers * b.units_per_container + b.partial_units.reduce((s, n) => s + n, 0);
}

/** A counted quantity a person typed: whole units, not negative. Returns the problem in words, or null. */
export function countedProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'a count is a number of units';
  if (!Number.isInteger(value)) return `a count is whole units (got ${value})`;
  if (value < 0) return `a count cannot be negative (got ${value})`;
  if (value > 10_000_000) return `a count of ${value} units is not plausible`;
  return null;
}
