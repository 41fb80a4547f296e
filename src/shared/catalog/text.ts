/**
 * Turning a catalog file's bytes into text. FDA's product.txt has at times carried bytes that
 * are not UTF-8 (openFDA's own pipeline "fixes" them by dropping them); we read UTF-8 and fall
 * back to Windows-1252, which maps every byte, rather than dropping characters from names.
 */

export type DecodedText = { ok: true; text: string; encoding: 'utf-8' | 'windows-1252' } | { ok: false; error: string };

const SNIFF = 8192;

/** What a file that is not text most likely is, so the message can say what to do. */
function binaryKind(bytes: Uint8Array): string | null {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) {
    return 'a ZIP archive. Unzip it first (FDA publishes ndctext.zip) and import product.txt and package.txt from it';
  }
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip-compressed. Decompress it first';
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) return 'an Excel workbook (.xls). Use the text files FDA publishes (ndctext.zip)';
  const n = Math.min(bytes.length, SNIFF);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return 'binary data (it contains NUL bytes), not a text file';
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) control++;
  }
  if (n > 0 && control / n > 0.02) return 'binary data (it is full of control characters), not a text file';
  return null;
}

export function decodeCatalogBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) return { ok: false, error: 'the file is empty' };
  const kind = binaryKind(bytes);
  if (kind) return { ok: false, error: `the file is ${kind}` };
  let body = bytes;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { ok: true, text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252' };
  }
}
