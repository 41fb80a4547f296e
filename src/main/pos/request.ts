import { z } from 'zod';
import { PHI_KEY } from '../../shared/ingest/phi-keys';
import { addDeaIssue, RecordPrescription } from '../../shared/schemas/drug-record';

/**
 * The POS request body (docs/pos-api.md). `patient` carries protected health information: it
 * never reaches the ledger (a keyed HMAC token does); its fields are kept encrypted.
 */
const PatientValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export const PosPatient = z
  .object({
    /** The pharmacy system's patient id; the token is made from it when present. */
    id: z.string().trim().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    dob: z.iso.date({ message: 'a date YYYY-MM-DD' }).optional(),
    /** Only in a replay of a quarantined request: the fields were replaced by their token. */
    token: z.string().regex(/^pt_[0-9a-f]{32}$/).optional(),
  })
  .catchall(PatientValue)
  .refine((p) => Object.keys(p).length <= 30, 'at most 30 patient fields')
  .refine((p) => p.token !== undefined || p.id !== undefined || p.name !== undefined, 'a patient needs an id or a name');
export type PosPatient = z.infer<typeof PosPatient>;


export const PosRequest = z
  .object({
    transaction_id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, '1 to 100 letters, digits or . _ : -'),
    ndc: z.string().trim().min(1).max(20),
    lot: z.string().trim().min(1, 'the lot number').max(20, 'at most 20 characters (GS1 AI 10)'),
    /** The package's DSCSA serial (GS1 AI 21) where the pharmacy system scanned it: one whole package, so the quantity is its size in dosage units. */
    serial: z.string().trim().min(1).max(20, 'at most 20 characters (GS1 AI 21)').optional(),
    /** Dosage units (tablets, mL, patches) of the NDC's package. */
    quantity: z.number().int('a whole number of units').positive('above 0').refine(Number.isSafeInteger, 'a safe integer'),
    /** Optional: the unit of `quantity` as the pharmacy system names it ("TAB", "tablets", "mL"); refused when it is not the catalog's. */
    unit: z.string().trim().min(1).max(40).optional(),
    handler_id: z.string().trim().min(1).max(64),
    occurred_at: z.iso.datetime({ offset: true, message: 'an ISO 8601 time with Z or an offset' }),
    patient: PosPatient.nullable(),
    /** The prescription behind a dispense (21 CFR 1304.22(c)): its number, the prescriber's name and DEA number. */
    prescription: RecordPrescription.optional(),
    /** Non-controlled metadata (rx number, register, ...); never patient fields. */
    metadata: z
      .record(z.string().max(64), z.union([z.string().max(500), z.number().int(), z.boolean(), z.null()]))
      .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata fields')
      .refine((m) => !Object.keys(m).some((k) => PHI_KEY.test(k)), 'patient fields belong in "patient", where they are encrypted')
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.prescription) addDeaIssue(ctx, r.prescription.prescriber_dea, ['prescription', 'prescriber_dea']);
  });
export type PosRequest = z.infer<typeof PosRequest>;

export type PosKind = 'dispense' | 'return';

/** Reasons answered 400 (the request is malformed) rather than 409 (refused by a rule). */
export const MALFORMED_REASONS = new Set(['MALFORMED_JSON', 'SCHEMA', 'MISSING_FIELD', 'BAD_QUANTITY', 'BAD_NDC', 'AMBIGUOUS_NDC', 'BAD_LOT']);

/**
 * Refusals that depend only on the request's content, so the same request can never get
 * another answer: they are stored and given again to a resend. Every other refusal depends on
 * the state of the workstation (a hold, the stock on hand, the catalog, the users, a busy
 * database) and is evaluated again when the same transaction is resent.
 */
export const FINAL_REASONS = new Set([...MALFORMED_REASONS, 'IDEMPOTENCY_CONFLICT']);
