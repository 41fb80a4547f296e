import type { Schedule } from '../../shared/domain/schedule';
import { localTimeText, type ResolvedPeriod } from '../../shared/reports/period';
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
} from '../../shared/reports/types';
import { CatalogStore, type CatalogEntry } from '../catalog/store';
import { PackageUnitsLookup } from '../catalog/package-units';
import type { Db } from '../db/open';
import { GENESIS_PREV_HASH } from '../ledger/hash';
import { legacyContainerEntries } from '../ledger/legacy-basis';

/**
 * What the reports share: one reader over the database inside the report's read transaction
 * (compute.ts opens it), with the catalog and package units, user names, local times, the report
 * header, open-count notices, balances, schedules and holds at a moment. Each report is its own
 * module (biennial.ts, initial-inventory.ts, cii-log.ts, receipts.ts, form106.ts, audit-report.ts).
 */

/** Everything a report needs besides the database; plain data, so it crosses into the worker. */
export interface ReportContext {
  facilityId: string;
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

export interface EntryRow {
  device_id: string;
  seq: number;
  hash: string;
  body: string;
}

export class Reader {
  lines = 0;
  footerNotes: string[] = [];
  private readonly catalog: CatalogStore | null;
  private readonly catalogCache = new Map<string, CatalogEntry | null>();
  private readonly userNames: Map<string, string>;
  readonly units: PackageUnitsLookup;

  constructor(
    readonly db: Db,
    readonly ctx: ReportContext,
    readonly period: ResolvedPeriod,
    readonly progress: (p: Progress) => void,
    readonly schedules: ReportSchedules = 'all',
  ) {
    let catalog: CatalogStore | null = null;
    try {
      catalog = new CatalogStore(db);
    } catch {
      catalog = null;
    }
    this.catalog = catalog;
    this.units = new PackageUnitsLookup(db);
    this.userNames = new Map(db.prepare<[], { user_id: string; name: string }>('SELECT user_id, name FROM users').all().map((u) => [u.user_id, u.name]));
  }

  heads(): LedgerHead[] {
    // One index look-up per chain (a GROUP BY over the ledger would read every entry).
    const devices = new Set([this.ctx.localDeviceId, ...this.db.prepare<[], { device_id: string }>('SELECT device_id FROM devices').all().map((d) => d.device_id)]);
    const last = this.db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM ledger_entries WHERE device_id = ? ORDER BY seq DESC LIMIT 1');
    const heads: LedgerHead[] = [];
    for (const device_id of devices) {
      const h = last.get(device_id);
      const local = device_id === this.ctx.localDeviceId;
      if (h || local) heads.push({ device_id, seq: h?.seq ?? 0, hash: h?.hash ?? GENESIS_PREV_HASH, local });
    }
    return heads.sort((a, b) => Number(b.local) - Number(a.local) || a.device_id.localeCompare(b.device_id));
  }

  product(ndc: string): CatalogEntry | null {
    if (!this.catalogCache.has(ndc)) {
      let e: CatalogEntry | null = null;
      try {
        e = this.catalog?.lookup(ndc) ?? null;
      } catch {
        e = null;
      }
      this.catalogCache.set(ndc, e);
    }
    return this.catalogCache.get(ndc)!;
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
   * CII first, so each section is one table (and its own pages in the PDF), 1304.04(f).
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
    const name = this.userNames.get(userId);
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
    const open = this.db
      .prepare<[string], { count_id: string; scope: string; created_by: string; created_at: string }>(
        "SELECT count_id, scope, created_by, created_at FROM count_sessions WHERE status = 'open' AND facility_id = ? ORDER BY created_at",
      )
      .all(this.ctx.facilityId);
    for (const c of open) {
      notice(
        `A count is open: ${c.count_id} (${scopeText(c.scope)}), started by ${this.who(c.created_by)} at ${this.local(c.created_at)}. ` +
          `Its lines are not in the ledger until it is submitted, so ${what} may change: export again after it is submitted or cancelled.`,
      );
    }
  }

