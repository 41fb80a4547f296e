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
} as const;
