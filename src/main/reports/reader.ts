import type { Schedule } from '../../shared/domain/schedule';
import type { ResolvedPeriod } from '../../shared/reports/period';
import type { CountRow } from '../../shared/reports/inventory-at';
import { ReportReader, sortHeads, type CiiLogRow, type EntryListType, type EntryRow, type HoldEvent, type OpenCount, type Progress, type ReportContext } from '../../shared/reports/reader';
import type { LedgerHead, ReportSchedules } from '../../shared/reports/types';
import { CatalogStore, type CatalogEntry } from '../catalog/store';
import { PackageUnitsLookup } from '../catalog/package-units';
import type { Db } from '../db/open';
import { getHold } from '../holds/holds';
import { GENESIS_PREV_HASH } from '../ledger/hash';
import { legacyContainerEntries } from '../ledger/legacy-basis';
import { SqliteInventorySource } from './inventory-at';

/**
 * The workstation's report reader: the shared ReportReader (src/shared/reports/reader.ts) over
 * this database, inside the report's read transaction (compute.ts opens it), with the catalog
 * and package units. Every DEA report is a module of src/shared/reports/ that reads only
 * through these methods, so the central server runs the same code over its own reader; the
 * audit trail (audit-report.ts) still reads `db` here, since the audit log is not synced.
 */
export {
  ENTRY_COLUMNS,
  entryCells,
  ReportInputError,
  SCHEDULE_LABEL,
  SCHEDULE_ORDER,
  type EntryRow,
  type Progress,
  type ReportContext,
} from '../../shared/reports/reader';

export class Reader extends ReportReader {
  private readonly catalog: CatalogStore | null;
  private readonly catalogCache = new Map<string, CatalogEntry | null>();
  private readonly userNames: Map<string, string>;
  readonly units: PackageUnitsLookup;
  private readonly inventory: SqliteInventorySource;

