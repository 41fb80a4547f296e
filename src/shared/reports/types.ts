import { z } from 'zod';
import { deaNumberProblem } from '../receiving/types';
import { csvRecord, type CsvCell } from './csv';

export const REPORT_KINDS = ['biennial', 'initial', 'cii-log', 'receipts', 'dispensing', 'form41', 'returns', 'form106', 'audit'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKind>;

export const REPORT_TITLES: Record<ReportKind, string> = {
  biennial: 'Controlled substance inventory (biennial)',
  initial: 'Controlled substance initial inventory',
  'cii-log': 'Schedule II perpetual inventory — transaction log',
  receipts: 'Controlled substance receiving record',
  dispensing: 'Controlled substance dispensing record',
  form41: 'DEA Form 41 draft — controlled substances destroyed',
  returns: 'Controlled substances returned or transferred to other registrants',
  form106: 'DEA Form 106 draft — theft or loss of controlled substances',
  audit: 'Audit trail',
};

export const REPORT_RULES: Record<ReportKind, string> = {
  biennial: '21 CFR 1304.11(a), (c), (e)',
  initial: '21 CFR 1304.11(b), (e)',
  'cii-log': '21 CFR 1304.04, 1304.22(c)',
  receipts: '21 CFR 1304.22(c), 1305.13(e), 1305.22(g)',
  dispensing: '21 CFR 1304.22(c), 1304.04(h)',
  form41: '21 CFR 1304.21(e), 1317.95(d) — DEA Form 41',
  returns: '21 CFR 1304.22(c), 1305.12, 1317.10 — DEA Form 222 / CSOS',
  form106: '21 CFR 1301.76(b) — DEA Form 106',
  audit: '21 CFR Part 11 §11.10(e)',
};

export const ReportFormat = z.enum(['csv', 'pdf']);

/**
 * Which schedules a report covers. 21 CFR 1304.04(h) keeps CII records apart from CIII–V ones:
 * `cii` and `ciii-v` give each alone; `all` gives both, CII first, in separate sections (a new
 * page and table each in the PDF).
 */
export const REPORT_SCHEDULES = ['all', 'cii', 'ciii-v'] as const;
export const ReportSchedules = z.enum(REPORT_SCHEDULES);
export type ReportSchedules = z.infer<typeof ReportSchedules>;

/** The section a schedule's lines belong to, or null when `wanted` leaves it out. */
export function scheduleSection(schedule: string | null | undefined, wanted: ReportSchedules): 'cii' | 'ciii-v' | null {
  if (!schedule) return null;
  const s = schedule === 'CII' ? 'cii' : 'ciii-v';
  return wanted === 'all' || wanted === s ? s : null;
}

export const SECTION_TITLES: Record<'cii' | 'ciii-v', string> = { cii: 'Schedule II', 'ciii-v': 'Schedules III, IV and V' };
export type ReportFormat = z.infer<typeof ReportFormat>;

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** What a person asks for: the same for the CLI, the Reports screen and the worker. */
export const ReportRequest = z
  .object({
    kind: ReportKind,
    format: ReportFormat,
    from: DateText.nullable().optional(),
    to: DateText.nullable().optional(),
    /** Biennial inventory: taken at opening or close of business (1304.11(a)). */
    taken: z.enum(['opening', 'close']).optional(),
    /** CII log: only these NDCs (5-4-2). */
    ndcs: z.array(z.string().regex(/^\d{5}-\d{4}-\d{2}$/)).max(500).optional(),
    /** Absent: all (CII and CIII–V in separate sections). */
    schedules: ReportSchedules.optional(),
  })
  .strict();
export type ReportRequest = z.infer<typeof ReportRequest>;

/** The DEA registrant the records are kept for (settings facility_name, facility_address, facility_dea_number). */
export interface Registrant {
  name: string | null;
  address: string | null;
  dea_number: string | null;
}

/** What is missing or wrong in the registrant, in words a manager can act on; null when complete. */
export function registrantProblem(r: Registrant): string | null {
  const missing = [!r.name?.trim() && 'name', !r.address?.trim() && 'address', !r.dea_number?.trim() && 'DEA registration number'].filter(Boolean);
  if (missing.length) return `The registrant's ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
  return deaNumberProblem(r.dea_number!);
}

export { deaNumberProblem };

export interface LedgerHead {
  device_id: string;
  seq: number;
  hash: string;
  local: boolean;
}

/** A head as `rxledger verify --anchor` takes it: DEVICE:SEQ:HASH. */
export const anchorText = (h: LedgerHead): string => `${h.device_id}:${h.seq}:${h.hash}`;

export interface ReportColumn {
  key: string;
  label: string;
  /** Relative width in the PDF. */
  width: number;
  align?: 'left' | 'right';
  /**
   * Shortened in the PDF only (the CSV keeps it whole): a hash to its first 12 digits; an entry
   * `device#seq` to `#seq` and the first 8 digits of the row's `entry_hash` cell.
   */
  pdfShort?: 'hash' | 'entry';
  /** Left out of the PDF (the full entry hash, which the entry column shows shortened). */
  pdfHide?: boolean;
}

/** The CSV-only column that pairs with an `entry` column: the whole hash the PDF shortens. */
export const ENTRY_HASH_COLUMN: ReportColumn = { key: 'entry_hash', label: 'Entry hash', width: 8, pdfHide: true };

/** `#42 3f9a1c2b`: an inspector finds the entry by its seq and checks it by the hash's first digits. */
export function shortForPdf(text: string, how: ReportColumn['pdfShort'], entryHash?: string | null): string {
  if (!text || !how) return text;
  if (how === 'hash') return text.length > 12 ? `${text.slice(0, 12)}…` : text;
  const at = text.lastIndexOf('#');
  if (at < 0) return text;
  // A no-break space keeps the pair on one line of a narrow column.
  return entryHash ? `#${text.slice(at + 1)}\u00a0${entryHash.slice(0, 8)}` : `#${text.slice(at + 1)}`;
}

export interface ReportHeader {
  kind: ReportKind;
  title: string;
  rule: string;
  registrant: Registrant;
  facility_id: string;
  /** e.g. ["Period", "2026-11-01 to 2026-11-30 (America/New_York)"]. */
  fields: [string, string][];
  /** The period in a few words, for the running header of every PDF page. */
  period: string;
  /** The schedules asked for (the running header says which). */
  schedules: ReportSchedules;
  /** Portrait for a report whose columns fit it; landscape otherwise. */
  layout?: 'portrait' | 'landscape';
  columns: ReportColumn[];
}

/** `movement`: under an inventory line, an entry between the count and the inventory time that rolls the count forward. */
export type RowKind = 'line' | 'movement' | 'opening' | 'closing' | 'total';

export interface ReportFooter {
  heads: LedgerHead[];
  lines: number;
  generated_at: string;
  generated_by: string;
  /** Extra lines (e.g. the audit chain check). */
  notes: string[];
}

/**
 * Where a report is written to as it is computed (CSV text or a PDF), so a million-entry log is
 * never held as one object. Calls come in this order: begin, then any of notice/group/row/
 * signature, then end.
 */
export interface ReportSink {
  begin(header: ReportHeader): void;
  /** Something the reader must know (an open count, a CII product not counted, an empty period). */
  notice(text: string): void;
  /**
   * A part of the report that starts its own table (and, in the PDF, its own page): CII apart
   * from CIII–V (1304.04(h)). Signatures given within a section are printed after its table.
   */
  section(title: string): void;
  /** A heading inside the table (the NDC of the CII log). */
  group(title: string): void;
  row(cells: CsvCell[], kind?: RowKind): void;
  /** A §11.50 signature manifestation, or a "taken by" line. */
  signature(text: string): void;
  end(footer: ReportFooter): void;
}

export function headText(h: LedgerHead): string {
  return `device ${h.device_id}, seq ${h.seq}, hash ${h.hash}`;
}

/**
 * The CSV layout: one RFC 4180 table, every record with the same number of fields. The first
 * field says what the record is — `report`, `registrant`, `field`, `notice`, `group`, `line`,
 * `opening`, `closing`, `total`, `signature`, `section`, `ledger_head`, `footer` — so a spreadsheet filter on
 * the first column gives the table (`line`) while the file still carries the registrant, the
 * notices, the signatures and the ledger head it was computed from.
 */
export class CsvSink implements ReportSink {
  /** Full chunks handed to `flush` (the main process turns them into bytes at once, so a
   * quarter-gigabyte log is not held twice as text). */
  private readonly chunks: string[] = [];
  constructor(private readonly flush?: (text: string) => void) {}
  private buffer = '';
  private width = 4;
  lines = 0;

  private put(cells: CsvCell[]): void {
    const padded = cells.length < this.width ? [...cells, ...new Array<CsvCell>(this.width - cells.length).fill(null)] : cells;
    this.buffer += csvRecord(padded);
    if (this.buffer.length > 1 << 20) {
      if (this.flush) this.flush(this.buffer);
      else this.chunks.push(this.buffer);
      this.buffer = '';
    }
  }

  begin(h: ReportHeader): void {
    this.width = Math.max(4, h.columns.length + 1);
    this.put(['record', ...h.columns.map((c) => c.key)]);
    this.put(['report', h.title, h.rule]);
    this.put(['registrant', 'name', h.registrant.name]);
    this.put(['registrant', 'address', h.registrant.address]);
    this.put(['registrant', 'dea_number', h.registrant.dea_number]);
    this.put(['registrant', 'facility_id', h.facility_id]);
    for (const [k, v] of h.fields) this.put(['field', k, v]);
  }
  notice(text: string): void {
    this.put(['notice', text]);
  }
  section(title: string): void {
    this.put(['section', title]);
  }
  group(title: string): void {
    this.put(['group', title]);
  }
  row(cells: CsvCell[], kind: RowKind = 'line'): void {
    if (kind === 'line') this.lines++;
    this.put([kind, ...cells]);
  }
  signature(text: string): void {
    this.put(['signature', text]);
  }
  end(f: ReportFooter): void {
    for (const h of f.heads) this.put(['ledger_head', h.device_id, h.seq, h.hash]);
    for (const n of f.notes) this.put(['footer', n]);
    this.put(['footer', 'generated', f.generated_at, f.generated_by]);
  }

  /** What was not flushed yet, as text chunks (all of the file when no `flush` was given). */
  text(): string[] {
    const out = this.buffer ? [...this.chunks, this.buffer] : [...this.chunks];
    this.chunks.length = 0;
    this.buffer = '';
    return out;
  }
}
