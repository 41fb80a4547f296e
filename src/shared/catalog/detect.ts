import { fdaHeader, looksLikeFdaPackage, looksLikeFdaProduct, parseFdaPackageText, parseFdaProductText } from './fda-text';
import type { DateOptions } from './fields';
import { looksLikeOpenFdaCsv, parseOpenFdaCsv, parseOpenFdaJson } from './openfda';
import { decodeCatalogBytes } from './text';
import type { CatalogFormat, ParsedCatalogFile } from './types';

const KNOWN =
  'RxLedger reads FDA NDC Directory product.txt and package.txt (tab-separated, header PRODUCTID, PRODUCTNDC, …), ' +
  'openFDA /drug/ndc.json responses ({"results": [...]}) and the openFDA CSV extract (header product_ndc, package_ndc, …)';

/**
 * Which format a file is, from its first line (or first character, for JSON). Null when it is
 * none of them. Enough of the file's start to hold the header is enough.
 */
export function detectCatalogFormat(head: string): CatalogFormat | null {
  const start = head.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'openfda-json';
  const firstLine = start.split('\n', 1)[0] ?? '';
  if (firstLine.includes('\t')) {
    const header = fdaHeader(firstLine);
    if (looksLikeFdaPackage(header)) return 'fda-package';
    if (looksLikeFdaProduct(header)) return 'fda-product';
    return null;
  }
  const csvHeader = firstLine.replace(/\r$/, '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  return looksLikeOpenFdaCsv(csvHeader) ? 'openfda-csv' : null;
}

/** Reads a catalog file of any accepted format, recognised by its header. */
export function parseCatalogFile(bytes: Uint8Array, opts: DateOptions = {}): ParsedCatalogFile {
  const decoded = decodeCatalogBytes(bytes);
  if (!decoded.ok) return { ok: false, format: null, error: decoded.error };
  if (decoded.text.trim() === '') return { ok: false, format: null, error: 'the file holds only blank lines' };
  const format = detectCatalogFormat(decoded.text.slice(0, 65536));
  switch (format) {
    case 'fda-product':
      return parseFdaProductText(decoded.text, opts);
    case 'fda-package':
      return parseFdaPackageText(decoded.text, opts);
    case 'openfda-json':
      return parseOpenFdaJson(decoded.text, opts);
    case 'openfda-csv':
      return parseOpenFdaCsv(decoded.text, opts);
    case null: {
      const first = (decoded.text.trimStart().split('\n', 1)[0] ?? '').replace(/\r$/, '');
      const shown = first.length > 80 ? `${first.slice(0, 80)}…` : first;
      return { ok: false, format: null, error: `the first line ("${shown}") is not a header RxLedger knows. ${KNOWN}` };
    }
  }
}

