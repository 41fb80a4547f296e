import { z } from 'zod';
import type { Schedule } from '../domain/schedule';

/**
 * How far a count may differ from the book before it becomes a compliance hold. A variance is
 * within tolerance when |variance| ≤ max(units, floor(|expected| × percent_bp / 10 000)):
 * the greater of a unit allowance and a share of the expected quantity. Per cent is kept in
 * basis points (1 % = 100) so no float ever reaches a ledger body.
 */
export const Tolerance = z
  .object({
    units: z.number().int().min(0).max(1_000_000),
    percent_bp: z.number().int().min(0).max(10_000),
  })
  .strict();
export type Tolerance = z.infer<typeof Tolerance>;

export const ToleranceRules = z
  .object({
    /** Per schedule; NONE is for products that are not controlled substances. */
    schedules: z.object({ CII: Tolerance, CIII: Tolerance, CIV: Tolerance, CV: Tolerance, NONE: Tolerance }).strict(),
    /** Per NDC (11-digit 5-4-2), overrides the schedule. */
    ndcs: z.record(z.string().regex(/^\d{5}-\d{4}-\d{2}$/), Tolerance),
    /** A variance over tolerance needs a recount by a second person before it becomes a hold. */
    recount_before_hold: z.boolean(),
    /**
     * Every signed CII adjustment needs a second pharmacist or a witness to co-sign. CII losses and
     * any controlled destruction need one whatever this says (adjustment-details.ts).
     */
    two_person_cii: z.boolean(),
  })
  .strict();
export type ToleranceRules = z.infer<typeof ToleranceRules>;

export interface TolerancePolicy extends ToleranceRules {
  /** 0 is the built-in default; each change makes a new version. */
  version: number;
  created_at: string | null;
  created_by: string | null;
}

export const DEFAULT_TOLERANCE_RULES: ToleranceRules = {
  schedules: {
    CII: { units: 0, percent_bp: 0 },
    CIII: { units: 2, percent_bp: 100 },
    CIV: { units: 2, percent_bp: 100 },
    CV: { units: 2, percent_bp: 100 },
    NONE: { units: 5, percent_bp: 200 },
  },
  ndcs: {},
  recount_before_hold: false,
  two_person_cii: false,
};

export interface AppliedTolerance extends Tolerance {
  version: number;
  /** Where the rule came from: "NDC 00002-1200-30" or "schedule CII". */
  basis: string;
}

export function toleranceFor(policy: TolerancePolicy, ndc: string, schedule: Schedule | null): AppliedTolerance {
  const byNdc = policy.ndcs[ndc];
  if (byNdc) return { ...byNdc, version: policy.version, basis: `NDC ${ndc}` };
  const key = schedule ?? 'NONE';
  return { ...policy.schedules[key], version: policy.version, basis: schedule ? `schedule ${schedule}` : 'not controlled' };
}

export interface VarianceResult {
  expected: number;
  counted: number;
  /** counted − expected: negative means units are missing. */
  variance: number;
  /** The largest |variance| the tolerance accepts for this expected quantity. */
  allowed: number;
  within: boolean;
}

export function evaluateVariance(expected: number, counted: number, tol: Tolerance): VarianceResult {
  const variance = counted - expected;
  const allowed = Math.max(tol.units, Math.floor((Math.abs(expected) * tol.percent_bp) / 10_000));
  return { expected, counted, variance, allowed, within: Math.abs(variance) <= allowed };
}

/** "0 units" / "2 units or 1 %, whichever is greater". */
export function describeTolerance(t: Tolerance): string {
  const units = `${t.units} unit${t.units === 1 ? '' : 's'}`;
  if (t.percent_bp === 0) return t.units === 0 ? 'zero (exact count)' : units;
  const pct = `${(t.percent_bp / 100).toString()} %`;
  return t.units === 0 ? pct : `${units} or ${pct}, whichever is greater`;
}

/** "1.5" → 150 basis points, exactly (no float arithmetic on the digits). */
export function parsePercent(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}
