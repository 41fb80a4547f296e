import { z } from 'zod';

/** An http(s) address of the central server; anything else is refused before a request is made. */
const ServerUrl = z
  .string()
  .trim()
  .min(1, 'give the central server address, e.g. https://central.example:8443')
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'not a web address: write it as https://central.example:8443 (as the central office gave it)');

export const EnrollmentView = z.object({
  deviceId: z.string(),
  facilityId: z.string(),
  /** Null until enrolled. */
  serverUrl: z.string().nullable(),
  enrolledAt: z.string().nullable(),
  /** As the status bar says it (SyncStatus in contract.ts, not imported: contract.ts imports this file). */
  syncState: z.enum(['not-enrolled', 'online', 'offline', 'auth-refused', 'syncing']),
  lastSyncAt: z.string().nullable(),
  outboxDepth: z.number().int(),
  message: z.string().nullable(),
});
export type EnrollmentView = z.infer<typeof EnrollmentView>;

/** Enrollment with the central server from Settings: what `rxledger enroll` does. */
export const enrollmentChannels = {
  'settings.enrollment': { permission: 'stock.read', input: z.object({}).strict(), output: EnrollmentView },
  'settings.enroll': {
    permission: 'facility.manage',
    input: z.object({ serverUrl: ServerUrl, code: z.string().trim().min(1, 'give the enrollment code from the central office').max(100) }).strict(),
    output: EnrollmentView,
  },
} as const;
