import { z } from 'zod';
import { Schedule } from '../domain/schedule';

/**
 * Entry types. Stock-moving types carry a signed `delta`; COUNT is an absolute observation
 * (delta 0, the counted quantity in `quantity`); HOLD_* and CORRECTION name other entries.
 */
export const ENTRY_TYPES = [
  'RECEIPT',
  'DISPENSE',
  'RETURN',
  'ADJUSTMENT',
  'COUNT',
  'HOLD_PLACED',
  'HOLD_RELEASED',
  'CORRECTION',
  'INITIAL_INVENTORY',
] as const;
export const EntryType = z.enum(ENTRY_TYPES);
export type EntryType = z.infer<typeof EntryType>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const IsoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'an ISO 8601 UTC time ending in Z');
const Int = z.number().int().refine(Number.isSafeInteger, 'a safe integer');

export const EntryRef = z.object({ device_id: z.string().min(1), seq: Int.positive(), hash: Hex64 });
export type EntryRef = z.infer<typeof EntryRef>;

/** JSON value without floats, for the type-specific `data` of an entry. */
export type EntryData = { [key: string]: EntryDataValue };
type EntryDataValue = null | boolean | number | string | EntryDataValue[] | { [key: string]: EntryDataValue };
const EntryDataValue: z.ZodType<EntryDataValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), Int, z.string(), z.array(EntryDataValue), z.record(z.string(), EntryDataValue)]),
);

/** The signed body of a ledger entry, version 1. docs/ledger.md is the normative text. */
export const EntryBody = z
  .object({
    v: z.literal(1),
    device_id: z.string().min(1),
    seq: Int.positive(),
    type: EntryType,
    facility_id: z.string().min(1),
    ndc: z.string().nullable(),
    lot: z.string().nullable(),
    serial: z.string().nullable(),
    expiry: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    schedule: Schedule.nullable(),
    quantity: Int,
    delta: Int,
    event_time: IsoUtc,
    recorded_at: IsoUtc,
    actor: z.string().min(1),
    corrects: EntryRef.nullable(),
    idempotency_key: z.string().nullable(),
    source: z.object({
      kind: z.enum(['ndjson', 'ui', 'pos', 'edi', 'scan', 'count', 'sync', 'cli']),
      payload_sha256: Hex64.nullable(),
      correlation_id: z.string().min(1),
    }),
    data: z.record(z.string(), EntryDataValue),
  })
  .strict();
export type EntryBody = z.infer<typeof EntryBody>;

/** An entry as stored: the body plus its chain fields. */
export interface LedgerEntry {
  device_id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  signature: string;
  body: EntryBody;
}

/** What the UI and `rxledger ledger --json` show of an entry. */
export const LedgerEntryView = z.object({
  device_id: z.string(),
  seq: z.number().int(),
  hash: z.string(),
  prev_hash: z.string(),
  signature: z.string(),
  type: EntryType,
  facility_id: z.string(),
  ndc: z.string().nullable(),
  lot: z.string().nullable(),
  serial: z.string().nullable(),
  expiry: z.string().nullable(),
  schedule: Schedule.nullable(),
  quantity: z.number().int(),
  delta: z.number().int(),
  event_time: z.string(),
  recorded_at: z.string(),
  actor: z.string(),
  corrects: EntryRef.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type LedgerEntryView = z.infer<typeof LedgerEntryView>;

/** Sign of the stock effect each type may have; checked at append time and by verification. */
export function deltaRule(type: EntryType): 'positive' | 'negative' | 'zero' | 'nonzero' | 'nonnegative' | 'any' {
  switch (type) {
    case 'RECEIPT':
    case 'RETURN':
      return 'positive';
    case 'DISPENSE':
      return 'negative';
    case 'ADJUSTMENT':
      return 'nonzero';
    case 'CORRECTION':
      return 'any';
    case 'INITIAL_INVENTORY':
      // The opening balance counted when a registrant starts (1304.11(b)); 0 records "none on hand".
      return 'nonnegative';
    default:
      return 'zero';
  }
}

/** Whether a stock change fits its entry type (checked when appending and when verifying). */
export function deltaAllowed(type: EntryType, delta: number): boolean {
  switch (deltaRule(type)) {
    case 'positive':
      return delta > 0;
    case 'negative':
      return delta < 0;
    case 'zero':
      return delta === 0;
    case 'nonzero':
      return delta !== 0;
    case 'nonnegative':
      return delta >= 0;
    case 'any':
      return true;
  }
}
