import { z } from 'zod';
import { ErrorCodeSchema } from '../errors/error-codes';
export { RxError } from '../errors/error-codes';
import { Role, type Permission } from '../domain/roles';
import { Schedule } from '../domain/schedule';
import { LedgerEntryView } from '../schemas/ledger-entry';
import { ingestChannels } from './ingest-channels';
import { receivingChannels } from './receiving-channels';
import { countsChannels } from './counts-channels';
import { holdsChannels } from './holds-channels';
import { reportsChannels } from './reports-channels';
import { inventoryChannels } from './inventory-channels';
import { settingsChannels } from './settings-channels';
import { usersChannels } from './users-channels';
import { quarantineChannels } from './quarantine-channels';
import { catalogChannels } from './catalog-channels';
import { enrollmentChannels } from './enrollment-channels';

/**
 * The one contract between the renderer and the main process. Electron's ipcMain and the
 * browser-mode HTTP host both validate inputs against these schemas before a handler runs,
 * and the renderer's single client validates outputs. Add a channel here first.
 */
export const SessionView = z.object({
  userId: z.string(),
  name: z.string(),
  role: Role,
  mustChangePassword: z.boolean(),
  idleTimeoutSeconds: z.number().int(),
});
export type SessionView = z.infer<typeof SessionView>;

export const StockRow = z.object({
  facility_id: z.string(),
  ndc: z.string(),
  lot: z.string(),
  schedule: Schedule.nullable(),
  /** Dosage units (tablets, mL, patches) of the NDC's package; `unit` names them. */
  on_hand: z.number().int(),
  last_event_time: z.string(),
  name: z.string().nullable(),
  /** The dosage unit ("TABLET", "mL"); null when the catalog does not say. */
  unit: z.string().nullable(),
  /** Units in one package of the NDC, for "3 × 100 tablets + 27 tablets"; null when unknown. */
  units_per_container: z.number().int().nullable(),
  /** The lot's expiry (YYYY-MM-DD) as received; null when not known. */
  expiry: z.string().nullable(),
  /** The active compliance hold covering the lot (or every lot of the NDC), if any. */
  hold_id: z.string().nullable(),
});
export type StockRow = z.infer<typeof StockRow>;

/**
 * A row of `stock.list`: on hand is null, and `hidden` says why, for an NDC the caller is
 * counting blind right now (src/main/counts/blind-scope.ts).
 */
export const StockListRow = StockRow.extend({ on_hand: z.number().int().nullable(), hidden: z.string().nullable().optional() });
export type StockListRow = z.infer<typeof StockListRow>;

/** An entry of `ledger.list`: quantity, delta and data withheld (null / {}) with `hidden` during the caller's blind count of its NDC. */
export const LedgerListEntry = LedgerEntryView.extend({
  quantity: z.number().int().nullable(),
  delta: z.number().int().nullable(),
  hidden: z.string().nullable().optional(),
  /** The dosage unit of quantity and delta ("TABLET", "mL"), when known. */
  unit: z.string().nullable().optional(),
  /** Units per package of the NDC, for "3 × 100 tablets + 27 tablets". */
  units_per_container: z.number().int().nullable().optional(),
  /** A version 0.1 entry recorded in containers: quantity and delta here are its dosage units; this says so. */
  units_note: z.string().nullable().optional(),
});
export type LedgerListEntry = z.infer<typeof LedgerListEntry>;

export const VerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  failure: z.object({ device_id: z.string(), seq: z.number().int(), reason: z.string() }).nullable(),
  stockMismatches: z.array(z.object({ facility_id: z.string(), ndc: z.string(), lot: z.string(), projected: z.number(), fromLedger: z.number() })),
  heads: z.array(z.object({ device_id: z.string(), head_seq: z.number().int(), head_hash: z.string() })),
  durationMs: z.number(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const SyncStatus = z.object({
  state: z.enum(['not-enrolled', 'online', 'offline', 'auth-refused', 'syncing']),
  outboxDepth: z.number().int(),
  oldestUnsentAt: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });

/** Channels of the foundation. Feature modules define theirs in `<feature>-channels.ts` beside this file. */
export const coreChannels = {
  'app.info': {
    input: Empty,
    output: z.object({
      mode: z.enum(['electron', 'browser']),
      version: z.string(),
      facilityId: z.string(),
      facilityName: z.string().nullable(),
      deviceId: z.string(),
      /** The facility's IANA zone: every time on screen is read in it. */
      timeZone: z.string(),
      testHooks: z.boolean(),
    }),
  },
  'auth.session': {
    input: Empty,
    output: z.object({ session: SessionView.nullable(), endedBecause: z.enum(['signed-out', 'idle', 'replaced']).nullable() }),
  },
  'auth.signIn': {
    input: z.object({ userId: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict(),
    output: z.object({ session: SessionView }),
  },
  'auth.changePassword': {
    input: z.object({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) }).strict(),
    output: z.object({ session: SessionView }),
  },
  'auth.signOut': { input: Empty, output: Ok },
  /** A keystroke or click happened; polling does not count as activity, this does. */
  'auth.activity': { input: Empty, output: Ok },
  'status.get': {
    input: Empty,
    output: z.object({
      user: SessionView.nullable(),
      facilityId: z.string(),
      facilityName: z.string().nullable(),
      sync: SyncStatus,
      activeHolds: z.number().int(),
      quarantineOpen: z.number().int(),
      now: z.string(),
    }),
  },
  'stock.list': {
    permission: 'stock.read',
    input: z
      .object({
        search: z.string().max(100).optional(),
        /** Only lots that expire within this many days of today (expired ones included). */
        expiresWithinDays: z.number().int().min(0).max(3650).optional(),
        /** Only lots under an active compliance hold. */
        onHold: z.boolean().optional(),
        /** Lots with none on hand are left out unless asked for. */
        includeEmpty: z.boolean().optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(20_000).default(500),
      })
      .strict(),
    output: z.object({ rows: z.array(StockListRow), total: z.number().int() }),
  },
  'ledger.list': {
    permission: 'ledger.read',
    input: z.object({ ndc: z.string().max(20).optional(), beforeSeq: z.number().int().optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ entries: z.array(LedgerListEntry), head: z.object({ device_id: z.string(), seq: z.number().int(), hash: z.string() }) }),
  },
  'ledger.verify': { permission: 'ledger.verify', input: Empty, output: VerifyResult },
} as const;

/** Every channel. A feature adds its channel table here with one spread. */
export const contract = {
  ...coreChannels,
  ...ingestChannels,
  ...receivingChannels,
  ...countsChannels,
  ...holdsChannels,
  ...settingsChannels,
  ...usersChannels,
  ...reportsChannels,
  ...inventoryChannels,
  ...quarantineChannels,
  ...catalogChannels,
  ...enrollmentChannels,
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

/**
 * A channel: zod input and output, the role permission it needs (absent: any signed-in user),
 * and whether it may be called without a session.
 */
export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  permission?: Permission;
}

/** Channels callable without a signed-in session. */
export const PUBLIC_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['app.info', 'auth.session', 'auth.signIn', 'status.get']);

/** Errors cross the boundary as a code (the one table in src/shared/errors) and a message a person can act on. */
export const ErrorCode = ErrorCodeSchema;
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const Reply = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type Reply = z.infer<typeof Reply>;


/** Browser-mode HTTP paths; the per-launch token travels in this header. */
export const API_PREFIX = '/api/';
export const TOKEN_HEADER = 'x-rxledger-token';
