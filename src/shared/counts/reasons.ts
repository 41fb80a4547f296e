import { z } from 'zod';

/** Why stock differs from the book. theft_or_loss marks the adjustment for a DEA Form 106. */
export const REASON_CODES = [
  'miscount',
  'breakage',
  'expired',
  'theft_or_loss',
  'transfer_error',
  'data_entry',
  'destroyed',
  'returned_to_wholesaler',
  'returned_to_reverse_distributor',
  'transferred_to_registrant',
] as const;
export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const REASON_LABELS: Record<ReasonCode, string> = {
  miscount: 'Miscount',
  breakage: 'Breakage',
  expired: 'Expired',
  theft_or_loss: 'Theft or loss suspected (Form 106)',
  transfer_error: 'Transfer error',
  data_entry: 'Data entry error',
  destroyed: 'Destroyed (DEA Form 41)',
  returned_to_wholesaler: 'Returned to the wholesaler',
  returned_to_reverse_distributor: 'Returned to a reverse distributor',
  transferred_to_registrant: 'Transferred to another registrant',
};

/** A theft or significant loss must be reported to the DEA on Form 106. */
export const marksForm106 = (reason: ReasonCode): boolean => reason === 'theft_or_loss';

/** Part 11 §11.50(a)(3): the meaning of a signature. A co-signer who is not a pharmacist signs as witness. */
export const MEANINGS = ['approval', 'review', 'responsibility'] as const;
export const Meaning = z.enum(MEANINGS);
export type Meaning = z.infer<typeof Meaning>;
export const SIGNATURE_MEANINGS = [...MEANINGS, 'witness'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

export const MEANING_LABELS: Record<SignatureMeaning, string> = {
  approval: 'Approval',
  review: 'Review',
  responsibility: 'Responsibility',
  witness: 'Witness',
};

/**
 * Manual adjustments: each takes units out of stock, and each is its own kind with its own reason
 * and the details the DEA asks of it (src/shared/counts/adjustment-details.ts).
 */
export const ADJUSTMENT_KINDS = [
  'breakage',
  'expired_destruction',
  'destruction',
  'wholesaler_return',
  'reverse_distributor_return',
  'transfer_to_registrant',
  'theft_or_loss',
] as const;
export const AdjustmentKind = z.enum(ADJUSTMENT_KINDS);
export type AdjustmentKind = z.infer<typeof AdjustmentKind>;
export const ADJUSTMENT_KIND_LABELS: Record<AdjustmentKind, string> = {
  breakage: 'Breakage',
  expired_destruction: 'Expired, destroyed',
  destruction: 'Destroyed (not expired)',
  wholesaler_return: 'Return to the wholesaler',
  reverse_distributor_return: 'Return to a reverse distributor',
  transfer_to_registrant: 'Transfer to another registrant',
  theft_or_loss: 'Theft or loss',
};
/** The reason a manual adjustment is filed under unless the signer says otherwise. */
export const DEFAULT_REASON_FOR_KIND: Record<AdjustmentKind, ReasonCode> = {
  breakage: 'breakage',
  expired_destruction: 'expired',
  destruction: 'destroyed',
  wholesaler_return: 'returned_to_wholesaler',
  reverse_distributor_return: 'returned_to_reverse_distributor',
  transfer_to_registrant: 'transferred_to_registrant',
  theft_or_loss: 'theft_or_loss',
};
