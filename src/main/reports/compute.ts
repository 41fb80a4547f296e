import { manifestationText, type ReasonCode } from '../../shared/counts';
import type { Schedule } from '../../shared/domain/schedule';
import { localDayStart, localTimeText, resolvePeriod, type ResolvedPeriod } from '../../shared/reports/period';
import {
  REPORT_RULES,
  REPORT_TITLES,
  type LedgerHead,
  type Registrant,
  type ReportColumn,
  type ReportHeader,
  type ReportRequest,
  type ReportSink,
  type RowKind,
} from '../../shared/reports/types';
import type { CsvCell } from '../../shared/reports/csv';
import type { EntryBody } from '../../shared/schemas/ledger-entry';
import { form106Candidates } from '../adjustments';
import { AuditTrail } from '../audit/trail';
import { CatalogStore, type CatalogEntry } from '../catalog/store';
import type { Db } from '../db/open';
import { GENESIS_PREV_HASH } from '../ledger/hash';
import { signatureManifestationLines } from '../signatures';
import { entryDocument } from '../ledger/entry-document';
import { PackageUnitsLookup } from '../catalog/package-units';
import { formatUnits, splitContainers } from '../../shared/units';
import { inventoryAt, type InventoryLine } from './inventory-at';
import { legacyContainerEntries, unitsOfEntry } from '../ledger/legacy-basis';
import { auditCategoryOf } from '../../shared/audit/actions';

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

export interface ReportOutcome {
  lines: number;
  notices: string[];
  heads: LedgerHead[];
  period: ResolvedPeriod;
}

export class ReportInputError extends Error {}

const SCHEDULE_ORDER: Record<string, number> = { CII: 0, CIII: 1, CIV: 2, CV: 3 };
const SCHEDULE_LABEL: Record<string, string> = { CII: 'Schedule II', CIII: 'Schedule III', CIV: 'Schedule IV', CV: 'Schedule V' };

/**
 * Computes a report from the ledger and writes it into a sink. Every read happens inside one
 * read transaction, so the figures and the ledger head printed in the footer belong to the same
 * snapshot even while the workstation keeps committing.
 */
export function computeReport(db: Db, ctx: ReportContext, req: ReportRequest, sink: ReportSink, onProgress?: (p: Progress) => void): ReportOutcome {
  const now = new Date(ctx.now);
  const resolved = resolvePeriod({ from: req.from, to: req.to }, ctx.timeZone, now, req.kind === 'biennial' ? 'to' : 'none');
  if (!resolved.ok) throw new ReportInputError(resolved.message);
  const period = resolved.period;
  const at = req.kind === 'biennial' ? inventoryInstant(db, ctx, period, req.taken ?? 'close', now) : null;
  const began = !db.inTransaction;
  if (began) db.exec('BEGIN');
  try {
    const r = new Reader(db, ctx, period, onProgress ?? (() => {}));
    const heads = r.heads();
    const notices: string[] = [];
    const notice = (text: string) => {
      notices.push(text);
      sink.notice(text);
    };
    switch (req.kind) {
      case 'biennial':
        r.biennial(sink, notice, req.taken ?? 'close', at!);
        break;
      case 'initial':
        r.initialInventory(sink, notice);
        break;
      case 'cii-log':
        r.ciiLog(sink, notice, req.ndcs ?? null);
        break;
      case 'receipts':
        r.receipts(sink, notice);
        break;
      case 'form106':
        r.form106(sink, notice);
        break;
      case 'audit':
        r.audit(sink, notice);
        break;
    }
    const lines = r.lines;
    sink.end({ heads, lines, generated_at: localTimeText(ctx.now, ctx.timeZone), generated_by: `${ctx.generatedBy.name} (${ctx.generatedBy.user_id})`, notes: r.footerNotes });
    return { lines, notices, heads, period };
  } finally {
    if (began) db.exec('COMMIT');
  }
}

/**
 * The instant an inventory is "taken at" (1304.11(a)): the opening of business is the start of
 * the local day (before any entry of that day), the close its end (after every entry of it);
 * a close of today is now. Refused for a day in the future, or an instant before the ledger's
 * first entry (there was nothing on record to inventory).
 */
export function inventoryInstant(db: Db, ctx: ReportContext, period: ResolvedPeriod, taken: 'opening' | 'close', now: Date): string {
  const today = localTimeText(now.toISOString(), ctx.timeZone).slice(0, 10);
  if (period.toDate > today) {
    throw new ReportInputError(`--to ${period.toDate} is in the future (today is ${today} in ${ctx.timeZone}): an inventory is of stock on hand at a time that has come; give today or an earlier date`);
  }
  const start = localDayStart(period.toDate, ctx.timeZone).toISOString();
  const at = taken === 'opening' ? start : period.toUtc < now.toISOString() ? period.toUtc : now.toISOString();
  const first = db.prepare<[string], { t: string | null }>('SELECT MIN(event_time) AS t FROM ledger_entries WHERE facility_id = ?').get(ctx.facilityId)?.t ?? null;
  if (first === null) throw new ReportInputError('the ledger holds no entry yet: there is nothing to inventory. Record the initial inventory first (rxledger initial-inventory)');
  if (at < first) {
    const firstDay = localTimeText(first, ctx.timeZone);
    throw new ReportInputError(
      `the ${taken === 'opening' ? 'opening' : 'close'} of business on ${period.toDate} is before the first entry of this ledger (${firstDay}): nothing was on record then. Give --to ${firstDay.slice(0, 10)} or later${taken === 'opening' ? ' (or --taken close)' : ''}`,
    );
  }
  return at;
}

