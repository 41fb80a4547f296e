import { z } from 'zod';
import { ReportRequest } from '../reports/types';

/** Channels of DEA records and audit exports (issue 7). */

export const RegistrantView = z.object({
  facility_id: z.string(),
  name: z.string().nullable(),
  address: z.string().nullable(),
  dea_number: z.string().nullable(),
  /** What is missing or wrong, in words; null when DEA records can be exported. */
  problem: z.string().nullable(),
});
export type RegistrantView = z.infer<typeof RegistrantView>;

export const ReportHeadView = z.object({ device_id: z.string(), seq: z.number().int(), hash: z.string(), local: z.boolean() });

export const ReportJobView = z.object({
  jobId: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  phase: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: z
    .object({
      fileName: z.string(),
      mime: z.string(),
      bytes: z.number().int(),
      sha256: z.string(),
      lines: z.number().int(),
      notices: z.array(z.string()),
      heads: z.array(ReportHeadView),
      auditId: z.number().int(),
    })
    .nullable(),
});
export type ReportJobView = z.infer<typeof ReportJobView>;

export const ExportRecordView = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  kind: z.string().nullable(),
  format: z.string().nullable(),
  file: z.string().nullable(),
  sha256: z.string().nullable(),
});

export const reportsChannels = {
  'reports.registrant': { permission: 'reports.export', input: z.object({}).strict(), output: RegistrantView },
  'reports.setRegistrant': {
    permission: 'facility.manage',
    input: z
      .object({
        name: z.string().trim().min(1, 'give the name on the DEA registration').max(200),
        address: z.string().trim().min(1, 'give the registered location address').max(500),
        deaNumber: z.string().trim().min(1, 'give the DEA registration number (two letters, seven digits)').max(20),
      })
      .strict(),
    output: RegistrantView,
  },
  /** Starts computing a report in the worker; poll reports.status for progress. */
  'reports.start': { permission: 'reports.export', input: ReportRequest, output: z.object({ jobId: z.string() }) },
  'reports.status': { permission: 'reports.export', input: z.object({ jobId: z.string().max(64) }).strict(), output: ReportJobView },
  /** The finished file in base64 pieces (both transports carry JSON); the screen saves it as a download. */
  'reports.download': {
    permission: 'reports.export',
    input: z.object({ jobId: z.string().max(64), offset: z.number().int().min(0).default(0) }).strict(),
    output: z.object({ data: z.string(), offset: z.number().int(), next: z.number().int().nullable(), total: z.number().int() }),
  },
  /** The last exports recorded in the audit trail (who, what, sha256). */
  'reports.recent': { permission: 'reports.export', input: z.object({}).strict(), output: z.object({ exports: z.array(ExportRecordView) }) },
} as const;
