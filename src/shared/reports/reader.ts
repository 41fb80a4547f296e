import type { Schedule } from '../domain/schedule';
import type { PackageUnits } from '../units/package-units';
import type { CountRow, InventorySource } from './inventory-at';
import { localTimeText, type ResolvedPeriod } from './period';
import {
  REPORT_RULES,
  REPORT_TITLES,
  scheduleSection,
  SECTION_TITLES,
  type LedgerHead,
  type Registrant,
  type ReportColumn,
  type ReportHeader,
  type ReportRequest,
  type ReportSchedules,
  type ReportSink,
} from './types';

/**
 * What the reports read, behind one abstract reader, so the same report code runs on the
 * workstation (over its SQLite ledger, src/main/reports/reader.ts) and at the central server
 * (over the synced entries in PostgreSQL/PGlite, src/server/reports/). The text a report prints
 * (names, local times, the header, notices) is made here, once, so the two cannot drift apart.
 */

/** Everything a report needs besides the ledger; plain data, so it crosses into a worker. */
export interface ReportContext {
  facilityId: string;
  /** The device whose head is printed first; '' at the central server, which has none of its own. */
  localDeviceId: string;
  timeZone: string;
  /** ISO UTC: when the report was asked for. */
  now: string;
  generatedBy: { user_id: string; name: string };
  registrant: Registrant;
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export class ReportInputError extends Error {}

export const SCHEDULE_ORDER: Record<string, number> = { CII: 0, CIII: 1, CIV: 2, CV: 3 };
export const SCHEDULE_LABEL: Record<string, string> = { CII: 'Schedule II', CIII: 'Schedule III', CIV: 'Schedule IV', CV: 'Schedule V' };

/**
 * The entry a line comes from: `device#seq` and, CSV only, its whole hash; the PDF prints the
 * two as `#seq` and the hash's first 8 digits (`#42 3f9a1c2b`).
 */
export const ENTRY_COLUMNS: ReportColumn[] = [
  { key: 'entry', label: 'Entry (seq, hash)', width: 7, pdfShort: 'entry' },
  { key: 'entry_hash', label: 'Entry hash', width: 8, pdfHide: true },
];
export const entryCells = (e: { device_id: string; seq: number; hash: string }): [string, string] => [`${e.device_id}#${e.seq}`, e.hash];

/** The catalog fields a report prints. */
export interface ReportProduct {
  name: string;
  strength: string | null;
  dosage_form: string | null;
  package_size: number | null;
  package_unit: string | null;
  schedule: Schedule | null;
}

/** The entry types a shared report lists whole (receiving record, dispensing record). */
export type EntryListType = 'RECEIPT' | 'DISPENSE';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);

export interface EntryRow {
  device_id: string;
  seq: number;
  hash: string;
  body: string;
}

/**
 * One CII log line as read from the ledger: device, seq, hash, delta, type, recorded_at,
 * event_time, lot, actor, quantity, the body (not for dispenses, whose lines need only the POS
 * transaction, the patient token and the prescription number, the last three).
 */
export type CiiLogRow = [string, number, string, number, string, string, string, string | null, string, number, string | null, string | null, string | null, string | null];

export interface OpenCount {
  count_id: string;
  scope: string;
  created_by: string;
  created_at: string;
}

/** Local device first, then the others by device ID. */
export function sortHeads(heads: LedgerHead[]): LedgerHead[] {
  return heads.sort((a, b) => Number(b.local) - Number(a.local) || a.device_id.localeCompare(b.device_id));
}

/** A HOLD_PLACED or HOLD_RELEASED entry, as the inventory's status column reads it. */
export interface HoldEvent {
  type: string;
  ndc: string | null;
  lot: string | null;
  hold_id: string | number | null;
}

export abstract class ReportReader implements InventorySource {
  lines = 0;
  footerNotes: string[] = [];

  constructor(
    readonly ctx: ReportContext,
    readonly period: ResolvedPeriod,
    readonly progress: (p: Progress) => void,
    readonly schedules: ReportSchedules = 'all',
  ) {}