interface EntryRow {
  device_id: string;
  seq: number;
  hash: string;
  body: string;
}


class Reader {
  lines = 0;
  footerNotes: string[] = [];
  private readonly catalog: CatalogStore | null;
  private readonly catalogCache = new Map<string, CatalogEntry | null>();
  private readonly userNames: Map<string, string>;
  readonly units: PackageUnitsLookup;

  constructor(
    private readonly db: Db,
    private readonly ctx: ReportContext,
    private readonly period: ResolvedPeriod,
    private readonly progress: (p: Progress) => void,
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

  private product(ndc: string): CatalogEntry | null {
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

  private who(userId: string): string {
    const name = this.userNames.get(userId);
    return name ? `${name} (${userId})` : userId;
  }

  private local(iso: string | null | undefined): string {
    return iso ? localTimeText(iso, this.ctx.timeZone) : '';
  }

  private periodText(): string {
    const p = this.period;
    return `${p.fromDate ?? 'first entry'} to ${p.toDate} (${this.ctx.timeZone}; both days included)`;
  }

  private header(sink: ReportSink, kind: ReportRequest['kind'], columns: ReportColumn[], fields: [string, string][]): void {
    const h: ReportHeader = {
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

  private openCounts(notice: (t: string) => void, what: string): void {
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
  private lotBalances(ndc: string, at: string, inclusive: boolean): Map<string, number> {
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
  private scheduleMap(): Map<string, Schedule> {
    const out = new Map<string, Schedule>();
    for (const r of this.db
      .prepare<[string], { ndc: string; schedule: string | null }>('SELECT ndc, MAX(schedule) AS schedule FROM stock WHERE facility_id = ? GROUP BY ndc')
      .all(this.ctx.facilityId)) {
      const s = (r.schedule as Schedule | null) ?? this.product(r.ndc)?.schedule ?? null;
      if (s) out.set(r.ndc, s);
    }
    return out;
  }

  // ---------------------------------------------------------------- biennial inventory (1304.11)

  biennial(sink: ReportSink, notice: (t: string) => void, taken: 'opening' | 'close', at: string): void {
    const p = this.period;
    const columns: ReportColumn[] = [
      { key: 'schedule', label: 'Sched.', width: 4 },
      { key: 'ndc', label: 'NDC', width: 9 },
      { key: 'name', label: 'Name', width: 15 },
      { key: 'strength', label: 'Strength', width: 8 },
      { key: 'dosage_form', label: 'Dosage form', width: 7 },
      { key: 'lot', label: 'Lot', width: 5 },
      { key: 'expiry', label: 'Expiry', width: 7 },
      { key: 'status', label: 'Status', width: 7 },
      { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
      { key: 'unit', label: 'Unit', width: 5 },
      { key: 'full_containers', label: 'Full cont.', width: 4, align: 'right' },
      { key: 'opened_containers', label: 'Opened cont.', width: 5, align: 'right' },
      { key: 'opened_units', label: 'Units in opened', width: 5, align: 'right' },
      { key: 'total_units', label: 'Total units', width: 5, align: 'right' },
      { key: 'book_units', label: 'Book units', width: 5, align: 'right' },
      { key: 'basis', label: 'Basis', width: 12 },
      { key: 'taken_by', label: 'Counted by', width: 8 },
      { key: 'counted_at', label: 'Counted at', width: 9 },
      { key: 'count_id', label: 'Count', width: 6 },
    ];
    const window = p.fromUtc && p.fromUtc <= at ? p.fromUtc : null;
    this.header(sink, 'biennial', columns, [
      ['Inventory date', p.toDate],
      ['Taken at', taken === 'opening' ? 'opening of business' : 'close of business'],
      ['Inventory time', `${this.local(at)} (${taken === 'opening' ? 'start of the day: before any of its entries' : 'end of the day: after all of its entries'})`],
      [
        'Figures',
        `each lot's last count ${window ? `from ${this.local(window)} ` : ''}up to the inventory time, rolled forward by every movement between the count and the inventory time (listed under the line); entries after it are excluded. Book units: the ledger's balance at the inventory time`,
      ],
    ]);
    this.openCounts(notice, 'the figures of the products it covers');

    const f = this.ctx.facilityId;
    const scheduled = this.scheduleMap();
    const any = this.db.prepare<[string, string, string], { x: number }>('SELECT 1 AS x FROM ledger_entries WHERE ndc = ? AND event_time <= ? AND facility_id = ? LIMIT 1');
    const candidates = [...scheduled.keys()].filter((ndc) => any.get(ndc, at, f));
    this.progress({ phase: 'balances', done: 0, total: candidates.length });
    const inventory = inventoryAt(this.db, f, candidates, at, window, (n) => this.units.of(n));
    this.progress({ phase: 'balances', done: candidates.length, total: candidates.length });
    const expiries = new Map<string, string>();
    for (const r of this.db
      .prepare<[string, string], { ndc: string; lot: string; expiry: string | null }>(
        "SELECT ndc, COALESCE(lot, '') AS lot, MAX(json_extract(body, '$.expiry')) AS expiry FROM ledger_entries WHERE type IN ('RECEIPT', 'INITIAL_INVENTORY') AND facility_id = ? AND event_time <= ? GROUP BY ndc, COALESCE(lot, '')",
      )
      .iterate(f, at)) {
      if (r.expiry) expiries.set(`${r.ndc}|${r.lot}`, r.expiry);
    }
    const held = this.activeHoldsAt(at);
    const byNdc = new Map<string, InventoryLine[]>();
    for (const l of inventory) byNdc.set(l.ndc, [...(byNdc.get(l.ndc) ?? []), l]);
    const ndcs = [...byNdc.keys()]
      .map((ndc) => ({ ndc, schedule: scheduled.get(ndc)!, product: this.product(ndc) }))
      .sort((a, b) => SCHEDULE_ORDER[a.schedule]! - SCHEDULE_ORDER[b.schedule]! || (a.product?.name ?? '~').localeCompare(b.product?.name ?? '~') || a.ndc.localeCompare(b.ndc));

    if (ndcs.length === 0) notice(`No controlled substance was on record at this facility by ${this.local(at)}: the inventory is zero for every schedule.`);
    // Rows wait until every notice is known, so the notices print above the table.
    const table = new BufferedTable();
    const out = sink;
    sink = table;
    const counters = new Map<string, { counts: Set<string>; first: string; last: string }>();
    const uncountedCii: string[] = [];
    const uncountedExact: string[] = [];
    let uncountedOther = 0;
    let rolled = 0;
    let currentSchedule: string | null = null;
    let scheduleTotal = 0;
    const closeSchedule = () => {
      if (currentSchedule) sink.row([currentSchedule, `Total ${SCHEDULE_LABEL[currentSchedule]}`, null, null, null, null, null, null, null, null, null, null, null, scheduleTotal], 'total');
    };
    let done = 0;
    for (const { ndc, schedule, product } of ndcs) {
      if (schedule !== currentSchedule) {
        closeSchedule();
        currentSchedule = schedule;
        scheduleTotal = 0;
        sink.group(SCHEDULE_LABEL[schedule]!);
      }
      const pu = this.units.of(ndc);
      const unit = pu?.unit ?? product?.package_unit ?? null;
      for (const line of byNdc.get(ndc)!) {
        const total = line.figure;
        const perContainer = pu?.units_per_container ?? line.count?.containers?.units_per_container ?? null;
        let full: number | null = null;
        let opened: number | null = null;
        let openedUnits: number | null = null;
        if (line.count?.containers && line.movements.length === 0) {
          full = line.count.containers.full_containers;
          opened = line.count.containers.partial_units.filter((n) => n > 0).length;
          openedUnits = line.count.containers.partial_units.reduce((s, n) => s + n, 0);
        } else if (perContainer) {
          const split = splitContainers(Math.max(0, total), perContainer);
          full = split.full;
          openedUnits = split.remainder;
          opened = openedUnits > 0 ? 1 : 0;
        }
        const large = (perContainer ?? 0) > 1000;
        let basis: string;
        if (line.count) {
          const how = line.count.type === 'INITIAL_INVENTORY' ? 'initial inventory count' : schedule === 'CII' ? 'exact count' : large ? 'exact count (containers of more than 1,000 units)' : 'estimated count (opened containers may be estimated)';
          basis = line.movements.length ? `${how} at ${this.local(line.count.at)}, rolled forward by ${line.movements.length} movement(s)` : how;
          if (line.movements.length) rolled++;
        } else if (total === 0) {
          basis = 'none on hand (perpetual record; not counted)';
        } else if (schedule === 'CII') {
          basis = 'NOT COUNTED — book balance';
          uncountedCii.push(`${ndc}${line.lot ? ` lot ${line.lot}` : ''}`);
        } else if (large) {
          basis = 'NOT COUNTED — book balance (exact count required: containers of more than 1,000 units)';
          uncountedExact.push(`${ndc}${line.lot ? ` lot ${line.lot}` : ''}`);
        } else {
          basis = 'estimated from the perpetual record (not counted)';
          uncountedOther++;
        }
        const expiry = line.lot ? (expiries.get(`${ndc}|${line.lot}`) ?? null) : null;
        const status = [expiry && expiry < this.period.toDate ? 'expired — awaiting destruction' : null, held.has(`${ndc}|${line.lot}`) || held.has(`${ndc}|`) ? 'on compliance hold' : null]
          .filter(Boolean)
          .join('; ');
        if (line.count) {
          const c = counters.get(line.count.actor) ?? { counts: new Set<string>(), first: line.count.at, last: line.count.at };
          if (line.count.count_id) c.counts.add(line.count.count_id);
          if (line.count.type === 'INITIAL_INVENTORY') c.counts.add('initial inventory');
          if (line.count.at < c.first) c.first = line.count.at;
          if (line.count.at > c.last) c.last = line.count.at;
          counters.set(line.count.actor, c);
        }
        scheduleTotal += total;
        this.lines++;
        sink.row([
          schedule,
          ndc,
          product?.name ?? '(not in the drug catalog)',
          product?.strength ?? null,
          product?.dosage_form ?? null,
          line.wholeNdc ? 'all lots' : line.lot === '' ? null : line.lot,
          expiry,
          status || null,
          perContainer,
          unit,
          full,
          opened,
          openedUnits,
          total,
          line.book,
          basis,
          line.count ? this.who(line.count.actor) : null,
          line.count ? this.local(line.count.at) : null,
          line.count ? (line.count.count_id ?? (line.count.type === 'INITIAL_INVENTORY' ? 'initial' : line.count.ref)) : null,
        ]);
        for (const m of line.movements) {
          const doc = entryDocument(m.body);
          sink.row(
            [
              schedule,
              ndc,
              `after the count: ${m.type.toLowerCase().replace(/_/g, ' ')}`,
              null,
              null,
              m.body.lot,
              null,
              null,
              null,
              unit,
              null,
              null,
              null,
              m.delta,
              null,
              `${m.delta > 0 ? 'in' : 'out'} ${formatUnits(Math.abs(m.delta), unit)}${doc ? ` — ${doc}` : ''}`,
              this.who(m.actor),
              this.local(m.event_time),
              `${m.device_id}#${m.seq}`,
            ],
            'movement',
          );
        }
      }
      this.progress({ phase: 'products', done: ++done, total: ndcs.length });
    }
    closeSchedule();
    sink = out;
    if (uncountedCii.length) {
      notice(
        `INCOMPLETE: ${uncountedCii.length} Schedule II line(s) have stock on the books but no count in the period (${uncountedCii.slice(0, 10).join(', ')}${uncountedCii.length > 10 ? ', …' : ''}). ` +
          '21 CFR 1304.11(e)(1)(i) requires an exact count of every CII product: count them (Counts › All CII) and export again.',
      );
    }
    if (uncountedExact.length) {
      notice(`${uncountedExact.length} CIII–V line(s) in containers of more than 1,000 units were not counted (${uncountedExact.slice(0, 10).join(', ')}): 1304.11(e)(1)(ii) requires an exact count of them.`);
    }
    if (uncountedOther) notice(`${uncountedOther} CIII–V line(s) were not counted: their figure is the perpetual record's balance, given as the estimate.`);
    if (rolled) notice(`${rolled} line(s) were counted before the inventory time: their figure is the count plus the movements recorded between the count and ${this.local(at)}, listed under each line.`);
    table.replay(sink);
    if (counters.size === 0) {
      sink.signature('Inventory taken by: no count was recorded in the period — the figures are the perpetual record only.');
    }
    for (const [actor, c] of counters) {
      sink.signature(`Inventory taken by ${this.who(actor)} — counts ${[...c.counts].join(', ') || '(quick counts)'} between ${this.local(c.first)} and ${this.local(c.last)} — signature: ______________________________`);
    }
  }

  // ---------------------------------------------------------------- initial inventory (1304.11(b))

  initialInventory(sink: ReportSink, notice: (t: string) => void): void {
    const columns: ReportColumn[] = [
      { key: 'schedule', label: 'Sched.', width: 4 },
      { key: 'ndc', label: 'NDC', width: 9 },
      { key: 'name', label: 'Name', width: 14 },
      { key: 'strength', label: 'Strength', width: 8 },
      { key: 'dosage_form', label: 'Dosage form', width: 7 },
      { key: 'lot', label: 'Lot', width: 5 },
      { key: 'expiry', label: 'Expiry', width: 7 },
      { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
      { key: 'unit', label: 'Unit', width: 5 },
      { key: 'full_containers', label: 'Full cont.', width: 4, align: 'right' },
      { key: 'opened_containers', label: 'Opened cont.', width: 5, align: 'right' },
      { key: 'opened_units', label: 'Units in opened', width: 5, align: 'right' },
      { key: 'total_units', label: 'Total units', width: 5, align: 'right' },
      { key: 'basis', label: 'Basis', width: 9 },
      { key: 'inventory_date', label: 'Inventory date', width: 7 },
      { key: 'taken', label: 'Taken at', width: 6 },
      { key: 'taken_by', label: 'Counted and signed by', width: 10 },
      { key: 'entry', label: 'Entry', width: 8, pdfShort: 'entry' },
    ];
    this.header(sink, 'initial', columns, [['Scope', 'the opening balance of every controlled substance on hand when the registrant began recording, counted and signed by a pharmacist']]);
    const rows = this.db
      .prepare<[string], EntryRow>("SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'INITIAL_INVENTORY' AND facility_id = ? ORDER BY event_time, device_id, seq")
      .all(this.ctx.facilityId)
      .map((r) => ({ r, b: JSON.parse(r.body) as EntryBody }));
    const scheduled = this.scheduleMap();
    const withSchedule = rows.map((x) => ({ ...x, schedule: x.b.schedule ?? (x.b.ndc ? (scheduled.get(x.b.ndc) ?? null) : null) }));
    const controlled = withSchedule.filter((x) => x.schedule);
    if (rows.length === 0) notice('No initial inventory has been recorded at this facility (rxledger initial-inventory, or Inventory › Initial inventory).');
    controlled.sort((a, b) => SCHEDULE_ORDER[a.schedule!]! - SCHEDULE_ORDER[b.schedule!]! || (a.b.ndc ?? '').localeCompare(b.b.ndc ?? ''));
    const signatures = new Set<string>();
    let current: string | null = null;
    for (const { r, b, schedule } of controlled) {
      if (schedule !== current) {
        current = schedule;
        sink.group(SCHEDULE_LABEL[schedule!]!);
      }
      const product = this.product(b.ndc!);
      const pu = this.units.of(b.ndc!);
      const c = b.data.containers as { full_containers: number; units_per_container: number; partial_units: number[] } | null | undefined;
      let full: number | null = null;
      let opened: number | null = null;
      let openedUnits: number | null = null;
      if (c && typeof c === 'object') {
        full = c.full_containers;
        opened = c.partial_units.filter((n) => n > 0).length;
        openedUnits = c.partial_units.reduce((x, y) => x + y, 0);
      } else if (pu) {
        const split = splitContainers(b.quantity, pu.units_per_container);
        full = split.full;
        openedUnits = split.remainder;
        opened = openedUnits > 0 ? 1 : 0;
      }
      const large = (pu?.units_per_container ?? 0) > 1000;
      this.lines++;
      sink.row([
        schedule,
        b.ndc,
        product?.name ?? '(not in the drug catalog)',
        product?.strength ?? null,
        product?.dosage_form ?? null,
        b.lot,
        b.expiry,
        pu?.units_per_container ?? null,
        pu?.unit ?? null,
        full,
        opened,
        openedUnits,
        b.quantity,
        schedule === 'CII' || large ? 'exact count' : 'estimated count (opened containers may be estimated)',
        typeof b.data.inventory_date === 'string' ? b.data.inventory_date : this.local(b.event_time).slice(0, 10),
        b.data.taken === 'opening' ? 'opening of business' : b.data.taken === 'close' ? 'close of business' : null,
        this.who(b.actor),
        `${r.device_id}#${r.seq}`,
      ]);
      for (const line of signatureManifestationLines({ data: b.data })) signatures.add(line);
    }
    const none = withSchedule.filter((x) => x.b.ndc === null);
    if (none.length && controlled.length === 0) notice('The initial inventory records that no controlled substance was on hand (21 CFR 1304.11(b)).');
    for (const s of signatures) sink.signature(s);
  }

  private activeHoldsAt(asOf: string): Set<string> {
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

  // ---------------------------------------------------------------- CII perpetual log

  ciiLog(sink: ReportSink, notice: (t: string) => void, only: string[] | null): void {
    const p = this.period;
    const columns: ReportColumn[] = [
      { key: 'event_time', label: 'When (event time)', width: 10 },
      { key: 'type', label: 'Type', width: 7 },
      { key: 'lot', label: 'Lot', width: 5 },
      { key: 'received', label: 'In', width: 4, align: 'right' },
      { key: 'issued', label: 'Out', width: 4, align: 'right' },
      { key: 'counted', label: 'Counted', width: 5, align: 'right' },
      { key: 'balance', label: 'Balance', width: 5, align: 'right' },
      { key: 'unit', label: 'Unit', width: 5 },
      { key: 'handler', label: 'Handler', width: 9 },
      { key: 'details', label: 'Details', width: 20 },
      { key: 'signatures', label: 'Signatures', width: 20 },
      { key: 'recorded_at', label: 'Recorded', width: 10 },
      { key: 'entry', label: 'Entry (device#seq)', width: 8, pdfShort: 'entry' },
      { key: 'hash', label: 'Entry hash', width: 7, pdfShort: 'hash' },
    ];
    this.header(sink, 'cii-log', columns, [
      ['Period', this.periodText()],
      ['Products', only ? only.join(', ') : 'every Schedule II NDC on record'],
      ['Balance', 'running balance in dosage units (the Unit column), in event-time order; a COUNT is an observation and does not change it'],
    ]);
    this.openCounts(notice, 'the counts and balances of the products it covers');
    const f = this.ctx.facilityId;
    const schedules = this.scheduleMap();
    let ndcs = [...schedules].filter(([, s]) => s === 'CII').map(([n]) => n);
    if (only) ndcs = ndcs.filter((n) => only.includes(n));
    ndcs.sort((a, b) => (this.product(a)?.name ?? '~').localeCompare(this.product(b)?.name ?? '~') || a.localeCompare(b));
    if (only) for (const n of only) if (!ndcs.includes(n)) notice(`${n} is not a Schedule II product on record at this facility: it is not in this log.`);
    if (ndcs.length === 0) {
      notice('This facility has no Schedule II product on record: the log is empty.');
      return;
    }
    const from = p.fromUtc ?? '';
    const countStmt = this.db.prepare<[string, string, string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND event_time >= ? AND event_time <= ?',
    );
    const totals = ndcs.map((n) => countStmt.get(f, n, from, p.toUtc)!.n);
    const total = totals.reduce((s, n) => s + n, 0);
    if (total === 0) notice(`No Schedule II transaction between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: each product shows its opening and closing balance only.`);
    // Only what each line prints is taken out of the body, by SQLite; a dispense (most lines)
    // never has its body parsed in JavaScript.
    const rowsStmt = this.db
      .prepare<[string, string, string, string], [string, number, string, number, string, string, string, string | null, string, number, string | null, string | null, string | null]>(
        `SELECT device_id, seq, hash, delta, type, recorded_at, event_time, lot, json_extract(body, '$.actor'), json_extract(body, '$.quantity'),
                CASE WHEN type <> 'DISPENSE' THEN body END,
                CASE WHEN type = 'DISPENSE' THEN json_extract(body, '$.data.pos_transaction_id') END,
                CASE WHEN type = 'DISPENSE' THEN json_extract(body, '$.data.patient_token') END
           FROM ledger_entries
          WHERE facility_id = ? AND ndc = ? AND event_time >= ? AND event_time <= ?
          ORDER BY event_time, recorded_at, device_id, seq`,
      )
      .raw(true);
    let done = 0;
    const step = Math.max(1, Math.floor(total / 100));
    this.progress({ phase: 'entries', done: 0, total });
    for (const ndc of ndcs) {
      const product = this.product(ndc);
      sink.group(`NDC ${ndc} — ${product ? `${product.name}${product.package_size ? ` — ${product.package_size} ${product.package_unit ?? 'units'} per container` : ''}` : '(not in the drug catalog)'}`);
      const unit = this.units.of(ndc)?.unit ?? product?.package_unit ?? null;
      let balance = p.fromUtc ? [...this.lotBalances(ndc, p.fromUtc, false).values()].reduce((x, y) => x + y, 0) : 0;
      sink.row([p.fromUtc ? this.local(p.fromUtc) : null, 'OPENING', null, null, null, null, balance, unit, null, p.fromUtc ? 'balance before the period' : 'from the first entry'], 'opening');
      let inP = 0;
      let outP = 0;
      for (const [device, seq, hash, recordedDelta, type, recordedAt, eventTime, lot, actor, recordedQuantity, bodyText, posTxn, patient] of rowsStmt.iterate(f, ndc, from, p.toUtc)) {
        let delta = recordedDelta;
        let quantity = recordedQuantity;
        let b: EntryBody | null = null;
        if (bodyText !== null) {
          b = JSON.parse(bodyText) as EntryBody;
          const u = unitsOfEntry(b, (n) => this.units.of(n));
          if (u.legacy) ({ delta, quantity } = u);
        }
        balance += delta;
        if (delta > 0) inP += delta;
        else outP -= delta;
        let details: string;
        let sigs: string | null = null;
        if (b !== null) {
          details = entryDocument(b);
          if (b.data.quantity_basis === 'containers') details = `${details}${details ? '; ' : ''}recorded by version 0.1 as ${recordedQuantity} container(s), shown in units`;
          if (b.data.signatures) sigs = signatureManifestationLines(b).join(' | ');
        } else {
          details = posTxn ? (patient ? `POS ${posTxn}; patient ${patient}` : `POS ${posTxn}`) : patient ? `patient ${patient}` : '';
        }
        this.lines++;
        sink.row([
          this.local(eventTime),
          type,
          lot,
          delta > 0 ? delta : null,
          delta < 0 ? -delta : null,
          type === 'COUNT' ? quantity : null,
          balance,
          unit,
          this.who(actor),
          details,
          sigs,
          this.local(recordedAt),
          `${device}#${seq}`,
          hash,
        ]);
        if (++done % step === 0) this.progress({ phase: 'entries', done, total });
      }
      sink.row([this.local(p.toUtc), 'CLOSING', null, inP, outP, null, balance, unit, null, 'balance at the end of the period'], 'closing');
    }
    this.progress({ phase: 'entries', done: total, total });
  }

  // ---------------------------------------------------------------- receiving record

  receipts(sink: ReportSink, notice: (t: string) => void): void {
    const p = this.period;
    const columns: ReportColumn[] = [
      { key: 'date_received', label: 'Date received', width: 7 },
      { key: 'schedule', label: 'Sched.', width: 4 },
      { key: 'ndc', label: 'NDC', width: 9 },
      { key: 'name', label: 'Name', width: 13 },
      { key: 'strength', label: 'Strength', width: 8 },
      { key: 'dosage_form', label: 'Form', width: 6 },
      { key: 'lot', label: 'Lot', width: 5 },
      { key: 'expiry', label: 'Expiry', width: 7 },
      { key: 'containers', label: 'Cont.', width: 4, align: 'right' },
      { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
      { key: 'units', label: 'Units', width: 4, align: 'right' },
      { key: 'unit', label: 'Unit', width: 5 },
      { key: 'supplier_name', label: 'Supplier', width: 9 },
      { key: 'supplier_address', label: 'Supplier address', width: 12 },
      { key: 'supplier_dea_number', label: 'Supplier DEA no.', width: 7 },
      { key: 'order_form', label: '222 / CSOS order', width: 8 },
      { key: 'order_line', label: 'Line', width: 3, align: 'right' },
      { key: 'po_number', label: 'PO', width: 5 },
      { key: 'received_by', label: 'Received by', width: 8 },
      { key: 'entry', label: 'Entry', width: 8, pdfShort: 'entry' },
    ];
    this.header(sink, 'receipts', columns, [
      ['Period', this.periodText()],
      ['Scope', 'receipts of controlled substances (CII–CV), in the order received'],
    ]);
    const schedules = this.scheduleMap();
    let noSupplier = 0;
    let noOrder = 0;
    let lastGroup: string | null = null;
    const total = this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM ledger_entries WHERE type = 'RECEIPT' AND facility_id = ?").get(this.ctx.facilityId)!.n;
    let done = 0;
    const table = new BufferedTable();
    const out = sink;
    sink = table;
    for (const r of this.db
      .prepare<[string, string, string], EntryRow>(
        "SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'RECEIPT' AND facility_id = ? AND event_time >= ? AND event_time <= ? ORDER BY event_time, device_id, seq",
      )
      .iterate(this.ctx.facilityId, p.fromUtc ?? '', p.toUtc)) {
      const b = JSON.parse(r.body) as EntryBody;
      if (++done % 500 === 0) this.progress({ phase: 'receipts', done, total });
      const schedule = b.schedule ?? (b.ndc ? (schedules.get(b.ndc) ?? null) : null);
      if (!schedule || !b.ndc) continue;
      const d = b.data as Record<string, unknown>;
      const supplier = (isObject(d.supplier) ? d.supplier : {}) as Record<string, unknown>;
      const order = isObject(d.order_form) ? (d.order_form as Record<string, unknown>) : null;
      const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
      const int = (v: unknown) => (typeof v === 'number' ? v : null);
      const dateReceived = str(d.date_received) ?? this.local(b.event_time).slice(0, 10);
      const supplierName = str(supplier.name);
      const supplierAddress = str(supplier.address);
      const supplierDea = str(supplier.dea_number);
      if (!supplierName || !supplierAddress || !supplierDea) noSupplier++;
      const orderText = order && str(order.number) ? `${order.kind === 'CSOS' ? 'CSOS' : 'DEA Form 222'} ${String(order.number)}` : null;
      if (schedule === 'CII' && !orderText) noOrder++;
      const groupTitle = `Received ${dateReceived} from ${supplierName ?? '(supplier not recorded)'}${supplierDea ? ` (DEA ${supplierDea})` : ''}${orderText ? ` — ${orderText}` : ''}${str(d.po_number) ? ` — PO ${String(d.po_number)}` : ''}`;
      if (groupTitle !== lastGroup) {
        sink.group(groupTitle);
        lastGroup = groupTitle;
      }
      const product = this.product(b.ndc);
      const u = unitsOfEntry(b, (n) => this.units.of(n));
      const perContainer = u.units_per_container ?? int(d.units_per_container);
      // Version 0.1 recorded the containers themselves as the quantity of these receipts.
      const containers = int(d.cii_containers_received) ?? int(d.containers) ?? (u.legacy ? b.quantity : perContainer && b.quantity % perContainer === 0 ? b.quantity / perContainer : null);
      this.lines++;
      sink.row([
        dateReceived,
        schedule,
        b.ndc,
        product?.name ?? str(d.name) ?? '(not in the drug catalog)',
        product?.strength ?? null,
        product?.dosage_form ?? null,
        b.lot,
        b.expiry,
        containers,
        perContainer,
        u.quantity,
        u.unit,
        supplierName,
        supplierAddress,
        supplierDea,
        orderText,
        int(d.line_no),
        str(d.po_number),
        this.who(b.actor),
        `${r.device_id}#${r.seq}`,
      ]);
    }
    sink = out;
    if (this.lines === 0) notice(`No controlled substance was received between ${p.fromDate ?? 'the first entry'} and ${p.toDate}.`);
    if (noSupplier) {
      notice(
        `${noSupplier} receipt line(s) carry no supplier name, address or DEA number: they were recorded from a source that did not give them (e.g. an NDJSON or EDI import, not the Receiving screen). ` +
          'Those cells are blank: keep the supplier invoice or packing slip with this record.',
      );
    }
    if (noOrder) notice(`${noOrder} Schedule II receipt line(s) are not linked to a DEA Form 222 or CSOS order number: keep the order form copy with this record.`);
    table.replay(out);
  }

  // ---------------------------------------------------------------- Form 106 draft

  form106(sink: ReportSink, notice: (t: string) => void): void {
    const p = this.period;
    const columns: ReportColumn[] = [
      { key: 'ndc', label: 'NDC', width: 9 },
      { key: 'name', label: 'Name', width: 14 },
      { key: 'strength', label: 'Strength', width: 8 },
      { key: 'dosage_form', label: 'Dosage form', width: 7 },
      { key: 'schedule', label: 'Sched.', width: 4 },
      { key: 'lot', label: 'Lot', width: 5 },
      { key: 'quantity_lost', label: 'Units lost', width: 4, align: 'right' },
      { key: 'unit', label: 'Unit', width: 5 },
      { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
      { key: 'discovered_at', label: 'Loss discovered', width: 10 },
      { key: 'signed_at', label: 'Adjustment signed', width: 10 },
      { key: 'hold_id', label: 'Hold', width: 6 },
      { key: 'count_id', label: 'Count', width: 6 },
      { key: 'signatures', label: 'Signatures', width: 22 },
      { key: 'entry', label: 'Entry', width: 8, pdfShort: 'entry' },
    ];
    this.header(sink, 'form106', columns, [
      ['Period', `losses discovered ${this.periodText()}`],
      ['Status', 'DRAFT — not filed. File DEA Form 106 online (DEA Diversion Control Division) within 45 days of discovery'],
    ]);
    notice('DRAFT for DEA Form 106. Notify the DEA Field Division Office in writing within one business day of discovering a theft or significant loss (21 CFR 1301.76(b)), then file Form 106 online.');
    const from = p.fromUtc ?? '';
    const lines = form106Candidates(this.db, this.ctx.facilityId).filter((l) => l.discovered_at >= from && l.discovered_at <= p.toUtc);
    for (const l of lines) {
      const product = this.product(l.ndc);
      const text = l.signatures.map((s, i) => manifestationText(s, i === 0 ? 'theft_or_loss' : null));
      this.lines++;
      sink.row([
        l.ndc,
        product?.name ?? '(not in the drug catalog)',
        product?.strength ?? null,
        product?.dosage_form ?? null,
        l.schedule,
        l.lot,
        l.quantity_lost,
        product?.package_unit ?? null,
        product?.package_size ?? null,
        this.local(l.discovered_at),
        this.local(l.signed_at),
        l.hold_id,
        l.count_id,
        text.join(' | '),
        `${l.entry.device_id}#${l.entry.seq}`,
      ]);
      for (const t of text) sink.signature(`${l.ndc}${l.lot ? ` lot ${l.lot}` : ''}: ${t}`);
    }
    if (lines.length === 0) notice(`No signed theft-or-loss adjustment was discovered between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: there is nothing to report on Form 106 for this period.`);
  }

  // ---------------------------------------------------------------- audit trail

  audit(sink: ReportSink, notice: (t: string) => void): void {
    const p = this.period;
    const columns: ReportColumn[] = [
      { key: 'id', label: 'No.', width: 3, align: 'right' },
      { key: 'at', label: 'When', width: 10 },
      { key: 'category', label: 'Category', width: 6 },
      { key: 'action', label: 'Action', width: 9 },
      { key: 'actor', label: 'Who', width: 10 },
      { key: 'target', label: 'Target', width: 9 },
      { key: 'details', label: 'Details', width: 30 },
      { key: 'hash', label: 'Record hash', width: 8, pdfShort: 'hash' },
    ];
    this.header(sink, 'audit', columns, [
      ['Period', this.periodText()],
      ['Covers', 'sign-ins and sign-outs, lockouts, password and user changes, e-signatures, exports, quarantine decisions, counts, holds, receiving, settings'],
    ]);
    const sigText = this.db.prepare<[string, string], { printed_name: string; role: string; meaning: string; reason: string | null; signed_at: string; time_zone: string; signer_id: string }>(
      'SELECT signer_id, printed_name, role, meaning, reason, signed_at, time_zone FROM entry_signatures WHERE entry_hash = ? AND signer_id = ?',
    );
    const total = this.db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE at >= ? AND at <= ?').get(p.fromUtc ?? '', p.toUtc)!.n;
    let done = 0;
    for (const r of this.db
      .prepare<[string, string], { id: number; at: string; actor: string; action: string; target: string | null; details: string; hash: string }>(
        'SELECT id, at, actor, action, target, details, hash FROM audit_log WHERE at >= ? AND at <= ? ORDER BY id',
      )
      .iterate(p.fromUtc ?? '', p.toUtc)) {
      let details = r.details === '{}' ? '' : r.details;
      if (r.action === 'SIGNATURE_APPLIED') {
        const d = JSON.parse(r.details) as { entry_hash?: string };
        const s = d.entry_hash ? sigText.get(d.entry_hash, r.actor) : undefined;
        if (s) details = `${manifestationText({ ...s, user_id: s.signer_id, role: s.role as 'signer', meaning: s.meaning as 'approval' }, (s.reason as ReasonCode | null) ?? null)} — ${details}`;
      }
      this.lines++;
      sink.row([r.id, this.local(r.at), auditCategoryOf(r.action), r.action, this.who(r.actor), r.target, details, r.hash]);
      if (++done % 1000 === 0) this.progress({ phase: 'audit', done, total });
    }
    if (this.lines === 0) notice(`No audit record between ${p.fromDate ?? 'the first record'} and ${p.toDate}.`);
    const check = new AuditTrail(this.db).verify();
    this.footerNotes.push(check.ok ? `audit chain checked: ${check.checked} record(s), every hash holds` : `AUDIT CHAIN BROKEN at record ${check.firstBadId}: records were changed or removed`);
    if (!check.ok) notice(`The audit trail's hash chain does not hold at record ${check.firstBadId}: records were changed or removed outside RxLedger.`);
  }
}

/** Holds table rows until the notices above them are known. */
class BufferedTable implements ReportSink {
  private readonly ops: ((s: ReportSink) => void)[] = [];
  begin(): void {}
  end(): void {}
  notice(text: string): void {
    this.ops.push((s) => s.notice(text));
  }
  group(title: string): void {
    this.ops.push((s) => s.group(title));
  }
  row(cells: CsvCell[], kind?: RowKind): void {
    this.ops.push((s) => s.row(cells, kind));
  }
  signature(text: string): void {
    this.ops.push((s) => s.signature(text));
  }
  replay(into: ReportSink): void {
    for (const op of this.ops) op(into);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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


/** The "details" cell of a CII log line: what a reader needs to tie the line to its paper. */
