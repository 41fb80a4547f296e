import PDFDocument from 'pdfkit';
import { headText, shortForPdf, type ReportColumn, type ReportFooter, type ReportHeader, type ReportSink, type RowKind } from '../shared/reports/types';
import type { CsvCell } from '../shared/reports/csv';
import { wrapWords, type Measure } from './pdf-wrap';

/** A PDF of more lines than this is refused (tens of thousands of pages help nobody): use CSV or a shorter period. */
export const PDF_MAX_LINES = 50_000;

export class ReportTooLargeError extends Error {
  // By name, so the central server can tell it without loading pdfkit (server/reports/central-report.ts).
  override readonly name = 'ReportTooLargeError';
}

const WIN_ANSI_EXTRA = new Set([402, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224, 8225, 8226, 8230, 8364, 8240, 8249, 8250, 710, 8482, 338, 339, 732, 352, 353, 376, 381, 382]);

/**
 * The PDF uses the standard Helvetica fonts (no font file to ship), which cover Windows-1252
 * only: other characters are written as their nearest ASCII form or "?". The CSV keeps every
 * character exactly.
 */
export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const c = ch.codePointAt(0)!;
    if (c === 10 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(c)) out += ch;
    else if (c === 0x2212) out += '-';
    else if (c === 9 || c === 13) out += ' ';
    else if (c === 0x2265) out += '>=';
    else if (c === 0x2264) out += '<=';
    else {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(plain) ? plain : '?';
    }
  }
  return out;
}

const cellText = (v: CsvCell): string => (v === null || v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));

const MARGIN = 28;
/** The running header (registrant, DEA number, report, period, page) at the top of every page. */
const HEADER_SPACE = 34;
/** The footer (ledger head, page) at the bottom of every page. */
const FOOTER_SPACE = 26;
const PAD = 1.6;
/** Font sizes tried for the table, largest first, until every column's longest word fits. */
const TABLE_SIZES = [7.5, 7, 6.5, 6, 5.5, 5];

type Op = { t: 'section'; title: string } | { t: 'group'; title: string } | { t: 'row'; texts: string[]; kind: RowKind } | { t: 'sig'; text: string };

interface Layout {
  landscape: boolean;
  size: number;
  widths: number[];
}

/**
 * Writes a report as a PDF an inspector reads (issue 14): the rows are held until the end so the
 * layout can be chosen for the whole table — portrait or landscape and the largest font size at
 * which every column is at least as wide as its longest word — so text wraps at spaces and a
 * word is broken only when it alone is wider than its column at the smallest size. Each
 * section (CII, CIII–V) starts a new page and its own table; its signatures follow its table.
 * Once laid out, every page gets a running header (registrant, DEA number, report, period,
 * section, "page x of y") and a footer with the ledger head. Content streams are uncompressed so
 * the text can be read back (pdf-text.ts).
 */
export class PdfSink implements ReportSink {
  private header: ReportHeader | null = null;
  private readonly notices: string[] = [];
  private readonly ops: Op[] = [];
  private lines = 0;
  private pdfColumns: { col: ReportColumn; index: number }[] = [];
  private entryHashIndex = -1;
  private bytesPromise: Promise<Buffer> | null = null;
  private resolveBytes: ((b: Buffer) => void) | null = null;
  private rejectBytes: ((e: unknown) => void) | null = null;

  constructor() {
    this.bytesPromise = new Promise((resolve, reject) => {
      this.resolveBytes = resolve;
      this.rejectBytes = reject;
    });
  }

  begin(h: ReportHeader): void {
    this.header = h;
    this.pdfColumns = h.columns.map((col, index) => ({ col, index })).filter((c) => !c.col.pdfHide);
    this.entryHashIndex = h.columns.findIndex((c) => c.key === 'entry_hash');
  }
  notice(text: string): void {
    this.notices.push(pdfSafe(text));
  }
  section(title: string): void {
    this.ops.push({ t: 'section', title: pdfSafe(title) });
  }
  group(title: string): void {
    this.ops.push({ t: 'group', title: pdfSafe(title) });
  }
  row(cells: CsvCell[], kind: RowKind = 'line'): void {
    if (kind === 'line' && ++this.lines > PDF_MAX_LINES) {
      throw new ReportTooLargeError(`this report has more than ${PDF_MAX_LINES.toLocaleString('en-US')} lines: too many for a PDF. Export it as CSV, or choose a shorter period.`);
    }
    const hash = this.entryHashIndex >= 0 ? cellText(cells[this.entryHashIndex]) : null;
    this.ops.push({ t: 'row', kind, texts: this.pdfColumns.map(({ col, index }) => pdfSafe(shortForPdf(cellText(cells[index]), col.pdfShort, hash))) });
  }
  signature(text: string): void {
    this.ops.push({ t: 'sig', text: pdfSafe(text) });
  }