  /** The head of every chain the figures are computed from (sortHeads order). */
  abstract heads(): LedgerHead[];
  abstract product(ndc: string): ReportProduct | null;
  abstract readonly units: { of(ndc11: string): PackageUnits | null };
  protected abstract userName(userId: string): string | null;
  /** Count sessions open at this facility (their lines are not in the ledger yet). */
  protected abstract openCountSessions(): OpenCount[];
  /** Stock of an NDC by lot ('' for none) at a moment: entries before it, or up to and including it. */
  abstract lotBalances(ndc: string, at: string, inclusive: boolean): Map<string, number>;
  /** The controlled schedule of each NDC on record at this facility. */
  abstract scheduleMap(): Map<string, Schedule>;
  /** Entries of an NDC with event time in [from, to]. */
  abstract ciiLogCount(ndc: string, from: string, to: string): number;
  /** The same entries, ordered by event time, recorded time, device, seq. */
  abstract ciiLogRows(ndc: string, from: string, to: string): Iterable<CiiLogRow>;
  /** Every RECEIPT of the facility (for progress). */
  abstract receiptCount(): number;
  /** Entries of a type with event time in [from, to], ordered by event time, device, seq. */
  abstract entriesOfType(type: EntryListType, from: string, to: string): Iterable<EntryRow>;
  /**
   * ADJUSTMENT entries whose `data.kind` is one of `kinds` with event time in [from, to], ordered
   * by event time, device, seq (Form 41: destructions; the returns record: returns, transfers).
   */
  abstract adjustmentsOfKinds(kinds: readonly string[], from: string, to: string): Iterable<EntryRow>;
  /**
   * Every ADJUSTMENT marked `data.form_106` (a signed theft or loss), ordered by event time,
   * device, seq. Not by period: Form 106 goes by when the loss was discovered, which for a
   * count's hold is the count time (holdCountTime), known only once the entry is read.
   */
  abstract form106Adjustments(): Iterable<EntryRow>;
  /** The count time its HOLD_PLACED entry records for a hold, or null (no such hold, or none recorded). */
  abstract holdCountTime(holdId: string): string | null;

  // The inventories (biennial, initial).
  /** Whether the NDC has an entry with event time at or before `at`. */
  abstract hasEntriesBy(ndc: string, at: string): boolean;
  abstract bookAt(ndc: string, at: string): Map<string, number>;
  abstract countEntries(ndc: string, from: string, at: string): readonly CountRow[];
  abstract movementEntries(ndc: string, after: string, at: string): readonly EntryRow[];
  /** The latest expiry recorded by a RECEIPT or INITIAL_INVENTORY up to `at`, by "ndc|lot" (lot '' for none). */
  abstract expiriesAt(at: string): Map<string, string>;
  /** HOLD_PLACED and HOLD_RELEASED entries with event time at or before `at`, ordered by event time, device, seq. */
  protected abstract holdEvents(at: string): Iterable<HoldEvent>;
  /** Every INITIAL_INVENTORY entry of the facility, ordered by event time, device, seq. */
  abstract initialInventoryEntries(): Iterable<EntryRow>;

  /** The lots (`ndc|lot`, or `ndc|` for every lot of an NDC) on compliance hold at a moment. */
  activeHoldsAt(asOf: string): Set<string> {
    const placed = new Map<string | number, string>();
    for (const r of this.holdEvents(asOf)) {
      if (!r.hold_id) continue;
      if (r.type === 'HOLD_PLACED') placed.set(r.hold_id, `${r.ndc}|${r.lot ?? ''}`);
      else placed.delete(r.hold_id);
    }
    return new Set(placed.values());
  }

  /**
   * The dosage form of an NDC, from the catalog (FDA DOSAGEFORMNAME / openFDA dosage_form). The
   * openFDA CSV extract has no dosage-form column, so its products carry none: the form is then
   * the dosage unit its package description names ("30 TABLET in 1 BOTTLE" → TABLET), which is
   * why every report printed it blank before (issue 14).
   */
  dosageForm(ndc: string): string | null {
    const p = this.product(ndc);
    return p?.dosage_form ?? p?.package_unit ?? this.units.of(ndc)?.unit ?? null;
  }

  /** Whether a schedule's lines belong in this report (`--schedules`). */
  wants(schedule: string | null | undefined): boolean {
    return scheduleSection(schedule, this.schedules) !== null;
  }

