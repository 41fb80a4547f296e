import { UNIT_CODES } from './code-lists';

/**
 * What an X12 quantity counts, by its unit (element 355) and the transaction set.
 *
 * A line identified by NDC names a package (the trade item): a wholesaler's 856 ships whole
 * packages, so its "each" (EA, UN, PC) is one package of that NDC, as a bottle (BO), box (BX)
 * or vial (VI) is. Those are turned into dosage units through the catalog. A pharmacy's 852
 * reports what it sold and received in the NCPDP sense of "each" — discrete dosage units — so
 * there EA/UN/PC are units, and only the package codes count packages. Volume and mass codes
 * are units that must be the catalog's (ML for a tablet NDC is refused). A case, pallet or
 * assortment holds an unknown number of packages and is refused, never guessed.
 */
export type X12QuantityBasis =
  | { basis: 'containers'; perCode: number }
  | { basis: 'units'; unit: string | null }
  | { basis: 'refused'; why: string };

const EACH = new Set(['EA', 'UN', 'PC']);
const PACKAGE_CODES = new Set(['BO', 'BX', 'PK', 'CT', 'VI', 'AM', 'KT', 'JR', 'CN', 'BG']);
const MEASURES: Record<string, string> = { ML: 'mL', LT: 'L', GR: 'g', ME: 'mg', KG: 'kg' };

export function x12QuantityBasis(code: string | null, transactionType: string): X12QuantityBasis {
  const c = (code ?? '').trim().toUpperCase();
  const name = UNIT_CODES[c] ? `${c} (${UNIT_CODES[c]})` : c || '(none)';
  if (c === '' || EACH.has(c)) return transactionType === '856' ? { basis: 'containers', perCode: 1 } : { basis: 'units', unit: null };
  if (PACKAGE_CODES.has(c)) return { basis: 'containers', perCode: 1 };
  if (c === 'DZ' && transactionType === '856') return { basis: 'containers', perCode: 12 };
  if (MEASURES[c]) return { basis: 'units', unit: MEASURES[c]! };
  return { basis: 'refused', why: `unit ${name} does not say how many packages of the NDC it is: send eaches (EA) of the package, or dosage units` };
}
