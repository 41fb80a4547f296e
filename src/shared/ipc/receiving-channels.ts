import { z } from 'zod';
import { Schedule } from '../domain/schedule';
import { ManualPo, OrderForm, ShipmentKind, Supplier } from '../receiving/types';

/** Receiving channels (issue 3): sessions from an ASN / EPCIS / PO, scans to the screen, commit. */

const Tone = z.enum(['good', 'warn', 'bad', 'info']);

export const ReceivingLineView = z.object({
  id: z.number().int(),
  lineNo: z.number().int(),
  origin: z.enum(['expected', 'unexpected']),
  ndc: z.string().nullable(),
  gtin: z.string().nullable(),
  name: z.string().nullable(),
  /** Known schedule (null: not controlled); `scheduleKnown` false: the catalog or earlier entries decide at commit. */
  schedule: Schedule.nullable(),
  scheduleKnown: z.boolean(),
  expected: z.number().int(),
  received: z.number().int(),
  /** Dosage units in one container (the NDC's package), from the catalog or entered by a person; null: unknown, the line cannot be committed. */
  unitsPerContainer: z.number().int().nullable(),
  /** The dosage unit ("TABLET", "mL"); null when not known. */
  unit: z.string().nullable(),
  /** Where unitsPerContainer came from: "catalog", "entered by USER", or null. */
  unitsSource: z.string().nullable(),
  /** Dosage units received: received containers × unitsPerContainer; null while the size is unknown. */
  receivedUnits: z.number().int().nullable(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  lots: z.array(z.object({ lot: z.string(), expiry: z.string().nullable(), containers: z.number().int() })),
  state: z.enum(['waiting', 'partial', 'complete', 'over', 'unexpected']),
  flags: z.array(z.string()),
  suspect: z.number().int(),
  rejected: z.number().int(),
});
export type ReceivingLineView = z.infer<typeof ReceivingLineView>;

export const CommitSummary = z.object({
  committedAt: z.string(),
  committedBy: z.string(),
  /** The pharmacist's signed decisions on what was set aside (containers: those beyond the order, or the whole line). */
  setAside: z
    .array(z.object({ lineNo: z.number().int(), ndc: z.string().nullable(), reason: z.string(), decision: z.enum(['accept', 'refuse']), containers: z.number().int(), note: z.string(), signedBy: z.string() }))
    .optional(),
  dateReceived: z.string(),
  entries: z.array(
    z.object({
      seq: z.number().int(),
      lineNo: z.number().int(),
      ndc: z.string(),
      lot: z.string(),
      expiry: z.string().nullable(),
      schedule: Schedule.nullable(),
      containers: z.number().int(),
      unitsPerContainer: z.number().int().optional(),
      /** Dosage units recorded (containers × units per container). */
      quantity: z.number().int(),
      unit: z.string().nullable().optional(),
      serials: z.number().int(),
    }),
  ),
  shortLines: z.array(z.object({ lineNo: z.number().int(), ndc: z.string().nullable(), expected: z.number().int(), received: z.number().int() })),
});
export type CommitSummary = z.infer<typeof CommitSummary>;

/** A shipment file read but not yet opened as a session: what to look at first. */
export const ShipmentPreview = z.object({
  kind: ShipmentKind,
  documentId: z.string().nullable(),
  supplier: Supplier,
  poNumber: z.string().nullable(),
  shipDate: z.string().nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      ndc: z.string().nullable(),
      gtin: z.string().nullable(),
      name: z.string().nullable(),
      schedule: Schedule.nullable(),
      quantity: z.number().int(),
      lot: z.string().nullable(),
      expiry: z.string().nullable(),
      serials: z.number().int(),
      flags: z.array(z.enum(['unknown_product', 'expired', 'short_dated', 'controlled'])),
    }),
  ),
  warnings: z.array(z.string()),
  shortDatedDays: z.number().int(),
});
export type ShipmentPreview = z.infer<typeof ShipmentPreview>;

