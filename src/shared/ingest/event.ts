import { z } from 'zod';
import { Schedule } from '../domain/schedule';

/**
 * The canonical event: what every source (NDJSON line, X12 line item, POS call, UI form, scan)
 * is normalized to before the one ingestion gate validates, deduplicates, routes and commits
 * it. docs/ingestion.md is the normative text.
 */
export const EVENT_TYPES = ['RECEIPT', 'DISPENSE', 'RETURN', 'ADJUSTMENT', 'COUNT', 'INITIAL_INVENTORY'] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

export const EVENT_SOURCES = ['ndjson', 'ui', 'pos', 'edi', 'scan', 'count', 'cli'] as const;
export const EventSourceKind = z.enum(EVENT_SOURCES);
export type EventSourceKind = z.infer<typeof EventSourceKind>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const SafeInt = z.number().int('a whole number of units').refine(Number.isSafeInteger, 'a safe integer');
type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
const DataValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), SafeInt, z.string().max(2000), z.array(DataValue).max(200), z.record(z.string(), DataValue)]),
);

/** GS1 AI 10 / AI 21: at most 20 characters from the GS1 character set 82 (printable, no space). */
const Gs1Text = z
  .string()
  .trim()
  .min(1)
  .max(20, 'at most 20 characters (GS1 AI 10/21)')
  .regex(/^[!"%-?A-Z_a-z]+$/, 'letters, digits and GS1 punctuation only (GS1 character set 82)');

/** The fields, without the cross-field rules (for forms that fill some of them in). */
export const CanonicalEventFields = z
  .object({
    type: EventType,
    facility_id: z.string().regex(/^[A-Z0-9]{6}$/, 'six capital letters or digits'),
    /** Any NDC layout (10 digits with hyphens, 11 digits, 5-4-2); the gate normalizes it to ndc11. */
    ndc: z.string().trim().min(1).max(20),
    lot: Gs1Text.nullable(),
    serial: Gs1Text.nullable().default(null),
    expiry: z.iso.date({ message: 'a date YYYY-MM-DD' }).nullable().default(null),
    /**
     * The schedule the source declared. Absent: the source does not say (EDI, POS); the gate
     * takes it from the catalog or from earlier entries of the NDC. null: not controlled.
     */
    schedule: Schedule.nullable().optional(),
    /**
     * Whole units. Positive for RECEIPT, DISPENSE and RETURN (the type gives the direction);
     * signed for ADJUSTMENT; the counted quantity (0 or more) for COUNT.
     */
    quantity: SafeInt,
    /**
     * The unit the source says `quantity` is in ("TABLET", "tablets", "mL"); the gate refuses
     * it when it is not the catalog's dosage unit for the NDC (UNIT_MISMATCH). Absent: dosage units.
     */
    unit: z.string().trim().min(1).max(40).nullable().optional(),
    event_time: z.iso.datetime({ offset: true, message: 'an ISO 8601 time with Z or an offset' }),
    /** Who handled the product: a user id of this workstation or a configured handler id. */
    handler_id: z.string().trim().min(1).max(64),
    /** Names the event; a repeat with the same key and content is a duplicate, not a second entry. */
    idempotency_key: z.string().min(1).max(300).nullable().default(null),
    /** sha256 of the normalized content, when the source defines its own (the NDJSON path does). */
    fingerprint: Hex64.optional(),
    data: z.record(z.string(), DataValue).default({}),
    source: z
      .object({
        kind: EventSourceKind,
        correlation_id: z.string().min(1).max(100),
        /** sha256 of the raw payload this event came from. */
        payload_sha256: Hex64,
        /** Where in the payload: "file.ndjson:12", an X12 control number, a POS transaction id. */
        ref: z.string().max(500).nullable().default(null),
      })
      .strict(),
    /** Set when this event is the fixed replay of a quarantined item. */
    replay_of: z.number().int().positive().nullable().default(null),
  })
  .strict();

export const CanonicalEvent = CanonicalEventFields.superRefine((e, ctx) => {
  const observation = e.type === 'COUNT' || e.type === 'INITIAL_INVENTORY';
  if (e.type === 'ADJUSTMENT' ? e.quantity === 0 : observation ? e.quantity < 0 : e.quantity <= 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['quantity'],
      message:
        e.type === 'ADJUSTMENT'
          ? 'an adjustment of 0 units changes nothing'
          : observation
            ? `a count cannot be negative (got ${e.quantity})`
            : `a ${e.type.toLowerCase()} needs a quantity above 0 (got ${e.quantity})`,
    });
  }
  // A serial names one package: its quantity (the package's dosage units) is checked by the gate
  // against the catalog's package size.
  if (e.lot === null && e.type !== 'ADJUSTMENT' && !observation) {
    ctx.addIssue({ code: 'custom', path: ['lot'], message: `a ${e.type.toLowerCase()} needs the lot number` });
  }
});
export type CanonicalEvent = z.output<typeof CanonicalEvent>;
export type CanonicalEventInput = z.input<typeof CanonicalEvent>;

