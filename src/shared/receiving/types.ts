import { z } from 'zod';
import { Schedule } from '../domain/schedule';

/**
 * The neutral expected shipment every source is turned into (EDI 856 ASN, DSCSA EPCIS 1.2 XML
 * or 2.0 JSON-LD, a purchase order typed at the counter). A receiving session is opened from
 * one of these; docs/receiving.md describes each mapping.
 */

export const SHIPMENT_KINDS = ['edi856', 'epcis', 'manual'] as const;
export const ShipmentKind = z.enum(SHIPMENT_KINDS);
export type ShipmentKind = z.infer<typeof ShipmentKind>;

export const Supplier = z.object({
  name: z.string().trim().max(200).nullable(),
  address: z.string().trim().max(500).nullable(),
  /** DEA registration number of the supplier (two letters, seven digits). */
  deaNumber: z.string().trim().max(20).nullable(),
});
export type Supplier = z.infer<typeof Supplier>;

/** The DEA order behind a CII receipt: a paper Form 222 or an electronic CSOS order. */
export const OrderForm = z.object({
  kind: z.enum(['222', 'CSOS']),
  number: z.string().trim().min(1).max(40),
});
export type OrderForm = z.infer<typeof OrderForm>;

export interface ExpectedLine {
  /** 1-based, in document order. */
  lineNo: number;
  /** 11-digit 5-4-2 NDC with hyphens (the catalog key), null when the document gives only a GTIN not yet resolved. */
  ndc: string | null;
  /** GTIN-14 of the unit (indicator 0) when known. */
  gtin: string | null;
  /** When the NDC came as 10 bare digits: its possible 11-digit forms (the catalog settles it). */
  ndc10Candidates: string[];
  name: string | null;
  /** undefined: the document does not say (the catalog or earlier entries decide). null: not controlled. */
  schedule?: Schedule | null;
  /** Containers (saleable units) expected. */
  quantity: number;
  /** Units (tablets, mL…) in one container, when the document or the catalog says. */
  unitsPerContainer: number | null;
  lot: string | null;
  /** YYYY-MM-DD */
  expiry: string | null;
  /** Serial numbers listed for this line (DSCSA). */
  serials: string[];
}

/**
 * A case or pallet: scanning its code receives what is inside. `children` are unit keys
 * (`u:<gtin14>:<serial>`) or other pack keys; `items` are unserialized contents by line.
 */
export interface ExpectedPack {
  /** `s:<sscc18>` or `u:<gtin14>:<serial>` (a case with its own SGTIN). */
  key: string;
  children: string[];
  items: { lineNo: number; quantity: number }[];
}

export interface ExpectedShipment {
  kind: ShipmentKind;
  fileName: string | null;
  /** The document's own identifier (ASN BSN02, EPCIS instance identifier), when it has one. */
  documentId: string | null;
  supplier: Supplier;
  poNumber: string | null;
  orderForm: OrderForm | null;
  shipDate: string | null;
  lines: ExpectedLine[];
  packs: ExpectedPack[];
  /** Things the technician should know about the document (skipped events, unknown units). */
  warnings: string[];
}

export type ParseShipmentResult = { ok: true; shipment: ExpectedShipment } | { ok: false; error: string };

/** Keys of scanned things, shared by the document parsers and the matcher. */
export const unitKey = (gtin14: string, serial: string) => `u:${gtin14}:${serial}`;
export const ssccKey = (sscc18: string) => `s:${sscc18}`;

export function parseUnitKey(key: string): { gtin: string; serial: string } | null {
  const m = /^u:(\d{14}):(.+)$/s.exec(key);
  return m ? { gtin: m[1]!, serial: m[2]! } : null;
}

/** A manual purchase order as typed at the counter. */
export const ManualPoLine = z.object({
  ndc: z.string().trim().min(1, 'an NDC').max(20),
  quantity: z.number().int().min(1, 'at least 1 container').max(100_000),
  name: z.string().trim().max(200).nullable().optional(),
  lot: z.string().trim().max(20, 'at most 20 characters (GS1 AI 10)').nullable().optional(),
  expiry: z.iso.date({ message: 'a date YYYY-MM-DD' }).nullable().optional(),
  /** absent: look it up in the catalog; null: not controlled. */
  schedule: Schedule.nullable().optional(),
  unitsPerContainer: z.number().int().min(1).max(1_000_000).nullable().optional(),
});
export type ManualPoLine = z.infer<typeof ManualPoLine>;

export const ManualPo = z.object({
  supplier: Supplier,
  poNumber: z.string().trim().min(1, 'the purchase order number').max(60),
  orderForm: OrderForm.nullable().optional(),
  lines: z.array(ManualPoLine).min(1, 'at least one line').max(500),
});
export type ManualPo = z.infer<typeof ManualPo>;

/** DEA registration number: two letters and seven digits, the last a check digit. */
export function deaNumberProblem(dea: string): string | null {
  const d = dea.trim().toUpperCase();
  if (!/^[A-Z][A-Z9]\d{7}$/.test(d)) return `DEA number "${dea}" is not two letters and seven digits (e.g. AB1234563)`;
  const n = d.slice(2).split('').map(Number);
  const sum = n[0]! + n[2]! + n[4]! + 2 * (n[1]! + n[3]! + n[5]!);
  if (sum % 10 !== n[6]) return `DEA number "${dea}" has a wrong check digit (expected ${sum % 10})`;
  return null;
}