  /**
   * Stock of an NDC by lot at a moment (entries with event time before it, or up to and
   * including it), read from whichever side of the ledger is smaller: the entries up to the
   * moment, or the stock projection (equal to the ledger's sums; `rxledger verify` checks it)
   * minus the entries after it. Counting each side uses the (ndc, event_time) index only.
   */
  lotBalances(ndc: string, at: string, inclusive: boolean): Map<string, number> {
    const f = this.ctx.facilityId;
    const cmpBefore = inclusive ? '<=' : '<';
    const cmpAfter = inclusive ? '>' : '>=';
    const nBefore = this.db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM ledger_entries WHERE ndc = ? AND event_time ${cmpBefore} ?`).get(ndc, at)!.n;
    const nAfter = this.db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM ledger_entries WHERE ndc = ? AND event_time ${cmpAfter} ?`).get(ndc, at)!.n;
    const out = new Map<string, number>();
    const sum = (cmp: string) =>
      this.db.prepare<[string, string, string], { lot: string | null; n: number }>(`SELECT lot, SUM(delta) AS n FROM ledger_entries WHERE ndc = ? AND event_time ${cmp} ? AND facility_id = ? GROUP BY lot`).all(ndc, at, f);
    // Version 0.1 receipts recorded in containers count in dosage units (the projection already does).
    const legacy = legacyContainerEntries(this.db, (n) => this.units.of(n), { facilityId: f, ndc });
    const before = (e: { event_time: string }) => (inclusive ? e.event_time <= at : e.event_time < at);
    if (nBefore <= nAfter) {
      for (const r of sum(cmpBefore)) out.set(r.lot ?? '', (out.get(r.lot ?? '') ?? 0) + r.n);
      for (const e of legacy) if (before(e) && e.extra) out.set(e.lot, (out.get(e.lot) ?? 0) + e.extra);
      return out;
    }
    for (const r of this.db.prepare<[string, string], { lot: string; on_hand: number }>('SELECT lot, on_hand FROM stock WHERE facility_id = ? AND ndc = ?').all(f, ndc)) {
      out.set(r.lot, (out.get(r.lot) ?? 0) + r.on_hand);
    }
    for (const r of sum(cmpAfter)) out.set(r.lot ?? '', (out.get(r.lot ?? '') ?? 0) - r.n);
    for (const e of legacy) if (!before(e) && e.extra) out.set(e.lot, (out.get(e.lot) ?? 0) - e.extra);
    return out;
  }

  /** The controlled schedule of an NDC: from the ledger's stock projection, else the catalog. */
  scheduleMap(): Map<string, Schedule> {
    const out = new Map<string, Schedule>();
    for (const r of this.db
      .prepare<[string], { ndc: string; schedule: string | null }>('SELECT ndc, MAX(schedule) AS schedule FROM stock WHERE facility_id = ? GROUP BY ndc')
      .all(this.ctx.facilityId)) {
      const s = (r.schedule as Schedule | null) ?? this.product(r.ndc)?.schedule ?? null;
      if (s) out.set(r.ndc, s);
    }
    return out;
  }

  /** The lots (`ndc|lot`, or `ndc|` for every lot of an NDC) on compliance hold at a moment. */
  activeHoldsAt(asOf: string): Set<string> {
    const placed = new Map<string, string>();
    for (const r of this.db
      .prepare<[string, string], { type: string; ndc: string | null; lot: string | null; hold_id: string | null }>(
        "SELECT type, ndc, lot, json_extract(body, '$.data.hold_id') AS hold_id FROM ledger_entries WHERE type IN ('HOLD_PLACED', 'HOLD_RELEASED') AND facility_id = ? AND event_time <= ? ORDER BY event_time",
      )
      .iterate(this.ctx.facilityId, asOf)) {
      if (!r.hold_id) continue;
      if (r.type === 'HOLD_PLACED') placed.set(r.hold_id, `${r.ndc}|${r.lot ?? ''}`);
      else placed.delete(r.hold_id);
    }
    return new Set(placed.values());
  }
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
