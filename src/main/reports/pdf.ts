import PDFDocument from 'pdfkit';
import { headText, shortForPdf, type ReportColumn, type ReportFooter, type ReportHeader, type ReportSink, type RowKind } from '../../shared/reports/types';
import type { CsvCell } from '../../shared/reports/csv';

/** A PDF of more lines than this is refused (tens of thousands of pages help nobody): use CSV or a shorter period. */
export const PDF_MAX_LINES = 50_000;

export class ReportTooLargeError extends Error {}

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

const MARGIN = 30;
const FOOTER_SPACE = 30;
const FONT_SIZE = 6.5;

/**
 * Draws a report as a landscape Letter PDF: title, registrant, fields and notices, then the
 * table (its header repeated on every page), signatures, and on every page a footer with the
 * ledger head the report was computed from and "page i of n". Text streams are left
 * uncompressed so the text can be read back (and searched) by any tool.
 */
export class PdfSink implements ReportSink {
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private columns: ReportColumn[] = [];
  private widths: number[] = [];
  private title = '';
  private lines = 0;
  private tableStarted = false;

  constructor() {
    this.doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: MARGIN, bufferPages: true, compress: false, info: { Producer: 'RxLedger', Creator: 'RxLedger' } });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  private get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }
  private get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_SPACE;
  }

  private ensure(height: number, repeatHeader = true): void {
    if (this.doc.y + height > this.bottom) {
      this.doc.addPage();
      this.doc.x = MARGIN;
      if (repeatHeader && this.tableStarted) this.tableHeader();
    }
  }

  private text(t: string, opts: PDFKit.Mixins.TextOptions & { font?: string; size?: number } = {}): void {
    const { font, size, ...rest } = opts;
    this.doc.font(font ?? 'Helvetica').fontSize(size ?? 8);
    const s = pdfSafe(t);
    this.ensure(this.doc.heightOfString(s, { width: this.width, ...rest }), false);
    this.doc.text(s, MARGIN, this.doc.y, { width: this.width, ...rest });
  }

  begin(h: ReportHeader): void {
    this.title = h.title;
    this.columns = h.columns;
    const total = h.columns.reduce((s, c) => s + c.width, 0);
    this.widths = h.columns.map((c) => (c.width / total) * this.width);
    this.doc.info.Title = h.title;
    this.text(h.title, { font: 'Helvetica-Bold', size: 14 });
    this.text(h.rule, { size: 8 });
    this.doc.moveDown(0.4);
    const r = h.registrant;
    this.text(`Registrant: ${r.name ?? '(name not set)'}`, { font: 'Helvetica-Bold', size: 9 });
    this.text(`Address: ${r.address ?? '(not set)'}`, { size: 9 });
    this.text(`DEA registration number: ${r.dea_number ?? '(not set)'}    Facility: ${h.facility_id}`, { size: 9 });
    this.doc.moveDown(0.3);
    for (const [k, v] of h.fields) this.text(`${k}: ${v}`, { size: 8 });
    this.doc.moveDown(0.4);
  }

  notice(text: string): void {
    this.doc.fillColor('#8a1c00');
    this.text(`NOTE: ${text}`, { font: 'Helvetica-Bold', size: 8 });
    this.doc.fillColor('black');
    this.doc.moveDown(0.2);
  }

  private tableHeader(): void {
    const doc = this.doc;
    doc.font('Helvetica-Bold').fontSize(FONT_SIZE);
    const h = Math.max(...this.columns.map((c, i) => doc.heightOfString(pdfSafe(c.label), { width: this.widths[i]! - 3 }))) + 3;
    const y = doc.y;
    doc.rect(MARGIN, y, this.width, h).fill('#e8e8e8').fillColor('black');
    let x = MARGIN;
    this.columns.forEach((c, i) => {
      doc.text(pdfSafe(c.label), x + 1.5, y + 1.5, { width: this.widths[i]! - 3, align: c.align ?? 'left' });
      x += this.widths[i]!;
    });
    doc.y = y + h;
    doc.x = MARGIN;
  }

  private startTable(): void {
    if (this.tableStarted) return;
    this.doc.moveDown(0.3);
    this.ensure(30, false);
    this.tableStarted = true;
    this.tableHeader();
  }

  group(title: string): void {
    this.startTable();
    this.doc.font('Helvetica-Bold').fontSize(7.5);
    const s = pdfSafe(title);
    const h = this.doc.heightOfString(s, { width: this.width - 4 }) + 4;
    this.ensure(h + 12);
    const y = this.doc.y + 2;
    this.doc.text(s, MARGIN + 2, y, { width: this.width - 4 });
    this.doc.y = y + h - 2;
  }

  row(cells: CsvCell[], kind: RowKind = 'line'): void {
    if (kind === 'line' && ++this.lines > PDF_MAX_LINES) {
      throw new ReportTooLargeError(`this report has more than ${PDF_MAX_LINES.toLocaleString('en-US')} lines: too many for a PDF. Export it as CSV, or choose a shorter period.`);
    }
    this.startTable();
    const doc = this.doc;
    doc.font(kind === 'line' ? 'Helvetica' : kind === 'movement' ? 'Helvetica-Oblique' : 'Helvetica-Bold').fontSize(FONT_SIZE);
    const texts = this.columns.map((c, i) => pdfSafe(shortForPdf(cellText(cells[i]), c.pdfShort)));
    const h = Math.max(8, ...texts.map((t, i) => (t ? doc.heightOfString(t, { width: this.widths[i]! - 3 }) : 0))) + 2;
    this.ensure(h);
    const y = doc.y;
    if (kind !== 'line' && kind !== 'movement') doc.rect(MARGIN, y, this.width, h).fill('#f4f4f4').fillColor('black');
    let x = MARGIN;
    texts.forEach((t, i) => {
      if (t) doc.text(t, x + 1.5, y + 1, { width: this.widths[i]! - 3, align: this.columns[i]!.align ?? 'left' });
      x += this.widths[i]!;
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + this.width, y + h).lineWidth(0.25).strokeColor('#bbbbbb').stroke();
    doc.y = y + h;
    doc.x = MARGIN;
  }

  private signaturesStarted = false;
  signature(text: string): void {
    if (!this.signaturesStarted) {
      this.signaturesStarted = true;
      this.doc.moveDown(0.8);
      this.text('Signatures', { font: 'Helvetica-Bold', size: 9 });
    }
    this.text(text, { size: 8 });
    this.doc.moveDown(0.2);
  }

  end(f: ReportFooter): void {
    this.doc.moveDown(0.8);
    this.text(`${f.lines.toLocaleString('en-US')} line(s). Generated ${f.generated_at} by ${f.generated_by}.`, { size: 8 });
    for (const n of f.notes) this.text(n, { size: 8 });
    for (const h of f.heads) this.text(`Ledger head${h.local ? ' (this workstation)' : ''}: ${headText(h)}`, { size: 7 });
    const range = this.doc.bufferedPageRange();
    const local = f.heads.find((h) => h.local) ?? f.heads[0];
    const others = f.heads.length - 1;
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const y = this.doc.page.height - MARGIN - 18;
      this.doc.font('Helvetica').fontSize(6.5).fillColor('#333333');
      const foot = `Computed from ledger head ${local ? headText(local) : '(empty)'}${others > 0 ? ` and ${others} other chain(s) listed at the end` : ''}`;
      // The margin would push text at the bottom to a new page: lift it for the footer.
      const saved = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc.text(pdfSafe(foot), MARGIN, y, { width: this.width, lineBreak: false });
      this.doc.text(pdfSafe(`${this.title} — page ${i - range.start + 1} of ${range.count}`), MARGIN, y + 9, { width: this.width, lineBreak: false });
      this.doc.page.margins.bottom = saved;
    }
    this.doc.fillColor('black');
    this.doc.end();
  }

  bytes(): Promise<Buffer> {
    return this.done;
  }
}
