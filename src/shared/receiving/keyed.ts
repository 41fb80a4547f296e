import { matchesCharset, ndcToGtin14, parseNdc } from '../identifiers';

export interface KeyedUnit {
  ndc: string;
  lot: string;
  /** YYYY-MM-DD */
  expiry: string;
  serial?: string | null;
}

export type KeyedResult = { ok: true; raw: string; gtin: string; ndc11: string } | { ok: false; field: 'ndc' | 'lot' | 'expiry' | 'serial'; message: string };

const realDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/**
 * A unit whose barcode cannot be read, typed from its label: the NDC as printed, lot, expiry and
 * serial, turned into the GS1 element string its DataMatrix would carry, so it takes the same
 * path as a scan. Each refusal names its field. The expiry is the real date: a label's "2028-12"
 * is typed as the month's last day.
 */
export function keyedUnitToElementString(u: KeyedUnit, isKnownNdc: (ndc11: string) => boolean, today: string): KeyedResult {
  const parsed = parseNdc(u.ndc, { isKnown: isKnownNdc });
  if (!parsed.ok) return { ok: false, field: 'ndc', message: parsed.error };
  const ndc11 = parsed.ndc11;
  if (!ndc11 || !isKnownNdc(ndc11)) return { ok: false, field: 'ndc', message: `NDC ${u.ndc.trim()} is not in the drug catalog: check the digits on the label, or import the catalog first.` };
  let gtin: string;
  try {
    gtin = ndcToGtin14(parsed);
  } catch (err) {
    return { ok: false, field: 'ndc', message: `${(err as Error).message} Type the NDC with the hyphens printed on the package.` };
  }
  const lot = u.lot.trim();
  if (!lot) return { ok: false, field: 'lot', message: 'Type the lot printed on the label.' };
  if (lot.length > 20 || !matchesCharset(lot, 'X')) return { ok: false, field: 'lot', message: 'A lot is at most 20 characters of the GS1 set (letters, digits, - . / and a few others; AI 10).' };
  const expiry = u.expiry.trim();
  if (!realDate(expiry)) return { ok: false, field: 'expiry', message: 'The expiry is a date, YYYY-MM-DD (for "12/2028" type 2028-12-31).' };
  if (expiry < today) return { ok: false, field: 'expiry', message: `${expiry} is past: an expired unit is not received. Set it aside for return.` };
  const serial = u.serial?.trim() ?? '';
  if (serial && (serial.length > 20 || !matchesCharset(serial, 'X'))) return { ok: false, field: 'serial', message: 'A serial number is at most 20 characters of the GS1 set (AI 21).' };
  const yymmdd = expiry.slice(2, 4) + expiry.slice(5, 7) + expiry.slice(8, 10);
  // Lot is variable length: a group separator ends it when the serial follows.
  const raw = `]d201${gtin}17${yymmdd}10${lot}${serial ? `\u001d21${serial}` : ''}`;
  return { ok: true, raw, gtin, ndc11 };
}
