import { z } from 'zod';
import { AdjustmentDetails, AdjustmentKind, Meaning, ReasonCode, SignatureManifestation } from '../counts';
import { Schedule } from '../domain/schedule';
import { EntryRef, LedgerEntryView } from '../schemas/ledger-entry';

/**
 * Channels of compliance holds, the signed adjustments that resolve them or take stock out,
 * and the session's signing state (21 CFR Part 11). Handlers: src/main/holds/handlers.ts.
 */

export const Ndc11 = z.string().regex(/^\d{5}-\d{4}-\d{2}$/, 'an 11-digit NDC in 5-4-2 form');
export const Lot = z.string().trim().max(20).nullable();

export const HoldSummary = z.object({
  hold_id: z.string(),
  status: z.enum(['active', 'released']),
  facility_id: z.string(),
  ndc: z.string(),
  lot: z.string().nullable(),
  schedule: Schedule.nullable(),
  count_id: z.string().nullable(),
  count_time: z.string().nullable(),
  expected: z.number().int().nullable(),
  counted: z.number().int().nullable(),
  variance: z.number().int().nullable(),
  allowed: z.number().int().nullable(),
  tolerance_version: z.number().int().nullable(),
  placed_at: z.string(),
  placed_by: z.string(),
  placed: EntryRef,
  count_entry: EntryRef.nullable(),
  released_at: z.string().nullable(),
  released_by: z.string().nullable(),
  released: EntryRef.nullable(),
  adjustment: EntryRef.nullable(),
});
export type HoldSummary = z.infer<typeof HoldSummary>;

export const StoredSignatureView = z.object({
  signer_id: z.string(),
  printed_name: z.string(),
  role: z.enum(['signer', 'cosigner', 'witness']),
  meaning: z.string(),
  reason: z.string().nullable(),
  signed_at: z.string(),
  time_zone: z.string(),
  /** §11.50 line, as every export prints it. */
  manifestation: z.string(),
  verified: z.boolean(),
});
export type StoredSignatureView = z.infer<typeof StoredSignatureView>;

export const HistoryEntry = LedgerEntryView.extend({ signatures: z.array(StoredSignatureView) });

const Credentials = z.object({ userId: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict();

/** §11.200: the first signing in a session needs the user ID too; later ones the password alone. */
const SignatureInput = {
  userId: z.string().trim().min(1).max(64).optional(),
  password: z.string().min(1).max(200),
  meaning: Meaning,
  reason: ReasonCode,
  cosigner: Credentials.nullable().optional(),
  note: z.string().max(500).nullable().optional(),
  /** Counterparty, destruction (method, place), loss (Form 106) and order form, as the kind and reason need them. */
  details: AdjustmentDetails.nullable().optional(),
};

export const SignedAdjustmentView = z.object({
  adjustment: EntryRef.extend({ delta: z.number().int(), ndc: z.string(), lot: z.string().nullable() }),
  release: EntryRef.nullable(),
  hold_id: z.string().nullable(),
  reason: ReasonCode,
  form_106: z.boolean(),
  signatures: z.array(SignatureManifestation),
  manifestations: z.array(z.string()),
});

export const holdsChannels = {
  'holds.list': {
    permission: 'stock.read',
    input: z.object({ status: z.enum(['active', 'released']).optional() }).strict(),
    output: z.object({ holds: z.array(HoldSummary) }),
  },
  'holds.get': {
    permission: 'stock.read',
    input: z.object({ holdId: z.string().min(1).max(40) }).strict(),
    output: z.object({ hold: HoldSummary, count: LedgerEntryView.nullable(), movementsSince: z.array(LedgerEntryView), history: z.array(HistoryEntry) }),
  },
  'holds.resolve': {
    permission: 'sign',
    input: z.object({ holdId: z.string().min(1).max(40), lot: Lot.optional(), ...SignatureInput }).strict(),
    output: SignedAdjustmentView,
  },
  'adjustments.create': {
    permission: 'sign',
    input: z
      .object({ ndc: Ndc11, lot: Lot, quantity: z.number().int(), kind: AdjustmentKind, reference: z.string().max(100).nullable().optional(), ...SignatureInput })
      .strict(),
    output: SignedAdjustmentView,
  },
  /** Whether the next signature in this session needs the user ID (§11.200). */
  'signing.status': { input: z.object({}).strict(), output: z.object({ canSign: z.boolean(), needsUserId: z.boolean(), userId: z.string() }) },
} as const;