  /**
   * Starts the CII or the CIII–V section when a line of the other one comes: callers give lines
   * CII first, so each section is one table (and its own pages in the PDF), 1304.04(h).
   */
  sectioner(sink: ReportSink): (schedule: string | null | undefined) => void {
    let current: string | null = null;
    return (schedule) => {
      const s = scheduleSection(schedule, 'all');
      if (s && s !== current) {
        current = s;
        sink.section(SECTION_TITLES[s]);
      }
    };
  }

  who(userId: string): string {
    const name = this.userName(userId);
    return name ? `${name} (${userId})` : userId;
  }

  /**
   * Who recorded an entry and, where the source named another person (an imported file's or a
   * POS system's handler_id), that claim beside it: the record names the proven submitter and
   * never passes the claim off as the person who acted (Part 11 §11.10(d),(g)).
   */
  whoWithClaim(actor: string, data: Record<string, unknown> | null | undefined): string {
    const claimed = typeof data?.claimed_handler_id === 'string' ? data.claimed_handler_id : null;
    return claimed && claimed !== actor ? `${this.who(actor)}; handler named by the source: ${this.who(claimed)}` : this.who(actor);
  }

  local(iso: string | null | undefined): string {
    return iso ? localTimeText(iso, this.ctx.timeZone) : '';
  }

  periodText(): string {
    const p = this.period;
    return `${p.fromDate ?? 'first entry'} to ${p.toDate} (${this.ctx.timeZone}; both days included)`;
  }

  header(sink: ReportSink, kind: ReportRequest['kind'], columns: ReportColumn[], fields: [string, string][], opts: { period?: string; layout?: 'portrait' | 'landscape' } = {}): void {
    const scope = this.schedules === 'cii' ? 'Schedule II only' : this.schedules === 'ciii-v' ? 'Schedules III, IV and V only' : 'all schedules; Schedule II apart from Schedules III–V';
    if (kind !== 'audit') fields = [...fields, ['Schedules', scope]];
    const p = this.period;
    const h: ReportHeader = {
      period: opts.period ?? `${p.fromDate ?? 'first entry'} to ${p.toDate}`,
      schedules: this.schedules,
      ...(opts.layout ? { layout: opts.layout } : {}),
      kind,
      title: REPORT_TITLES[kind],
      rule: REPORT_RULES[kind],
      registrant: this.ctx.registrant,
      facility_id: this.ctx.facilityId,
      fields: [...fields, ['Time zone', this.ctx.timeZone], ['Generated', `${localTimeText(this.ctx.now, this.ctx.timeZone)} by ${this.ctx.generatedBy.name} (${this.ctx.generatedBy.user_id})`]],
      columns,
    };
    sink.begin(h);
  }

  openCounts(notice: (t: string) => void, what: string): void {
    for (const c of this.openCountSessions()) {
      notice(
        `A count is open: ${c.count_id} (${scopeText(c.scope)}), started by ${this.who(c.created_by)} at ${this.local(c.created_at)}. ` +
          `Its lines are not in the ledger until it is submitted, so ${what} may change: export again after it is submitted or cancelled.`,
      );
    }
  }
}

export interface WrittenReport {
  lines: number;
  notices: string[];
  heads: LedgerHead[];
}

/** The heads, the report's body (`write`), then the footer: the frame every report shares. */
export function writeReport(r: ReportReader, sink: ReportSink, write: (notice: (t: string) => void) => void): WrittenReport {
  const heads = r.heads();
  const notices: string[] = [];
  write((text) => {
    notices.push(text);
    sink.notice(text);
  });
  const ctx = r.ctx;
  sink.end({ heads, lines: r.lines, generated_at: localTimeText(ctx.now, ctx.timeZone), generated_by: `${ctx.generatedBy.name} (${ctx.generatedBy.user_id})`, notes: r.footerNotes });
  return { lines: r.lines, notices, heads };
}

function scopeText(scope: string): string {
  try {
    const s = JSON.parse(scope) as { kind: string; schedule?: string; location?: string; ndcs?: string[]; month?: string };
    switch (s.kind) {
      case 'all_cii':
        return 'all CII';
      case 'schedule':
        return `schedule ${s.schedule}`;
      case 'location':
        return `location ${s.location}`;
      case 'ndcs':
        return `${s.ndcs?.length ?? 0} NDC(s)`;
      case 'expiring':
        return `expiring ${s.month}`;
      default:
        return s.kind;
    }
  } catch {
    return scope;
  }
}