/** A line set aside at commit for a pharmacist's signed decision (src/main/receiving/set-aside.ts). */
export const SetAsideLineView = z.object({
  lineId: z.number().int(),
  lineNo: z.number().int(),
  ndc: z.string().nullable(),
  name: z.string().nullable(),
  schedule: Schedule,
  reason: z.enum(['cii_over_order_form', 'controlled_not_ordered']),
  /** Containers on the order (0 when not ordered), received, and beyond the order. */
  expected: z.number().int(),
  received: z.number().int(),
  excess: z.number().int(),
});
export type SetAsideLineView = z.infer<typeof SetAsideLineView>;

export const SetAsideDecisionInput = z
  .object({ lineId: z.number().int(), decision: z.enum(['accept', 'refuse']), note: z.string().max(500).default('') })
  .strict();
export type SetAsideDecisionInput = z.infer<typeof SetAsideDecisionInput>;

export const ReceivingSessionView = z.object({
  id: z.string(),
  status: z.enum(['open', 'committed', 'cancelled']),
  active: z.boolean(),
  kind: ShipmentKind,
  fileName: z.string().nullable(),
  documentId: z.string().nullable(),
  supplier: Supplier,
  poNumber: z.string().nullable(),
  orderForm: OrderForm.nullable(),
  shipDate: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  warnings: z.array(z.string()),
  lines: z.array(ReceivingLineView),
  packs: z.number().int(),
  totals: z.object({ expected: z.number().int(), received: z.number().int(), suspect: z.number().int(), rejected: z.number().int() }),
  policy: z.object({ shortDatedDays: z.number().int() }),
  commit: CommitSummary.nullable(),
});
export type ReceivingSessionView = z.infer<typeof ReceivingSessionView>;

export const ReceivingSessionSummary = ReceivingSessionView.pick({
  id: true,
  status: true,
  active: true,
  kind: true,
  fileName: true,
  poNumber: true,
  supplier: true,
  createdAt: true,
  totals: true,
});

export const ScanFeedEvent = z.object({
  /** Cursor: the scan log row id. */
  id: z.number().int(),
  at: z.string(),
  scannerId: z.string(),
  source: z.string(),
  raw: z.string(),
  verdict: z.string(),
  tone: Tone,
  message: z.string(),
  sessionId: z.string().nullable(),
  lineId: z.number().int().nullable(),
  quarantineId: z.number().int().nullable(),
  /** Containers this scan added to the session (a case adds its children). */
  units: z.number().int(),
});
export type ScanFeedEvent = z.infer<typeof ScanFeedEvent>;

const ScanIn = z
  .object({
    raw: z.string().min(1).max(8192),
    scannerId: z.string().trim().min(1).max(200).optional(),
    symbologyId: z.string().regex(/^\][A-Za-z0-9][0-9A-Za-z]$/).nullable().optional(),
  })
  .strict();
const ScanOut = z.object({ status: z.enum(['routed', 'unrouted', 'duplicate']), message: z.string().nullable() });
const SessionId = z.object({ sessionId: z.string().min(1).max(64) }).strict();

