import { z } from 'zod';
import { CanonicalEventFields } from '../ingest/event';

/** Channels of ingestion: quarantine review, PHI reads, alerts, and UI form events through the gate. */
export const QuarantineStatus = z.enum(['open', 'replayed', 'rejected']);

export const QuarantineItemView = z.object({
  id: z.number().int(),
  source: z.string(),
  sha256: z.string(),
  reasons: z.array(z.string()),
  issues: z.array(z.string()),
  received_at: z.string(),
  status: QuarantineStatus,
  correlation_id: z.string(),
  raw_ref: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
});
export type QuarantineItemView = z.infer<typeof QuarantineItemView>;

/** What a pharmacist reads first (src/main/quarantine/summary.ts); the codes above stay for the technical detail. */
export const QuarantineSummaryView = z.object({
  drug_name: z.string().nullable(),
  ndc: z.string().nullable(),
  lot: z.string().nullable(),
  serial: z.string().nullable(),
  expiry: z.string().nullable(),
  source_label: z.string(),
  plain_reasons: z.array(z.string()),
  suspect: z.boolean(),
  investigation: z.enum(['none', 'investigating', 'cleared', 'illegitimate']),
});
export const QuarantineListItem = QuarantineItemView.extend({ summary: QuarantineSummaryView });
export type QuarantineListItem = z.infer<typeof QuarantineListItem>;

export const QuarantineDecisionView = z.object({
  id: z.number().int(),
  decision: z.enum(['replayed', 'rejected']),
  decided_by: z.string(),
  decided_at: z.string(),
  reason: z.string(),
  entry_ref: z.string().nullable(),
});

export const AlertMetricView = z.object({
  metric: z.enum(['expiring_lots', 'holds_open_long', 'receiving_open_long', 'quarantine_growing', 'outbox_not_draining', 'validation_failure_rate', 'quarantine_depth', 'ingest_latency_p95_ms']),
  value: z.number().nullable(),
  threshold: z.number(),
  firing: z.boolean(),
  detail: z.string(),
  /** What to act on, one line each. */
  items: z.array(z.string()),
  /** Where and how to act. */
  action: z.string(),
});

export const AlertThresholdsView = z.object({
  maxFailureRate: z.number().min(0).max(1),
  maxQuarantineDepth: z.number().int().min(0),
  maxLatencyP95Ms: z.number().min(0),
  windowMinutes: z.number().int().min(1).max(24 * 60),
  expiringDays: z.number().int().min(0).max(3650),
  holdMaxHours: z.number().int().min(0).max(24 * 90),
  receivingMaxHours: z.number().int().min(0).max(24 * 30),
  maxQuarantineNew24h: z.number().int().min(0).max(100_000),
  outboxMaxAgeMinutes: z.number().int().min(1).max(60 * 24 * 30),
});

export const AlertsView = z.object({
  at: z.string(),
  windowMinutes: z.number(),
  thresholds: AlertThresholdsView,
  metrics: z.array(AlertMetricView),
  counts: z.object({ committed: z.number().int(), quarantined: z.number().int(), latencySamples: z.number().int() }),
});
export type AlertsView = z.infer<typeof AlertsView>;

/** A form's event: the main process fills in the handler (the signed-in user) and the source. */
export const UiEventInput = CanonicalEventFields.omit({ handler_id: true, source: true, fingerprint: true, replay_of: true });

export const ingestChannels = {
  'quarantine.list': {
    permission: 'quarantine.decide',
    input: z.object({ status: QuarantineStatus.optional() }).strict(),
    output: z.object({ items: z.array(QuarantineListItem), open: z.number().int() }),
  },
  'quarantine.get': {
    permission: 'quarantine.decide',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({
      item: QuarantineListItem,
      decisions: z.array(QuarantineDecisionView),
      /** The kept bytes as UTF-8 text (replacement characters where they are not), and as hex. */
      raw: z.object({ bytes: z.number().int(), text: z.string(), hex: z.string(), truncated: z.boolean(), validUtf8: z.boolean() }).nullable(),
    }),
  },
  'quarantine.replay': {
    permission: 'quarantine.decide',
    input: z.object({ id: z.number().int().positive(), fixedText: z.string().max(1 << 20).nullable().default(null), note: z.string().max(500).optional() }).strict(),
    output: z.object({
      quarantine_id: z.number().int(),
      committed: z.array(z.object({ device_id: z.string(), seq: z.number().int(), hash: z.string() })),
      duplicates: z.number().int(),
      ignored: z.number().int(),
    }),
  },
  'quarantine.reject': {
    permission: 'quarantine.decide',
    input: z.object({ id: z.number().int().positive(), reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) }).strict(),
    output: z.object({ quarantine_id: z.number().int(), decision_id: z.number().int() }),
  },
  /** Decrypts kept PHI (a POS request's patient, or a quarantined POS request); every read is audited. */
  'phi.read': {
    permission: 'phi.read',
    input: z
      .object({ ref: z.string().max(200).optional(), quarantineId: z.number().int().positive().optional(), why: z.string().trim().min(3).max(300) })
      .strict()
      .refine((i) => i.ref !== undefined || i.quarantineId !== undefined, 'give ref or quarantineId'),
    output: z.object({ records: z.array(z.object({ id: z.number().int(), token: z.string(), purpose: z.string(), ref: z.string().nullable(), created_at: z.string(), text: z.string() })) }),
  },
  'alerts.get': { permission: 'stock.read', input: z.object({}).strict(), output: AlertsView },
  'alerts.setThresholds': { permission: 'facility.manage', input: AlertThresholdsView.partial().strict(), output: AlertsView },
  /** A UI form's event through the ingestion gate (receiving, counts, adjustments). */
  'ingest.submit': {
    permission: 'ledger.append',
    input: z.object({ form: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/), event: UiEventInput }).strict(),
    output: z.object({
      status: z.enum(['committed', 'duplicate', 'quarantined']),
      entry: z.object({ device_id: z.string(), seq: z.number().int(), hash: z.string() }).nullable(),
      quarantine_id: z.number().int().nullable(),
      reasons: z.array(z.string()),
      issues: z.array(z.string()),
    }),
  },
} as const;
