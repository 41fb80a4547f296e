/**
 * Code lists for the elements RxLedger reads. A value outside a list is reported as AK4 code 7
 * (invalid code value) and rejects the transaction: a quantity whose meaning or unit we cannot
 * name must not reach a controlled-substance ledger. Lists that X12 keeps open-ended (units,
 * product id qualifiers) are cut down to what pharmacy trading partners send; extending them
 * is a one-line change here.
 */

/** How an 852 ZA activity (element 859) affects stock, for the ingestion layer to route on. */
export type ActivityKind =
  | 'on_hand'
  | 'sold'
  | 'received'
  | 'returned'
  | 'adjusted'
  | 'transferred'
  | 'on_order'
  | 'in_transit'
  | 'lost'
  | 'damaged_or_hold'
  | 'planning';

/** Element 859 Activity Code, X12 release 005040 list, with the kind each maps to. */
export const ACTIVITY_CODES: Readonly<Record<string, { meaning: string; kind: ActivityKind }>> = {
  AA: { meaning: 'Quantity Stolen', kind: 'lost' },
  AB: { meaning: 'Quantity Shipped', kind: 'transferred' },
  BS: { meaning: 'Bailment Sales Quantity', kind: 'sold' },
  BT: { meaning: 'Transportation Sales Quantity', kind: 'sold' },
  DG: { meaning: 'Quantity Damaged', kind: 'damaged_or_hold' },
  HL: { meaning: 'Quantity on Hold', kind: 'damaged_or_hold' },
  LS: { meaning: 'Lost Sales', kind: 'planning' },
  MS: { meaning: 'Military Sales Quantity', kind: 'sold' },
  OF: { meaning: 'Off Premise Quantity', kind: 'sold' },
  OH: { meaning: 'Gross Quantity On Hand', kind: 'on_hand' },
  OP: { meaning: 'On Premise Sales Quantity', kind: 'sold' },
  OQ: { meaning: 'Planned Order Quantity', kind: 'planning' },
  PA: { meaning: 'Production Quantity Adjustment', kind: 'adjusted' },
  PO: { meaning: 'Calculated Reorder Point', kind: 'planning' },
  Q1: { meaning: 'Quantity Sold (Net)', kind: 'sold' },
  Q2: { meaning: 'Quantity Returned', kind: 'returned' },
  Q3: { meaning: 'Quantity Returned (Defective/Damaged)', kind: 'returned' },
  Q4: { meaning: 'Quantity Ordered', kind: 'on_order' },
  QA: { meaning: 'Current Inventory Quantity Available for Shipment or Sale', kind: 'on_hand' },
  QB: { meaning: 'Beginning Balance Quantity', kind: 'on_hand' },
  QC: { meaning: 'Quantity Committed', kind: 'planning' },
  QD: { meaning: 'Additional Demand Quantity', kind: 'planning' },
  QE: { meaning: 'Ending Balance Quantity', kind: 'on_hand' },
  QF: { meaning: 'Quantity In-bond', kind: 'damaged_or_hold' },
  QH: { meaning: 'Quantity Damaged or On Hold', kind: 'damaged_or_hold' },
  QI: { meaning: 'Quantity in Transit', kind: 'in_transit' },
  QK: { meaning: 'Quantity Not Listed', kind: 'planning' },
  QL: { meaning: 'Minimum Inventory Quantity', kind: 'planning' },
  QM: { meaning: 'Maximum Inventory Quantity', kind: 'planning' },
  QN: { meaning: 'Planned Inventory Quantity', kind: 'planning' },
  QO: { meaning: 'Quantity Out of Stock', kind: 'planning' },
  QP: { meaning: 'Quantity On Order, Not Yet Received', kind: 'on_order' },
  QR: { meaning: 'Quantity Received', kind: 'received' },
  QS: { meaning: 'Quantity Sold', kind: 'sold' },
  QT: { meaning: 'Adjustment to Inventory Quantity', kind: 'adjusted' },
  QU: { meaning: 'Quantity Returned By Consumer', kind: 'returned' },
  QW: { meaning: 'Quantity Withdrawn from Warehouse Inventory', kind: 'transferred' },
  QX: { meaning: 'Quantity Requested (Will Override Replenishment Planning)', kind: 'planning' },
  QZ: { meaning: 'Quantity Transferred', kind: 'transferred' },
  RE: { meaning: 'Retail Sales Quantity', kind: 'sold' },
  RQ: { meaning: 'Quantity Returned (Sellable/Resellable)', kind: 'returned' },
  TS: { meaning: 'Total Sales Quantity', kind: 'sold' },
  WQ: { meaning: 'Wholesale Sales Quantity', kind: 'sold' },
};