  end(f: ReportFooter): void {
    try {
      this.draw(f);
    } catch (err) {
      this.rejectBytes?.(err);
    }
  }

  bytes(): Promise<Buffer> {
    return this.bytesPromise!;
  }

  /** The orientation and font size at which the table's words fit their columns, and the column widths. */
  private layout(doc: PDFKit.PDFDocument): Layout {
    const h = this.header!;
    const cols = this.pdfColumns.map((c) => c.col);
    const orientations = h.layout === 'portrait' ? [false, true] : [true];
    let best: Layout | null = null;
    for (const landscape of orientations) {
      const available = (landscape ? 792 : 612) - 2 * MARGIN;
      for (const size of TABLE_SIZES) {
        const desired: number[] = [];
        const minimum = cols.map((c, i) => {
          doc.font('Helvetica-Bold').fontSize(size);
          let w = longestWord(c.label, (s) => doc.widthOfString(s));
          doc.font('Helvetica').fontSize(size);
          const measure = cachedMeasure((s) => doc.widthOfString(s));
          let whole = w;
          for (const op of this.ops) {
            if (op.t !== 'row') continue;
            w = Math.max(w, longestWord(op.texts[i]!, measure));
            whole = Math.max(whole, measure(op.texts[i]!));
          }
          desired.push(whole + 2 * PAD + 0.5);
          return w + 2 * PAD + 0.5;
        });
        const need = minimum.reduce((s, w) => s + w, 0);
        if (need <= available) return { landscape, size, widths: spread(minimum, desired, cols.map((c) => c.width), available) };
        if (!best) best = { landscape, size, widths: [] };
        if (landscape && size === TABLE_SIZES[TABLE_SIZES.length - 1]) {
          // Even the smallest size leaves a word wider than its column: the widest columns give way (only such words break).
          const capped = minimum.map((w) => Math.min(w, available / cols.length));
          return { landscape, size, widths: spread(capped, capped, cols.map((c) => c.width), available) };
        }
      }
    }
    return best!;
  }

