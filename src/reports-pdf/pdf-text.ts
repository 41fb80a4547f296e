/**
 * Reads the text of a PDF written by `PdfSink` back, for tests and for `rxledger report --check`:
 * RxLedger writes its PDFs with uncompressed content streams and the standard (WinAnsi) fonts,
 * so the text is `[<hex> kern <hex>] TJ` inside `BT … ET` blocks placed with `1 0 0 1 x y Tm`.
 * Runs on the same baseline are joined left to right with a space, pages are separated by a
 * form feed. Not a general PDF reader: compressed streams or embedded fonts are not handled
 * (decision in docs/reports.md — no poppler dependency on CI).
 */
const WIN_ANSI_REVERSE: Record<number, number> = {
  131: 402, 150: 8211, 151: 8212, 145: 8216, 146: 8217, 130: 8218, 147: 8220, 148: 8221, 132: 8222, 134: 8224, 135: 8225,
  149: 8226, 133: 8230, 128: 8364, 137: 8240, 139: 8249, 155: 8250, 136: 710, 153: 8482, 140: 338, 156: 339, 152: 732,
  138: 352, 154: 353, 159: 376, 142: 381, 158: 382,
};

function decodeHex(hex: string): string {
  let out = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    out += String.fromCodePoint(WIN_ANSI_REVERSE[code] ?? code);
  }
  return out;
}

export interface PdfPageText {
  lines: string[];
}

export function pdfPages(pdf: Buffer): PdfPageText[] {
  const text = pdf.toString('latin1');
  const pages: PdfPageText[] = [];
  const streamRe = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  let m: RegExpExecArray | null;
  while ((m = streamRe.exec(text))) {
    const content = m[1]!;
    if (!content.includes('BT')) continue;
    const runs: { x: number; y: number; s: string }[] = [];
    const btRe = /BT\r?\n([\s\S]*?)\r?\nET/g;
    let b: RegExpExecArray | null;
    while ((b = btRe.exec(content))) {
      const block = b[1]!;
      let x = 0;
      let y = 0;
      let s = '';
      for (const line of block.split(/\r?\n/)) {
        const tm = /^1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm$/.exec(line);
        if (tm && s === '') {
          x = Number(tm[1]);
          y = Number(tm[2]);
          continue;
        }
        if (line.endsWith('TJ')) for (const h of line.matchAll(/<([0-9a-fA-F]*)>/g)) s += decodeHex(h[1]!);
      }
      if (s) runs.push({ x, y, s });
    }
    runs.sort((a, b) => b.y - a.y || a.x - b.x);
    const lines: string[] = [];
    let lastY: number | null = null;
    for (const r of runs) {
      if (lastY !== null && Math.abs(r.y - lastY) < 1.5) lines[lines.length - 1] += ` ${r.s}`;
      else lines.push(r.s);
      lastY = r.y;
    }
    pages.push({ lines });
  }
  return pages;
}

/** The whole text: lines joined with "\n", pages with "\f". */
export function pdfText(pdf: Buffer): string {
  return pdfPages(pdf)
    .map((p) => p.lines.join('\n'))
    .join('\n\f');
}