  constructor(
    readonly db: Db,
    ctx: ReportContext,
    period: ResolvedPeriod,
    progress: (p: Progress) => void,
    schedules: ReportSchedules = 'all',
  ) {
    super(ctx, period, progress, schedules);
    let catalog: CatalogStore | null = null;
    try {
      catalog = new CatalogStore(db);
    } catch {
      catalog = null;
    }
    this.catalog = catalog;
    this.units = new PackageUnitsLookup(db);
    this.inventory = new SqliteInventorySource(db, ctx.facilityId, (n) => this.units.of(n));
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
    return sortHeads(heads);
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

  protected userName(userId: string): string | null {
    return this.userNames.get(userId) ?? null;
  }

  protected openCountSessions(): OpenCount[] {
    return this.db
      .prepare<[string], OpenCount>("SELECT count_id, scope, created_by, created_at FROM count_sessions WHERE status = 'open' AND facility_id = ? ORDER BY created_at")
      .all(this.ctx.facilityId);
  }

  ciiLogCount(ndc: string, from: string, to: string): number {
    return this.db
      .prepare<[string, string, string, string], { n: number }>('SELECT COUNT(*) AS n FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND event_time >= ? AND event_time <= ?')
      .get(this.ctx.facilityId, ndc, from, to)!.n;
  }

  ciiLogRows(ndc: string, from: string, to: string): Iterable<CiiLogRow> {
    // Only what each line prints is taken out of the body, by SQLite; a dispense (most lines)
    // never has its body parsed in JavaScript.
    return this.db
      .prepare<[string, string, string, string], CiiLogRow>(
        `SELECT device_id, seq, hash, delta, type, recorded_at, event_time, lot, json_extract(body, '$.actor'), json_extract(body, '$.quantity'),
                CASE WHEN type <> 'DISPENSE' THEN body END,
                CASE WHEN type = 'DISPENSE' THEN json_extract(body, '$.data.pos_transaction_id') END,
                CASE WHEN type = 'DISPENSE' THEN json_extract(body, '$.data.patient_token') END,
                CASE WHEN type = 'DISPENSE' THEN json_extract(body, '$.data.prescription.number') END
           FROM ledger_entries
          WHERE facility_id = ? AND ndc = ? AND event_time >= ? AND event_time <= ?
          ORDER BY event_time, recorded_at, device_id, seq`,
      )
      .raw(true)
      .iterate(this.ctx.facilityId, ndc, from, to);
  }

  receiptCount(): number {
    return this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM ledger_entries WHERE type = 'RECEIPT' AND facility_id = ?").get(this.ctx.facilityId)!.n;
  }

  entriesOfType(type: EntryListType, from: string, to: string): Iterable<EntryRow> {
    return this.db
      .prepare<[string, string, string, string], EntryRow>(
        'SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = ? AND facility_id = ? AND event_time >= ? AND event_time <= ? ORDER BY event_time, device_id, seq',
      )
      .iterate(type, this.ctx.facilityId, from, to);
  }

  adjustmentsOfKinds(kinds: readonly string[], from: string, to: string): Iterable<EntryRow> {
    return this.db
      .prepare<[string, string, string, string], EntryRow>(
        `SELECT device_id, seq, hash, body FROM ledger_entries
          WHERE type = 'ADJUSTMENT' AND facility_id = ? AND event_time >= ? AND event_time <= ?
            AND json_extract(body, '$.data.kind') IN (SELECT value FROM json_each(?))
          ORDER BY event_time, device_id, seq`,
      )
      .all(this.ctx.facilityId, from, to, JSON.stringify(kinds));
  }

  form106Adjustments(): Iterable<EntryRow> {
    // A JSON true reads as 1 through json_extract.
    return this.db
      .prepare<[string], EntryRow>(
        "SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'ADJUSTMENT' AND facility_id = ? AND json_extract(body, '$.data.form_106') = 1 ORDER BY event_time, device_id, seq",
      )
      .all(this.ctx.facilityId);
  }

  holdCountTime(holdId: string): string | null {
    return getHold(this.db, holdId)?.count_time ?? null;
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

  hasEntriesBy(ndc: string, at: string): boolean {
    return this.db.prepare<[string, string, string], { x: number }>('SELECT 1 AS x FROM ledger_entries WHERE ndc = ? AND event_time <= ? AND facility_id = ? LIMIT 1').get(ndc, at, this.ctx.facilityId) !== undefined;
  }

  bookAt(ndc: string, at: string): Map<string, number> {
    return this.inventory.bookAt(ndc, at);
  }

  countEntries(ndc: string, from: string, at: string): CountRow[] {
    return this.inventory.countEntries(ndc, from, at);
  }

  movementEntries(ndc: string, after: string, at: string): EntryRow[] {
    return this.inventory.movementEntries(ndc, after, at);
  }

  expiriesAt(at: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.db
      .prepare<[string, string], { ndc: string; lot: string; expiry: string | null }>(
        "SELECT ndc, COALESCE(lot, '') AS lot, MAX(json_extract(body, '$.expiry')) AS expiry FROM ledger_entries WHERE type IN ('RECEIPT', 'INITIAL_INVENTORY') AND facility_id = ? AND event_time <= ? GROUP BY ndc, COALESCE(lot, '')",
      )
      .iterate(this.ctx.facilityId, at)) {
      if (r.expiry) out.set(`${r.ndc}|${r.lot}`, r.expiry);
    }
    return out;
  }

  protected holdEvents(at: string): Iterable<HoldEvent> {
    return this.db
      .prepare<[string, string], HoldEvent>(
        "SELECT type, ndc, lot, json_extract(body, '$.data.hold_id') AS hold_id FROM ledger_entries WHERE type IN ('HOLD_PLACED', 'HOLD_RELEASED') AND facility_id = ? AND event_time <= ? ORDER BY event_time, device_id, seq",
      )
      .iterate(this.ctx.facilityId, at);
  }

  initialInventoryEntries(): Iterable<EntryRow> {
    return this.db
      .prepare<[string], EntryRow>("SELECT device_id, seq, hash, body FROM ledger_entries WHERE type = 'INITIAL_INVENTORY' AND facility_id = ? ORDER BY event_time, device_id, seq")
      .all(this.ctx.facilityId);
  }
}
