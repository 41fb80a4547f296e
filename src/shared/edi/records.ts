import type { ActivityKind } from './code-lists';

/**
 * Neutral records mapped from 852, 846 and 856 transaction sets, for the ingestion gate. They
 * carry identifiers as received (hyphens stripped, qualifier kept): normalizing an NDC to its
 * 11-digit form and checking it against the catalog is the gate's job (src/shared/identifiers).
 * Quantities stay decimal text as received (X12 type R), plus an integer when it is one, so
 * nothing is rounded through a float.
 */

/** One LIN product id: element 235 qualifier (ND, N4, UP, UK, ...) and the id, hyphens removed. */
export interface ProductId {
  qualifier: string;
  value: string;
}

/**
 * Why a record cannot be committed as it is. The record is still produced, so the caller
 * quarantines it with this reason instead of losing the line.
 */
export type RecordProblem =
  /** No NDC (ND, N1-N4) and no GTIN/UPC/EAN (UP, UK, UA, UI, UN, EN, EO) on the line. */
  | 'NO_PRODUCT_ID'
  /** The line carries no quantity (no ZA02, QTY02 or SN102), or no activity at all. */
  | 'NO_QUANTITY'
  /** The SDQ location quantities do not add up to the ZA/QTY total they split. */
  | 'SDQ_TOTAL_MISMATCH'
  /** Quantity present without a unit of measure. */
  | 'NO_UNIT';

/** Where a record came from, for error reports and the quarantine's "show me the line". */
export interface RecordSource {
  transactionType: '852' | '846' | '856';
  /** ST02 */
  control: string;
  /** GS06, null for a bare file. */
  groupControl: string | null;
  /** ISA13, null for a bare file. */
  interchangeControl: string | null;
  /** 1-based position in the transaction set (ST = 1) of the segment this record comes from. */
  position: number;
  /** 0-based index of that segment in the file. */
  segmentIndex: number;
  byteOffset: number;
}

export interface Location {
  /** SDQ02 Identification Code Qualifier (element 66), e.g. 92 assigned by buyer, XX NPI. */
  qualifier: string | null;
  id: string;
}

interface Quantity {
  /** Decimal text as sent, null when absent. */
  quantity: string | null;
  /** The quantity when it is a whole number within safe integer range, else null. */
  quantityInteger: number | null;
  /** Element 355 unit code (EA, CA, ...). */
  unit: string | null;
}

/** 852 Product Activity Data: one activity of one product, at one location when SDQ splits it. */
export interface ProductActivityRecord extends Quantity {
  kind: 'product_activity';
  source: RecordSource;
  /** XQ01 Transaction Handling Code. */
  reportHandling: string;
  /** XQ02 / XQ03 as YYYY-MM-DD. */
  periodStart: string | null;
  periodEnd: string | null;
  /** XQ04 reference. */
  reportId: string | null;
  /** LIN01 */
  line: string | null;
  productIds: ProductId[];
  /** ZA01 with its meaning and the stock effect RxLedger gives it; null when the LIN has no ZA. */
  activity: { code: string; meaning: string; kind: ActivityKind } | null;
  /** Set when an SDQ split the activity by location. */
  location: Location | null;
  problems: RecordProblem[];
}

/** 846 Inventory Inquiry/Advice: one quantity of one product, at one location when SDQ splits it. */
export interface InventoryAdviceRecord extends Quantity {
  kind: 'inventory_advice';
  source: RecordSource;
  /** BIA02 Report Type Code, BIA03 reference, BIA04 date (YYYY-MM-DD). */
  reportType: string;
  reportId: string;
  reportDate: string | null;
  line: string | null;
  productIds: ProductId[];
  /** QTY01 Quantity Qualifier (element 673), e.g. 17 quantity on hand, 33 available for sale. */
  quantityQualifier: string | null;
  location: Location | null;
  problems: RecordProblem[];
}

export interface Address {
  lines: string[];
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/** An N1 party with its N3/N4 address. */
export interface Party {
  /** N101 Entity Identifier Code: SF ship from, SU supplier, ST ship to, VN vendor, ... */
  role: string;
  name: string | null;
  /** N103 / N104 */
  idQualifier: string | null;
  id: string | null;
  address: Address | null;
  /** From N104 when N103 is 11 (DEA), or a REF*DD holding a DEA-shaped number. */
  deaNumber: string | null;
}

/** What an 856 says about the shipment as a whole. */
export interface ShipmentHeader {
  /** BSN02 Shipment Identification. */
  shipmentId: string;
  /** BSN01 Transaction Set Purpose Code (00 original, ...). */
  purpose: string;
  /** BSN03 (YYYY-MM-DD) and BSN04 (HHMM[SS]). */
  createdDate: string | null;
  createdTime: string | null;
  /** BSN05 Hierarchical Structure Code: 0001 S-O-P-I (pack above item), 0002 S-O-I-P. */
  structure: string | null;
  /** DTM*011 at the shipment level. */
  shipDate: string | null;
  /** N1*SU, else N1*SF, else N1*VN. */
  supplier: Party | null;
  parties: Party[];
}

/** 856 Ship Notice: one item line (an LIN under an HL, normally level I). */
export interface ShipNoticeItemRecord extends Quantity {
  kind: 'ship_notice_item';
  source: RecordSource;
  shipment: ShipmentHeader;
  /** HL01 / HL02 / HL03 of the item level. */
  hl: { id: string; parent: string | null; level: string };
  /** PRF01 of the enclosing order level, with PRF04 as YYYY-MM-DD. */
  purchaseOrder: string | null;
  purchaseOrderDate: string | null;
  /** SSCC (MAN*GM) of the enclosing pack (P) and shipping tare (T) levels, or of the item itself. */
  packSscc: string | null;
  tareSscc: string | null;
  line: string | null;
  productIds: ProductId[];
  /** LIN*..*LT or REF*LT. */
  lot: string | null;
  /** DTM*036 (expiration) or DTM*208 (lot expiration), YYYY-MM-DD. */
  expiry: string | null;
  /** LIN*..*SN pairs and REF*SE, in order. */
  serials: string[];
  problems: RecordProblem[];
}

export type EdiRecord = ProductActivityRecord | InventoryAdviceRecord | ShipNoticeItemRecord;
