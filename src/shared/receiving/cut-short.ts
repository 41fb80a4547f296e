import { decodeScan, type ScanResult } from '../identifiers';

const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Whether a scan that names no product looks like a good code with its first characters lost
 * (a scanner that drops the start of a read, a wedge whose first keystroke went to another
 * field). Said as "scan cut off" so the technician scans again, rather than "bad barcode",
 * which sends them looking for a damaged label. Returns the reason, or null.
 */
export function cutShortReason(raw: string, decoded: ScanResult): string | null {
  if (decoded.ok && (decoded.gtin || decoded.ndc || decoded.sscc)) return null;
  const id = SYMBOLOGY_ID.exec(raw)?.[0] ?? '';
  const data = raw.slice(id.length);
  // A GS1 element string that starts with "1003…" where "01003…" was sent: the AI (01) lost its 0.
  if (/^\d/.test(data)) {
    const again = decodeScan(`${id}0${data}`);
    if (again.ok && again.gtin) return `the first digit is missing (with it, this is GTIN ${again.gtin})`;
  }
  // Digits alone are not judged: 11 digits is an NDC as printed without hyphens, not a UPC-A cut short.
  return null;
}
