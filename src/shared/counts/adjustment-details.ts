import { z } from 'zod';
import type { Schedule } from '../domain/schedule';
import { deaNumberProblem } from '../receiving/types';
import type { AdjustmentKind, ReasonCode } from './reasons';

/**
 * What the DEA asks an adjustment to record besides its quantity:
 * - destruction (21 CFR 1304.21(e), 1317.95, DEA Form 41): how and where, and two employees;
 * - a return to a wholesaler or a reverse distributor, or a transfer to another registrant
 *   (1304.22(c), 1305): the other party's name, address and DEA number, and for CII the
 *   DEA Form 222 / CSOS order it was filled against;
 * - a theft or loss (1301.76(b), DEA Form 106): its type, the police report, the value and the
 *   corrective action.
 */
export const Counterparty = z
  .object({
    name: z.string().trim().min(1, "the other party's name").max(200),
    address: z.string().trim().min(1, "the other party's address").max(500),
    dea_number: z.string().trim().toUpperCase().max(20),
  })
  .strict();
export type Counterparty = z.infer<typeof Counterparty>;

export const Destruction = z
  .object({
    method: z.string().trim().min(1, 'how it was destroyed (e.g. a non-retrievable denaturing kit, incineration by a reverse distributor)').max(200),
    place: z.string().trim().min(1, 'where it was destroyed').max(200),
  })
  .strict();
export type Destruction = z.infer<typeof Destruction>;

export const LOSS_TYPES = ['theft', 'robbery', 'burglary', 'employee_pilferage', 'lost_in_transit', 'other'] as const;
export const LOSS_TYPE_LABELS: Record<(typeof LOSS_TYPES)[number], string> = {
  theft: 'Theft',
  robbery: 'Armed robbery',
  burglary: 'Night break-in (burglary)',
  employee_pilferage: 'Employee pilferage',
  lost_in_transit: 'Lost in transit',
  other: 'Other',
};

export const Loss = z
  .object({
    type: z.enum(LOSS_TYPES, { message: `the type of loss: ${LOSS_TYPES.join(', ')}` }),
    police_report: z.string().trim().max(60).nullable().optional(),
    /** Value of what was lost, in cents (Form 106 asks for the cost). */
    value_cents: z.number().int('cents, a whole number').min(0).nullable().optional(),
    corrective_action: z.string().trim().max(1000).nullable().optional(),
    other_description: z.string().trim().max(500).nullable().optional(),
  })
  .strict();
export type Loss = z.infer<typeof Loss>;

export const AdjustmentOrderForm = z
  .object({ kind: z.enum(['222', 'CSOS']), number: z.string().trim().min(1).max(40), line: z.number().int().min(1).max(99).optional() })
  .strict();

export const AdjustmentDetails = z
  .object({
    counterparty: Counterparty.nullable().optional(),
    destruction: Destruction.nullable().optional(),
    loss: Loss.nullable().optional(),
    order_form: AdjustmentOrderForm.nullable().optional(),
  })
  .strict();
export type AdjustmentDetails = z.infer<typeof AdjustmentDetails>;

export const DESTRUCTION_KINDS: ReadonlySet<AdjustmentKind> = new Set(['expired_destruction', 'destruction']);
export const TRANSFER_KINDS: ReadonlySet<AdjustmentKind> = new Set(['wholesaler_return', 'reverse_distributor_return', 'transfer_to_registrant']);

/**
 * Why a signing must be witnessed by a second person, or null. Destroying a controlled substance
 * always needs two employees (21 CFR 1317.95(d)); a CII theft or loss always needs two as well:
 * the issue asked for the two-person rule "on by default" there, and we found no pharmacy that
 * would want one person alone to write off CII, so it cannot be switched off (docs/notes.md).
 * The policy's two_person_cii extends the rule to every signed CII adjustment.
 */
export function needsSecondPerson(kind: AdjustmentKind | null, reason: ReasonCode, schedule: Schedule | null, twoPersonCii: boolean): string | null {
  if (kind && DESTRUCTION_KINDS.has(kind) && schedule) return 'destroying a controlled substance needs two employees: the one who destroys it and a witness (21 CFR 1317.95(d))';
  if (schedule === 'CII' && (reason === 'theft_or_loss' || kind === 'theft_or_loss')) return 'a CII theft or loss is signed by two people';
  if (schedule === 'CII' && twoPersonCii) return 'the two-person rule is on for CII';
  return null;
}

/**
 * What is missing or wrong in an adjustment's details, each naming its field; empty when it
 * has what the records need. `schedule` null: not controlled (nothing is required).
 */
export function adjustmentDetailProblems(kind: AdjustmentKind | null, reason: ReasonCode, schedule: Schedule | null, d: AdjustmentDetails): string[] {
  const out: string[] = [];
  if (kind && DESTRUCTION_KINDS.has(kind) && schedule && !d.destruction) out.push('destruction: give the method and the place of destruction (DEA Form 41)');
  if (kind && TRANSFER_KINDS.has(kind)) {
    if (!d.counterparty) out.push('counterparty: name, address and DEA number of the party it goes to');
    if (schedule === 'CII' && !d.order_form) out.push('order_form: a CII return or transfer is filled against the recipient\'s DEA Form 222 or CSOS order: give its number');
  }
  if (d.counterparty) {
    const p = deaNumberProblem(d.counterparty.dea_number);
    if (p) out.push(`counterparty.dea_number: ${p}`);
  }
  if ((reason === 'theft_or_loss' || kind === 'theft_or_loss') && !d.loss) out.push('loss.type: a theft or loss (DEA Form 106) needs the type of loss');
  return out;
}