/** Element 235 Product/Service ID Qualifier: the ones that identify a drug product. */
export const PRODUCT_ID_QUALIFIERS: Readonly<Record<string, string>> = {
  ND: 'National Drug Code (NDC)',
  N1: 'National Drug Code in 4-4-2 Format',
  N2: 'National Drug Code in 5-3-2 Format',
  N3: 'National Drug Code in 5-4-1 Format',
  N4: 'National Drug Code in 5-4-2 Format',
  UP: 'U.P.C. Consumer Package Code (1-5-5-1)',
  UK: 'GTIN 14-digit Data Structure',
  UA: 'U.P.C./EAN Case Code (2-5-5)',
  UI: 'U.P.C. Consumer Package Code (1-5-5)',
  UN: 'U.P.C. Case Code Number (1-1-5-5)',
  EN: 'EAN/UCC - 13',
  EO: 'EAN/UCC - 8',
  HI: 'Health Industry Number (HIN)',
};

/** Product id qualifiers for NDCs and GTIN-family codes: a line needs at least one of these. */
export const NDC_QUALIFIERS: ReadonlySet<string> = new Set(['ND', 'N1', 'N2', 'N3', 'N4']);
export const GTIN_QUALIFIERS: ReadonlySet<string> = new Set(['UP', 'UK', 'UA', 'UI', 'UN', 'EN', 'EO']);

/** Other element 235 values that appear in LIN pairs (for reference: element 235 is checked for its shape only, segment-rules.ts). */
export const OTHER_LIN_QUALIFIERS: Readonly<Record<string, string>> = {
  LT: 'Lot Number',
  SN: 'Serial Number',
  VP: "Vendor's (Seller's) Part Number",
  VN: "Vendor's (Seller's) Item Number",
  VA: "Vendor's Style Number",
  BP: "Buyer's Part Number",
  IN: "Buyer's Item Number",
  PI: 'Purchaser\'s Item Code',
  SK: 'Stock Keeping Unit (SKU)',
  MG: "Manufacturer's Part Number",
  MF: 'Manufacturer',
  PN: 'Company Part Number',
  CB: "Buyer's Catalog Number",
  CH: 'Country of Origin Code',
  EA: 'Each',
  ZZ: 'Mutually Defined',
};

/** Element 735 Hierarchical Level Code values used by an 856. */
export const HL_LEVEL_CODES: Readonly<Record<string, string>> = {
  S: 'Shipment',
  O: 'Order',
  P: 'Pack',
  T: 'Shipping Tare',
  Q: 'Subpack',
  I: 'Item',
  F: 'Component',
};

/**
 * Element 355 Unit or Basis for Measurement Code: the units a pharmacy sends and stocks. Only
 * codes whose X12 meaning was confirmed are listed (some pharmacy words, e.g. tablet or syringe,
 * have no 355 code or one we could not confirm).
 */
export const UNIT_CODES: Readonly<Record<string, string>> = {
  EA: 'Each',
  UN: 'Unit',
  PC: 'Piece',
  CA: 'Case',
  BX: 'Box',
  PK: 'Package',
  CT: 'Carton',
  DZ: 'Dozen',
  BG: 'Bag',
  BO: 'Bottle',
  VI: 'Vial',
  AM: 'Ampoule',
  KT: 'Kit',
  JR: 'Jar',
  CN: 'Can',
  PA: 'Pail',
  PL: 'Pallet/Unit Load',
  PR: 'Pair',
  RL: 'Roll',
  AS: 'Assortment',
  ML: 'Milliliter',
  LT: 'Liter',
  GR: 'Gram',
  ME: 'Milligram',
  KG: 'Kilogram',
  LB: 'Pound',
  OZ: 'Ounce - Av',
  FO: 'Fluid Ounce',
  GA: 'Gallon',
  F2: 'International Unit',
  ZZ: 'Mutually Defined',
};

/** The transaction sets RxLedger reads; any other is AK5 code 1 (not supported). */
export const TRANSACTION_TYPES: ReadonlySet<string> = new Set(['852', '846', '856']);