  private draw(f: ReportFooter): void {
    const h = this.header!;
    const probe = new PDFDocument({ size: 'LETTER', compress: false });
    const { landscape, size, widths } = this.layout(probe);
    const doc = new PDFDocument({ size: 'LETTER', layout: landscape ? 'landscape' : 'portrait', margins: { top: MARGIN + HEADER_SPACE, bottom: 0, left: MARGIN, right: MARGIN }, bufferPages: true, compress: false, info: { Producer: 'RxLedger', Creator: 'RxLedger', Title: h.title } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => this.resolveBytes?.(Buffer.concat(chunks)));
    doc.on('error', (e) => this.rejectBytes?.(e));

    const width = doc.page.width - 2 * MARGIN;
    const bottom = () => doc.page.height - MARGIN - FOOTER_SPACE;
    const top = MARGIN + HEADER_SPACE;
    const sectionOfPage: string[] = [];
    let section = '';
    let tableOn = false;
    const newPage = () => {
      doc.addPage();
      doc.y = top;
      sectionOfPage.push(section);
    };
    sectionOfPage.push('');
    doc.y = top;

    /** Text across the page, wrapped at spaces, moving to a new page when it does not fit. */
    const para = (t: string, font: string, fontSize: number, color = 'black', gap = 1) => {
      doc.font(font).fontSize(fontSize);
      const lines = wrapWords(t, width, (s) => doc.widthOfString(s));
      const lh = fontSize * 1.2;
      for (const line of lines) {
        if (doc.y + lh > bottom()) newPage();
        doc.fillColor(color).text(line, MARGIN, doc.y, { lineBreak: false });
        doc.y += lh;
      }
      doc.fillColor('black');
      doc.y += gap;
    };

    const lineHeight = size * 1.18;
    const cols = this.pdfColumns.map((c) => c.col);
    const cellLines = (texts: string[], font: string) => {
      doc.font(font).fontSize(size);
      const measure = cachedMeasure((s) => doc.widthOfString(s));
      return texts.map((t, i) => (t ? wrapWords(t, widths[i]! - 2 * PAD, measure) : []));
    };
    const drawCells = (lines: string[][], font: string, y: number) => {
      doc.font(font).fontSize(size);
      let x = MARGIN;
      lines.forEach((ls, i) => {
        ls.forEach((line, j) => {
          const lx = cols[i]!.align === 'right' ? x + widths[i]! - PAD - doc.widthOfString(line) : x + PAD;
          doc.text(line, lx, y + 1 + j * lineHeight, { lineBreak: false });
        });
        x += widths[i]!;
      });
    };
    const tableHeader = () => {
      const lines = cellLines(cols.map((c) => pdfSafe(c.label)), 'Helvetica-Bold');
      const hh = Math.max(1, ...lines.map((l) => l.length)) * lineHeight + 3;
      const y = doc.y;
      doc.rect(MARGIN, y, width, hh).fill('#e8e8e8').fillColor('black');
      drawCells(lines, 'Helvetica-Bold', y + 0.5);
      doc.y = y + hh;
    };
    const ensureRow = (height: number) => {
      if (doc.y + height > bottom()) {
        newPage();
        if (section) para(`${section} (continued)`, 'Helvetica-Bold', 8.5, 'black', 2);
        if (tableOn) tableHeader();
      }
    };

    // Page 1: the full heading, then the notices.
    para(h.title, 'Helvetica-Bold', 14, 'black', 1);
    para(h.rule, 'Helvetica', 8, 'black', 4);
    const r = h.registrant;
    para(`Registrant: ${pdfSafe(r.name ?? '(name not set)')}`, 'Helvetica-Bold', 9, 'black', 0);
    para(`Address: ${pdfSafe(r.address ?? '(not set)')}`, 'Helvetica', 9, 'black', 0);
    para(`DEA registration number: ${r.dea_number ?? '(not set)'}    Facility: ${h.facility_id}`, 'Helvetica', 9, 'black', 3);
    for (const [k, v] of h.fields) para(pdfSafe(`${k}: ${v}`), 'Helvetica', 8, 'black', 0);
    doc.y += 4;
    for (const n of this.notices) para(`NOTE: ${n}`, 'Helvetica-Bold', 8, '#8a1c00', 2);
    doc.y += 4;

    let sigs: string[] = [];
    const flushSignatures = () => {
      if (!sigs.length) return;
      tableOn = false;
      doc.y += 6;
      doc.font('Helvetica').fontSize(8);
      const first = wrapWords(sigs[0]!, width, (s) => doc.widthOfString(s)).length * 9.6;
      // The heading never stands alone at the foot of a page.
      if (doc.y + 12 + first > bottom()) newPage();
      para(`Signatures${section ? ` — ${section}` : ''}`, 'Helvetica-Bold', 9, 'black', 1);
      for (const s of sigs) para(s, 'Helvetica', 8, 'black', 2);
      sigs = [];
    };
    let sectionsSeen = 0;
    const startTable = () => {
      if (tableOn) return;
      if (doc.y + 40 > bottom()) newPage();
      tableOn = true;
      tableHeader();
    };
    for (const op of this.ops) {
      switch (op.t) {
        case 'section':
          flushSignatures();
          tableOn = false;
          section = op.title;
          // 1304.04(h): each section on pages of its own.
          if (sectionsSeen++ > 0) newPage();
          else sectionOfPage[sectionOfPage.length - 1] = section;
          para(section, 'Helvetica-Bold', 11, 'black', 3);
          break;
        case 'group': {
          startTable();
          doc.font('Helvetica-Bold').fontSize(size + 0.5);
          const lines = wrapWords(op.title, width - 4, (s) => doc.widthOfString(s));
          const gh = lines.length * (size + 0.5) * 1.2 + 3;
          ensureRow(gh + lineHeight * 2);
          lines.forEach((l, j) => doc.text(l, MARGIN + 2, doc.y + 2 + j * (size + 0.5) * 1.2, { lineBreak: false }));
          doc.y += gh;
          break;
        }
        case 'row': {
          startTable();
          const font = op.kind === 'line' ? 'Helvetica' : op.kind === 'movement' ? 'Helvetica-Oblique' : 'Helvetica-Bold';
          const lines = cellLines(op.texts, font);
          const rh = Math.max(1, ...lines.map((l) => l.length)) * lineHeight + 2;
          ensureRow(rh);
          const y = doc.y;
          if (op.kind !== 'line' && op.kind !== 'movement') doc.rect(MARGIN, y, width, rh).fill('#f4f4f4').fillColor('black');
          drawCells(lines, font, y);
          doc.moveTo(MARGIN, y + rh).lineTo(MARGIN + width, y + rh).lineWidth(0.25).strokeColor('#bbbbbb').stroke();
          doc.y = y + rh;
          break;
        }
        case 'sig':
          sigs.push(op.text);
          break;
      }
    }
    flushSignatures();
    tableOn = false;
    doc.y += 8;
    para(`${f.lines.toLocaleString('en-US')} line(s). Generated ${pdfSafe(f.generated_at)} by ${pdfSafe(f.generated_by)}.`, 'Helvetica', 8, 'black', 0);
    for (const n of f.notes) para(pdfSafe(n), 'Helvetica', 8, 'black', 0);
    for (const head of f.heads) para(`Ledger head${head.local ? ' (this workstation)' : ''}: ${headText(head)}`, 'Helvetica', 7, 'black', 0);

    const range = doc.bufferedPageRange();
    const local = f.heads.find((x) => x.local) ?? f.heads[0];
    const others = f.heads.length - 1;
    const scope = h.schedules === 'cii' ? 'Schedule II only' : h.schedules === 'ciii-v' ? 'Schedules III-V only' : null;
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const page = `page ${i - range.start + 1} of ${range.count}`;
      const pageSection = sectionOfPage[i - range.start] ?? '';
      doc.fillColor('#222222');
      doc.font('Helvetica-Bold').fontSize(8);
      const left1 = pdfSafe(`${r.name ?? '(registrant name not set)'} — DEA ${r.dea_number ?? '(not set)'}`);
      doc.text(left1, MARGIN, MARGIN, { lineBreak: false });
      doc.font('Helvetica').fontSize(8);
      doc.text(page, MARGIN + width - doc.widthOfString(page), MARGIN, { lineBreak: false });
      doc.fontSize(7.5);
      const second = fitText(pdfSafe([h.title, `period ${h.period}`, pageSection || scope].filter(Boolean).join(' — ')), width, (s) => doc.widthOfString(s));
      doc.text(second, MARGIN, MARGIN + 11, { lineBreak: false });
      doc.moveTo(MARGIN, MARGIN + 22).lineTo(MARGIN + width, MARGIN + 22).lineWidth(0.5).strokeColor('#888888').stroke();

      const y = doc.page.height - MARGIN - 16;
      const foot = `Computed from ledger head ${local ? headText(local) : '(empty)'}${others > 0 ? ` and ${others} other chain(s) listed at the end` : ''}`;
      // The head is printed whole (an inspector compares the hash): a smaller size, never a cut.
      let footSize = 6.5;
      doc.font('Helvetica').fillColor('#333333');
      while (footSize > 4.5 && doc.fontSize(footSize).widthOfString(foot) > width) footSize -= 0.25;
      doc.text(foot, MARGIN, y, { lineBreak: false });
      doc.fontSize(6.5);
      const tail = pdfSafe(`${h.title} — ${page}`);
      doc.text(fitText(tail, width, (s) => doc.widthOfString(s)), MARGIN, y + 9, { lineBreak: false });
    }
    doc.fillColor('black');
    doc.end();
  }
}