export const receivingChannels = {
  'receiving.list': {
    permission: 'stock.read',
    input: z.object({ includeClosed: z.boolean().default(false) }).strict(),
    output: z.object({ sessions: z.array(ReceivingSessionSummary), activeId: z.string().nullable() }),
  },
  'receiving.get': { permission: 'stock.read', input: SessionId, output: ReceivingSessionView },
  'receiving.start': {
    permission: 'ledger.append',
    input: z.union([
      z.object({ from: z.literal('file'), fileName: z.string().max(300), text: z.string().min(1).max(900_000) }).strict(),
      z.object({ from: z.literal('manual'), po: ManualPo }).strict(),
    ]),
    output: ReceivingSessionView,
  },
  /**
   * A unit whose barcode cannot be read, keyed by hand: the code printed under the barcode, or
   * NDC as printed + lot + expiry (+ serial). Same path as a scan; recorded as hand-keyed.
   */
  'receiving.keyed': {
    permission: 'ledger.append',
    input: z.union([
      z.object({ barcode: z.string().max(200) }).strict(),
      z.object({ ndc: z.string().max(20), lot: z.string().max(40), expiry: z.string().max(10), serial: z.string().max(40).nullable().optional() }).strict(),
    ]),
    output: ScanOut,
  },
  /** Takes back what one scan received, before commit (the raw scan stays; the removal is logged and audited). */
  'receiving.removeScan': {
    permission: 'ledger.append',
    input: z.object({ sessionId: z.string().min(1).max(64), scanId: z.number().int(), reason: z.string().max(300) }).strict(),
    output: z.object({ removed: z.number().int() }),
  },
  /** Reads a shipment file without opening a session: the preview a technician confirms. */
  'receiving.preview': {
    permission: 'ledger.append',
    input: z.object({ fileName: z.string().max(300), text: z.string().min(1).max(900_000) }).strict(),
    output: ShipmentPreview,
  },
  'receiving.activate': {
    permission: 'ledger.append',
    input: z.object({ sessionId: z.string().min(1).max(64).nullable() }).strict(),
    output: z.object({ activeId: z.string().nullable() }),
  },
  'receiving.updateHeader': {
    permission: 'ledger.append',
    input: z
      .object({ sessionId: z.string().min(1).max(64), supplier: Supplier.optional(), orderForm: OrderForm.nullable().optional(), poNumber: z.string().trim().max(60).nullable().optional() })
      .strict(),
    output: ReceivingSessionView,
  },
  /** Long poll: answers at once when scans after `after` exist, else when one arrives or after timeoutMs. */
  'receiving.waitForScans': {
    permission: 'stock.read',
    input: z.object({ after: z.number().int().nullable(), timeoutMs: z.number().int().min(0).max(25_000).default(20_000) }).strict(),
    output: z.object({ cursor: z.number().int(), events: z.array(ScanFeedEvent), session: ReceivingSessionView.nullable() }),
  },
  /** A scan read by the keyboard wedge in the renderer: the same router path as a USB scanner. */
  'receiving.wedgeScan': { permission: 'ledger.append', input: ScanIn, output: ScanOut },
  /** What a commit would do and what stops it, nothing written: the review before commit. */
  'receiving.review': {
    permission: 'ledger.append',
    input: SessionId,
    output: z.object({ problems: z.array(z.string()), setAside: z.array(SetAsideLineView) }),
  },
  'receiving.commit': {
    permission: 'ledger.append',
    input: z
      .object({
        sessionId: z.string().min(1).max(64),
        /** A pharmacist's signed decisions on the set-aside lines: user ID and password each time (§11.200(a)(1)(i)). */
        decisions: z
          .object({ userId: z.string().trim().min(1, 'the pharmacist\'s user ID').max(64), password: z.string().min(1, 'the pharmacist\'s password').max(200), lines: z.array(SetAsideDecisionInput).max(500) })
          .strict()
          .nullable()
          .optional(),
      })
      .strict(),
    output: z.object({ session: ReceivingSessionView, alreadyCommitted: z.boolean() }),
  },
  /**
   * The units per container of a line whose package the catalog gives no size for, read off the
   * package by a person (kept for the NDC, audited). Refused where the catalog states a size.
   */
  'receiving.setLineUnits': {
    permission: 'ledger.append',
    input: z
      .object({
        sessionId: z.string().min(1).max(64),
        lineId: z.number().int(),
        unitsPerContainer: z.number({ message: 'units per container is a number' }).int('units per container is a whole number').min(1, 'at least 1 unit per container').max(1_000_000),
        unit: z.string().trim().min(1, 'give the dosage unit (TABLET, CAPSULE, mL…)').max(40),
      })
      .strict(),
    output: ReceivingSessionView,
  },
  'receiving.cancel': {
    permission: 'ledger.append',
    input: z.object({ sessionId: z.string().min(1).max(64), reason: z.string().trim().min(1).max(500) }).strict(),
    output: ReceivingSessionView,
  },
  'receiving.setPolicy': {
    permission: 'facility.manage',
    input: z.object({ shortDatedDays: z.number().int().min(0).max(3650) }).strict(),
    output: z.object({ shortDatedDays: z.number().int() }),
  },
  'receiving.scanners': {
    permission: 'stock.read',
    input: z.object({}).strict(),
    output: z.object({
      usbAvailable: z.boolean(),
      message: z.string().nullable(),
      scanners: z.array(z.object({ id: z.string(), name: z.string(), state: z.string(), error: z.string().nullable() })),
    }),
  },
  /** Browser mode started with --test-hooks only: a scan fed into the same router path as a USB scanner's. */
  'test.scan': { input: ScanIn, output: ScanOut },
} as const;