/**
 * Reason codes a quarantined item can carry. Deterministic ones (everything but
 * TRANSIENT_FAILURE) give the same answer on every retry.
 */
export const REASON_CODES = {
  MALFORMED_JSON: 'not valid JSON',
  SCHEMA: 'a field is missing or has the wrong form',
  MISSING_FIELD: 'a required field is absent',
  BAD_QUANTITY: 'the quantity is not allowed for this type',
  UNKNOWN_TRANSACTION_TYPE: 'not RECEIPT, DISPENSE, ADJUSTMENT or RETURN',
  BAD_NDC: 'not an NDC',
  AMBIGUOUS_NDC: 'a 10-digit NDC without hyphens that the catalog cannot resolve',
  UNKNOWN_NDC: 'the NDC is not in the catalog (or no catalog is loaded)',
  NO_PRODUCT_ID: 'an EDI line with no NDC and no GTIN',
  SCHEDULE_MISMATCH: 'the declared schedule differs from the catalog',
  SCHEDULE_CHANGE: 'the NDC was recorded under another schedule before',
  UNKNOWN_SCHEDULE: 'no catalog entry and no earlier entry gives the schedule',
  UNAUTHORIZED_HANDLER: 'the handler is not an active user or an id listed in ingest.handler_ids (for EDI: the sender is not listed in ingest.edi_senders)',
  EXPIRED_LOT: 'the lot had expired at the event time',
  BAD_LOT: 'lot or serial breaks the lot/serial rules',
  DUPLICATE_SERIAL: 'a DSCSA serial already in stock or on record (a suspect product): never stocked',
  FUTURE_EVENT: 'the event time is in the future',
  WRONG_FACILITY: 'the event is for a facility this workstation does not serve',
  HOLD_ACTIVE: 'the lot is on hold',
  INSUFFICIENT_STOCK: 'more than is on hand',
  BAD_DELTA: 'the stock change does not fit the entry type',
  INVALID_ENTRY: 'the ledger refused the entry',
  IDEMPOTENCY_CONFLICT: 'the key was used before with different content',
  LINE_TOO_LONG: 'the line exceeds the size limit',
  EDI_REJECTED: 'the X12 transaction set failed envelope or segment checks',
  NOT_X12: 'the file is not readable X12',
  UNSUPPORTED_ACTIVITY: 'an EDI activity that is not a stock movement RxLedger records',
  NO_QUANTITY: 'an EDI line with no quantity',
  NO_UNIT: 'an EDI quantity without a unit',
  SDQ_TOTAL_MISMATCH: 'SDQ location quantities do not add up',
  UNIT_MISMATCH: "the unit (or units per container) differs from the catalog's package for the NDC",
  ORDER_FORM_REUSED: 'the DEA Form 222 / CSOS number was used for an order from another supplier',
  UNKNOWN_PACKAGE_SIZE: 'containers were sent but the catalog gives no package size to turn them into dosage units',
  TRANSIENT_FAILURE: 'the database stayed busy after every retry',
} as const;
export type ReasonCode = keyof typeof REASON_CODES;
