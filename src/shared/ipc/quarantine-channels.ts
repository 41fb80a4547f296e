import { z } from 'zod';

/** DSCSA suspect-product investigations (docs/dscsa-suspect.md). */
export const InvestigationStepKind = z.enum(['finding', 'cleared', 'illegitimate']);

export const InvestigationStepView = z.object({
  id: z.number().int(),
  step: InvestigationStepKind,
  note: z.string(),
  signed_by: z.string(),
  printed_name: z.string(),
  signed_at: z.string(),
  time_zone: z.string(),
  fda_3911_date: z.string().nullable(),
  partner_notice_date: z.string().nullable(),
});
export type InvestigationStepView = z.infer<typeof InvestigationStepView>;

export const InvestigationState = z.enum(['none', 'investigating', 'cleared', 'illegitimate']);

export const InvestigationView = z.object({
  quarantine_id: z.number().int(),
  suspect: z.boolean(),
  state: InvestigationState,
  steps: z.array(InvestigationStepView),
});
export type InvestigationView = z.infer<typeof InvestigationView>;

const date = z.string().trim().max(10);

export const quarantineChannels = {
  'quarantine.investigation': {
    permission: 'quarantine.decide',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: InvestigationView,
  },
  /** One signed step: a finding, or the outcome (cleared / illegitimate). The signer is the signed-in pharmacist. */
  'quarantine.investigate': {
    permission: 'quarantine.decide',
    input: z
      .object({
        id: z.number().int().positive(),
        step: InvestigationStepKind,
        note: z.string().max(2000),
        fda3911Date: date.nullable().optional(),
        partnerNoticeDate: date.nullable().optional(),
        userId: z.string().trim().min(1).max(64),
        password: z.string().min(1).max(200),
      })
      .strict(),
    output: InvestigationView,
  },
} as const;