function cachedMeasure(measure: Measure): Measure {
  const cache = new Map<string, number>();
  return (s) => {
    let w = cache.get(s);
    if (w === undefined) {
      w = measure(s);
      cache.set(s, w);
    }
    return w;
  };
}

function longestWord(text: string, measure: Measure): number {
  let w = 0;
  // Split as wrapWords does (spaces, line breaks): a no-break space holds its pair together.
  for (const word of text.split(/[ \n]+/)) if (word) w = Math.max(w, measure(word));
  return w;
}

/**
 * Column widths: each at least its minimum (its longest word); a column whose whole text fits in
 * less than its share gets just that (a lot number needs no more), and the rest of the page goes
 * to the columns of long text in proportion to the widths the report declared.
 */
function spread(minimum: number[], desired: number[], weights: number[], available: number): number[] {
  const sum = minimum.reduce((s, w) => s + w, 0);
  if (sum >= available) return minimum.map((w) => (w * available) / sum);
  const widths = [...minimum];
  let extra = available - sum;
  for (let round = 0; round < 12 && extra > 0.01; round++) {
    const open = widths.map((w, i) => w < Math.max(desired[i]!, minimum[i]!) - 0.01);
    const weight = weights.reduce((s, w, i) => s + (open[i] ? w : 0), 0);
    if (weight === 0) break;
    const share = extra;
    for (let i = 0; i < widths.length; i++) {
      if (!open[i]) continue;
      const add = Math.min((weights[i]! / weight) * share, desired[i]! - widths[i]!);
      widths[i]! += add;
      extra -= add;
    }
  }
  if (extra > 0.01) {
    // Every column's text fits on one line: the room left goes by weight.
    const total = weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < widths.length; i++) widths[i]! += (weights[i]! / total) * extra;
  }
  return widths;
}

/** A one-line text cut with "…" at a word boundary when it is wider than the page (running header, footer). */
function fitText(text: string, width: number, measure: Measure): string {
  if (measure(text) <= width) return text;
  const words = text.split(' ');
  while (words.length > 1 && measure(`${words.join(' ')} …`) > width) words.pop();
  return `${words.join(' ')} …`;
}
