import { z } from 'zod';
import { ContainerBreakdown, CountScope, Tolerance, ToleranceRules } from '../counts';
import { Schedule } from '../domain/schedule';
import { EntryRef, LedgerEntryView } from '../schemas/ledger-entry';
import { Lot, Ndc11 } from './holds-channels';

/** Channels of cycle counts and the tolerance policy (issue 5); holds and signing are in holds-channels.ts. */


export const CountItemView = z.object({
  ndc: z.string(),
  lot: z.string().nullable(),
  schedule: Schedule.nullable(),
  name: z.string().nullable(),
  expiry: z.string().nullable(),
  location: z.string().nullable(),
  /** On hand now; null in a blind count until it is submitted. */
  expected_now: z.number().int().nullable(),
  /** The dosage unit counted ("TABLET", "mL") and the units in one sealed package, from the catalog; null when unknown. */
  unit: z.string().nullable().optional(),
  units_per_container: z.number().int().nullable().optional(),
});
export type CountItemView = z.infer<typeof CountItemView>;

export const CountView = z.object({
  count_id: z.string(),
  facility_id: z.string(),
  scope: CountScope,
  scope_label: z.string(),
  blind: z.boolean(),
  items: z.array(CountItemView),
  created_by: z.string(),
  created_at: z.string(),
  status: z.enum(['open', 'submitted', 'cancelled']),
  submitted_by: z.string().nullable(),
  submitted_at: z.string().nullable(),
  tolerance_version: z.number().int().nullable(),
});
export type CountView = z.infer<typeof CountView>;

export const LineOutcome = z.enum(['within', 'hold', 'recount_required', 'recount_within', 'under_hold']);
export const CountLineResult = z.object({
  ndc: z.string(),
  lot: z.string().nullable(),
  schedule: Schedule.nullable(),
  count_time: z.string(),
  counted_by: z.string(),
  expected: z.number().int(),
  counted: z.number().int(),
  variance: z.number().int(),
  allowed: z.number().int(),
  tolerance_version: z.number().int(),
  tolerance_basis: z.string(),
  outcome: LineOutcome,
  hold_id: z.string().nullable(),
  entry: EntryRef,
  recount_of: EntryRef.nullable(),
});
export type CountLineResult = z.infer<typeof CountLineResult>;

export const PolicyView = ToleranceRules.extend({ version: z.number().int(), created_at: z.string().nullable(), created_by: z.string().nullable() });
export type PolicyView = z.infer<typeof PolicyView>;

export const ReviewLine = CountLineResult.extend({
  on_hand_now: z.number().int(),
  movements_since: z.array(LedgerEntryView),
  hold_status: z.enum(['active', 'released']).nullable(),
});
export type ReviewLine = z.infer<typeof ReviewLine>;

/** A scan that reached the Counts screen through the scan router (USB, keyboard wedge, test hook), decoded. */
export const CountScanEvent = z.object({
  id: z.number().int(),
  count_id: z.string(),
  raw: z.string(),
  scanner_id: z.string(),
  source: z.string(),
  received_at: z.string(),
  ok: z.boolean(),
  ndc: z.string().nullable(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  serial: z.string().nullable(),
  error: z.string().nullable(),
});
export type CountScanEvent = z.infer<typeof CountScanEvent>;

export const countsChannels = {
  'counts.create': {
    permission: 'ledger.append',
    input: z.object({ scope: CountScope, blind: z.boolean().default(true) }).strict(),
    output: CountView,
  },
  'counts.get': { permission: 'stock.read', input: z.object({ countId: z.string().min(1).max(40) }).strict(), output: CountView },
  'counts.list': {
    permission: 'stock.read',
    input: z.object({ status: z.enum(['open', 'submitted', 'cancelled']).optional() }).strict(),
    output: z.object({ counts: z.array(CountView), pendingRecounts: z.number().int() }),
  },
  'counts.submit': {
    permission: 'ledger.append',
    input: z
      .object({
        countId: z.string().min(1).max(40),
        lines: z
          .array(
            z
              .object({
                ndc: Ndc11,
                lot: Lot,
                counted: z.number(),
                containers: ContainerBreakdown.nullable().optional(),
                countedAt: z.string().max(40).nullable().optional(),
                method: z.enum(['scan', 'keypad']).optional(),
              })
              .strict(),
          )
          .min(1)
          .max(5000),
      })
      .strict(),
    output: z.object({ count: CountView, results: z.array(CountLineResult) }),
  },
  'counts.review': {
    permission: 'stock.read',
    input: z.object({ countId: z.string().min(1).max(40) }).strict(),
    output: z.object({ count: CountView, policy: PolicyView.nullable(), lines: z.array(ReviewLine) }),
  },
  'counts.cancel': { permission: 'ledger.append', input: z.object({ countId: z.string().min(1).max(40) }).strict(), output: z.object({ ok: z.literal(true) }) },
  'counts.setLocation': {
    permission: 'ledger.append',
    input: z.object({ ndc: Ndc11, location: z.string().trim().min(1).max(64) }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
  /**
   * The Counts screen shows an open count (countId) or none any more (null): scanners' scans go
   * to the count (workflow 'counts'), or back to receiving when a receiving session is open.
   */
  'counts.scanTarget': {
    permission: 'ledger.append',
    /** countId null with `leaving`: that count left the screen (without `leaving`: whichever count). */
    input: z.object({ countId: z.string().min(1).max(40).nullable(), leaving: z.string().min(1).max(40).optional() }).strict(),
    output: z.object({ activeWorkflow: z.string().nullable() }),
  },
  /** Long poll: the count's scans after `after` (null: from now on). */
  'counts.waitForScans': {
    permission: 'stock.read',
    input: z.object({ countId: z.string().min(1).max(40), after: z.number().int().nullable(), timeoutMs: z.number().int().min(0).max(25_000).default(20_000) }).strict(),
    output: z.object({ cursor: z.number().int(), events: z.array(CountScanEvent), active: z.boolean() }),
  },
  'tolerance.get': {
    permission: 'stock.read',
    input: z.object({}).strict(),
    output: z.object({ policy: PolicyView, history: z.array(PolicyView) }),
  },
  'tolerance.set': { permission: 'facility.manage', input: ToleranceRules, output: PolicyView },
} as const;

export { Tolerance };
