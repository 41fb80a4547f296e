import { z } from 'zod';

const Empty = z.object({}).strict();

/** The Settings screen: what this workstation is, its scanners, and the idle logoff. */
export const settingsChannels = {
  'settings.get': {
    permission: 'stock.read',
    input: Empty,
    output: z.object({
      facilityId: z.string(),
      facilityName: z.string().nullable(),
      facilityAddress: z.string().nullable(),
      deaNumber: z.string().nullable(),
      deviceId: z.string(),
      idleTimeoutSeconds: z.number().int(),
      syncServer: z.string().nullable(),
    }),
  },
  'settings.setIdleTimeout': {
    permission: 'users.manage',
    input: z.object({ seconds: z.number().int().min(60).max(3600) }).strict(),
    output: z.object({ idleTimeoutSeconds: z.number().int() }),
  },
  'settings.rescanScanners': { permission: 'stock.read', input: Empty, output: z.object({ ok: z.literal(true) }) },
  /** What the pharmacy system needs to call the POS API; every read is audited. */
  'settings.posConnection': {
    permission: 'facility.manage',
    input: Empty,
    output: z.object({ port: z.number().int(), baseUrl: z.string(), token: z.string() }),
  },
  /** Who the ingestion gate takes files from besides this workstation's users (docs/ingestion.md). */
  'settings.partners': {
    permission: 'facility.manage',
    input: Empty,
    output: z.object({ ediSenders: z.array(z.string()), handlerIds: z.array(z.string()) }),
  },
  'settings.setPartners': {
    permission: 'facility.manage',
    input: z
      .object({
        /** ISA06 (or GS02) sender IDs: X12 gives 15 characters at most; `bare` takes ST..SE files without an envelope. */
        ediSenders: z.array(z.string().trim().min(1).max(15, 'an EDI sender ID (ISA06) is at most 15 characters').regex(/^[A-Za-z0-9 ._-]+$/, 'an EDI sender ID has letters, digits, space, . _ -')).max(200),
        /** IDs another system (ERP, wholesaler) puts in handler_id; kept as claims beside the proven submitter. */
        handlerIds: z.array(z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'a handler ID has letters, digits, . _ : -')).max(500),
      })
      .strict(),
    output: z.object({ ediSenders: z.array(z.string()), handlerIds: z.array(z.string()) }),
  },
} as const;
