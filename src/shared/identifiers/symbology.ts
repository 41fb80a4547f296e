/**
 * AIM symbology identifiers ("]" + code letter + modifier), which a scanner configured to send
 * them puts before the data. They tell a GS1 element string (FNC1 in first position) apart from
 * plain data, which the data alone cannot always do: "17270331" is a valid GTIN-8 and a valid
 * (17) expiry.
 */
export type SymbologyContent = 'gs1' | 'gtin' | 'plain';

export interface Symbology {
  id: string;
  name: string;
  content: SymbologyContent;
}

const KNOWN: Record<string, { name: string; content: SymbologyContent }> = {
  ']C0': { name: 'Code 128', content: 'plain' },
  ']C1': { name: 'GS1-128', content: 'gs1' },
  ']d1': { name: 'Data Matrix', content: 'plain' },
  ']d2': { name: 'GS1 DataMatrix', content: 'gs1' },
  ']Q1': { name: 'QR Code', content: 'plain' },
  ']Q3': { name: 'GS1 QR Code', content: 'gs1' },
  ']e0': { name: 'GS1 DataBar', content: 'gs1' },
  ']e1': { name: 'GS1 Composite', content: 'gs1' },
  ']e2': { name: 'GS1 Composite', content: 'gs1' },
  ']E0': { name: 'EAN-13', content: 'gtin' },
  ']E3': { name: 'EAN/UPC with add-on', content: 'gtin' },
  ']E4': { name: 'EAN-8', content: 'gtin' },
  ']I0': { name: 'ITF', content: 'plain' },
  ']I1': { name: 'ITF-14', content: 'gtin' },
  ']A0': { name: 'Code 39', content: 'plain' },
  ']J1': { name: 'GS1 DotCode', content: 'gs1' },
  ']z0': { name: 'Aztec Code', content: 'plain' },
};

export interface SplitSymbology {
  symbology: Symbology | null;
  /** The data after the identifier. */
  data: string;
  /** How many characters the identifier took, so positions can point into the original input. */
  offset: number;
}

const NO_ID = (input: string): SplitSymbology => ({ symbology: null, data: input, offset: 0 });
const KNOWN_SYMBOLOGIES = new Map<string, Symbology>(Object.entries(KNOWN).map(([id, k]) => [id, Object.freeze({ id, ...k })]));

export function splitSymbologyId(input: string): SplitSymbology {
  if (input.charCodeAt(0) !== 0x5d /* ] */ || !/^\][A-Za-z][0-9A-Za-z]/.test(input)) return NO_ID(input);
  const id = input.slice(0, 3);
  const symbology: Symbology = KNOWN_SYMBOLOGIES.get(id) ?? { id, name: `unknown symbology ${id}`, content: 'plain' };
  return { symbology, data: input.slice(3), offset: 3 };
}

export function symbologyFor(id: string): Symbology | null {
  return KNOWN_SYMBOLOGIES.get(id) ?? null;
}
