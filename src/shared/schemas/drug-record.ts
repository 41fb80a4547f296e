import { z } from 'zod';
import { deaNumberProblem } from '../receiving/types';

/** The supplier of a receipt (21 CFR 1304.22(c)): name, address and DEA registration number. */
export const RecordSupplier = z
  .object({
    name: z.string().trim().min(1, 'the supplier name').max(200),
    address: z.string().trim().min(1, 'the supplier address').max(500),
    dea_number: z.string().trim().toUpperCase().max(20),
  })
  .strict();

/** The DEA order behind a CII receipt or return (21 CFR 1305.13(e), 1305.22(g)): a Form 222 or a CSOS order, and its line. */
export const RecordOrderForm = z
  .object({
    kind: z.enum(['222', 'CSOS'], { message: '"222" (paper DEA Form 222) or "CSOS" (electronic order)' }),
    number: z.string().trim().min(1, 'the order form number').max(40),
    line: z.number().int('a whole line number').min(1).max(99).optional(),
  })
  .strict();

/** The prescription behind a dispense (21 CFR 1304.22(c), 1306.05): its number and the prescriber. */
export const RecordPrescription = z
  .object({
    number: z.string().trim().min(1, 'the prescription number').max(40),
    prescriber_name: z.string().trim().min(1, "the prescriber's name").max(200),
    prescriber_dea: z.string().trim().toUpperCase().max(20),
  })
  .strict();

/** A DEA registration number's problem, as a zod issue on `path`. */
export function addDeaIssue(ctx: z.RefinementCtx, value: string, path: (string | number)[]): void {
  const p = deaNumberProblem(value);
  if (p) ctx.addIssue({ code: 'custom', path, message: p });
}

/**
 * One NDJSON line of `rxledger ingest`: the seed's DrugRecord, plus optional expiry and
 * idempotency key. Field names stay as the seed spelled them because wholesaler and ERP
 * exports already use them.
 */
export const DRUG_TRANSACTION_TYPES = ['RECEIPT', 'DISPENSE', 'ADJUSTMENT', 'RETURN'] as const;

export const DrugRecord = z
  .object({
    ndc: z.string().trim().min(10, 'an NDC of 10 or 11 digits').max(13, 'an NDC of 10 or 11 digits'),
    schedule: z.string().trim().regex(/^(C?II|C?III|C?IV|C?V|OTC)$/, 'II, III, IV, V or OTC'),
    lot_number: z.string().trim().min(1, 'a lot number').max(20, 'at most 20 characters (GS1 AI 10)'),
    serial_number: z.string().trim().min(1).max(20).nullable().optional(),
    /** Dosage units (tablets, mL, patches…) of the NDC's package. Optional when `containers` is given. */
    quantity: z.number().int('a whole number of units').optional(),
    /** The unit of `quantity` as the sender names it ("TABLET", "tablets", "mL"); checked against the catalog. */
    unit: z.string().trim().min(1).max(40).optional(),
    /** Whole packages of the NDC (the trade item the NDC names); turned into units through the catalog. */
    containers: z.number().optional(),
    facility_id: z.string().regex(/^[A-Z0-9]{6}$/, 'six capital letters or digits'),
    handler_id: z.string().min(4, 'at least 4 characters'),
    transaction_type: z.enum(DRUG_TRANSACTION_TYPES, { message: 'RECEIPT, DISPENSE, ADJUSTMENT or RETURN' }),
    timestamp_utc: z.iso.datetime({ offset: true, message: 'an ISO 8601 time with Z or an offset' }),
    expiry: z.iso.date({ message: 'a date YYYY-MM-DD' }).nullable().optional(),
    idempotency_key: z.string().min(1).max(200).nullable().optional(),
    /** RECEIPT: who supplied it (name, address, DEA number). */
    supplier: RecordSupplier.optional(),
    /** RECEIPT of CII: the DEA Form 222 or CSOS order number, and its line. */
    order_form: RecordOrderForm.optional(),
    /** DISPENSE: the prescription number and the prescriber's name and DEA number. */
    prescription: RecordPrescription.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.supplier) addDeaIssue(ctx, r.supplier.dea_number, ['supplier', 'dea_number']);
    if (r.prescription) addDeaIssue(ctx, r.prescription.prescriber_dea, ['prescription', 'prescriber_dea']);
    if ((r.supplier || r.order_form) && r.transaction_type !== 'RECEIPT') {
      ctx.addIssue({ code: 'custom', path: [r.supplier ? 'supplier' : 'order_form'], message: 'a supplier and an order form belong to a RECEIPT' });
    }
    if (r.prescription && r.transaction_type !== 'DISPENSE') {
      ctx.addIssue({ code: 'custom', path: ['prescription'], message: 'a prescription belongs to a DISPENSE' });
    }
    if (r.containers !== undefined) {
      if (!Number.isInteger(r.containers) || r.containers < 1) {
        ctx.addIssue({ code: 'custom', path: ['containers'], message: `a container count is a whole number of packages, 1 or more (got ${r.containers}); send opened packages as a quantity in units` });
      }
      if (r.transaction_type === 'ADJUSTMENT') {
        ctx.addIssue({ code: 'custom', path: ['containers'], message: 'an adjustment takes a signed quantity in units, not containers' });
      }
      return;
    }
    if (r.quantity === undefined) {
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'give the quantity in dosage units (or whole packages as containers)' });
      return;
    }
    if (r.transaction_type === 'ADJUSTMENT') {
      if (r.quantity === 0) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'an adjustment of 0 units changes nothing' });
    } else if (r.quantity <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: `a ${r.transaction_type.toLowerCase()} needs a quantity above 0 (got ${r.quantity})`,
      });
    }
  });
export type DrugRecord = z.infer<typeof DrugRecord>;

/** Zod issues as one line each, for the CLI and the quarantine record. */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
}
