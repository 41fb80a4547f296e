import type { Schedule } from '../../shared/domain/schedule';
import type { ResolvedPeriod } from '../../shared/reports/period';
import { countsWindow } from '../../shared/reports/biennial';
import type { CountRow } from '../../shared/reports/inventory-at';
import { ReportReader, sortHeads, type CiiLogRow, type EntryListType, type EntryRow, type HoldEvent, type OpenCount, type Progress, type ReportContext, type ReportProduct } from '../../shared/reports/reader';
import type { LedgerHead, ReportRequest } from '../../shared/reports/types';
import type { PackageUnits } from '../../shared/units';
import type { Sql } from '../db/pg-adapter';
import { centralCatalog, centralUserNames, type CentralProduct } from './central-catalog';
import { LoadedInventory, lotBalancesFromDb } from './server-inventory';

/**
 * The report reader at the central server, over the facility's synced entries. The shared
 * reports read synchronously (the workstation's SQLite is synchronous); PostgreSQL is not, so
 * `load` reads, in one snapshot, exactly what the asked-for report will ask for, and the reader
 * answers from memory. A question `load` did not prepare for throws rather than answer wrong.
 *
 * Text columns are compared and ordered with COLLATE "C" (byte order), as SQLite does, so the
 * lines come out in the workstation's order whatever the database's collation.
 */
export class ServerReader extends ReportReader {
  private headList: LedgerHead[] = [];
  private catalog = new Map<string, CentralProduct>();
  private names = new Map<string, string>();
  private scheduleOf = new Map<string, Schedule>();
  private readonly balances = new Map<string, Map<string, number>>();
  private readonly ciiRows = new Map<string, CiiLogRow[]>();
  private readonly lists = new Map<EntryListType, EntryRow[]>();
  private receiptsAll = 0;
  private adjustments: { from: string; to: string; rows: (EntryRow & { kind: string | null })[] } | null = null;
  private form106: EntryRow[] | null = null;
  private readonly holdCountTimes = new Map<string, string | null>();
  private inventory: LoadedInventory | null = null;
  private initial: EntryRow[] | null = null;
  readonly units = { of: (ndc: string): PackageUnits | null => this.catalog.get(ndc)?.units ?? null };

  /** `at`: the biennial's inventory instant (inventoryInstant), which decides what it reads. */
  static async load(db: Sql, ctx: ReportContext, period: ResolvedPeriod, req: ReportRequest, at: string | null = null, progress: (p: Progress) => void = () => {}): Promise<ServerReader> {
    const r = new ServerReader(ctx, period, progress, req.schedules ?? 'all');
    const f = ctx.facilityId;
    r.catalog = await centralCatalog(db, f);
    r.names = await centralUserNames(db, f);
    r.headList = sortHeads(
      (
        await db.query<{ device_id: string; seq: number; hash: string }>(
          'SELECT device_id, head_seq AS seq, head_hash AS hash FROM devices WHERE facility_id = $1 AND (head_seq > 0 OR device_id = $2)',
          [f, ctx.localDeviceId],
        )
      ).rows.map((h) => ({ device_id: h.device_id, seq: Number(h.seq), hash: h.hash, local: h.device_id === ctx.localDeviceId })),
    );
    for (const s of (
      await db.query<{ ndc: string; schedule: string | null }>(
        `SELECT ndc, MAX((body::jsonb ->> 'schedule') COLLATE "C") AS schedule FROM entries WHERE facility_id = $1 AND ndc IS NOT NULL GROUP BY ndc`,
        [f],
      )
    ).rows) {
      const sched = (s.schedule as Schedule | null) ?? r.product(s.ndc)?.schedule ?? null;
      if (sched) r.scheduleOf.set(s.ndc, sched);
    }
    const from = period.fromUtc ?? '';
    if (req.kind === 'cii-log') {
      const only = req.ndcs ?? null;
      for (const [ndc, s] of r.scheduleOf) {
        if (s !== 'CII' || (only && !only.includes(ndc))) continue;
        if (period.fromUtc) r.balances.set(balanceKey(ndc, period.fromUtc, false), await lotBalancesFromDb(db, f, ndc, period.fromUtc, false, r.units.of));
        r.ciiRows.set(
          ndc,
          (
            await db.query<Record<string, unknown>>(
              `SELECT device_id, seq, hash, delta, type, recorded_at, event_time, lot, body::jsonb ->> 'actor' AS actor, (body::jsonb ->> 'quantity')::bigint AS quantity,
                      CASE WHEN type <> 'DISPENSE' THEN body END AS body,
                      CASE WHEN type = 'DISPENSE' THEN body::jsonb -> 'data' ->> 'pos_transaction_id' END AS pos,
                      CASE WHEN type = 'DISPENSE' THEN body::jsonb -> 'data' ->> 'patient_token' END AS patient,
                      CASE WHEN type = 'DISPENSE' THEN body::jsonb -> 'data' -> 'prescription' ->> 'number' END AS rx
                 FROM entries
                WHERE facility_id = $1 AND ndc = $2 AND event_time COLLATE "C" >= $3 AND event_time COLLATE "C" <= $4
                ORDER BY event_time COLLATE "C", recorded_at COLLATE "C", device_id COLLATE "C", seq`,
              [f, ndc, from, period.toUtc],
            )
          ).rows.map((x) => [
            x.device_id as string,
            Number(x.seq),
            x.hash as string,
            Number(x.delta),
            x.type as string,
            x.recorded_at as string,
            x.event_time as string,
            x.lot as string | null,
            x.actor as string,
            Number(x.quantity),
            x.body as string | null,
            x.pos as string | null,
            x.patient as string | null,
            x.rx as string | null,
          ]),
        );
      }
    }
    const listed: EntryListType | null = req.kind === 'receipts' ? 'RECEIPT' : req.kind === 'dispensing' ? 'DISPENSE' : null;
    if (listed === 'RECEIPT') {
      r.receiptsAll = Number((await db.query<{ n: number }>("SELECT COUNT(*)::bigint AS n FROM entries WHERE type = 'RECEIPT' AND facility_id = $1", [f])).rows[0]?.n ?? 0);
    }
    if (listed) {
      r.lists.set(
        listed,
        (
          await db.query<EntryRow>(
            `SELECT device_id, seq, hash, body FROM entries
              WHERE type = $1 AND facility_id = $2 AND event_time COLLATE "C" >= $3 AND event_time COLLATE "C" <= $4
              ORDER BY event_time COLLATE "C", device_id COLLATE "C", seq`,
            [listed, f, from, period.toUtc],
          )
        ).rows.map((x) => ({ ...x, seq: Number(x.seq) })),
      );
    }
    if (req.kind === 'form41' || req.kind === 'returns') {
      // Every adjustment of the period: Form 41 and the returns record each pick their kinds.
      const rows = (
        await db.query<EntryRow & { kind: string | null }>(
          `SELECT device_id, seq, hash, body, CASE WHEN jsonb_typeof(body::jsonb -> 'data' -> 'kind') = 'string' THEN body::jsonb -> 'data' ->> 'kind' END AS kind
             FROM entries
            WHERE type = 'ADJUSTMENT' AND facility_id = $1 AND event_time COLLATE "C" >= $2 AND event_time COLLATE "C" <= $3
            ORDER BY event_time COLLATE "C", device_id COLLATE "C", seq`,
          [f, from, period.toUtc],
        )
      ).rows.map((x) => ({ ...x, seq: Number(x.seq) }));
      r.adjustments = { from, to: period.toUtc, rows };
    }
    if (req.kind === 'form106') await ServerReader.loadForm106(db, r);
    if (req.kind === 'biennial') {
      if (!at) throw new Error('the biennial inventory needs its inventory instant');
      const ndcs = [...r.scheduleOf].filter(([, s]) => r.wants(s)).map(([ndc]) => ndc);
      r.inventory = await LoadedInventory.load(db, f, ndcs, at, countsWindow(period, at), r.units.of);
    }
    if (req.kind === 'initial') {
      r.initial = (
        await db.query<EntryRow>(
          `SELECT device_id, seq, hash, body FROM entries WHERE type = 'INITIAL_INVENTORY' AND facility_id = $1
            ORDER BY event_time COLLATE "C", device_id COLLATE "C", seq`,
          [f],
        )
      ).rows.map((x) => ({ ...x, seq: Number(x.seq) }));
    }
    return r;
  }

  heads(): LedgerHead[] {
    return this.headList;
  }
  product(ndc: string): ReportProduct | null {
    return this.catalog.get(ndc)?.product ?? null;
  }
  protected userName(userId: string): string | null {
    return this.names.get(userId) ?? null;
  }
  /** Count sessions live on a workstation until submitted; the ledger the server holds has none. */
  protected openCountSessions(): OpenCount[] {
    return [];
  }
  scheduleMap(): Map<string, Schedule> {
    return new Map(this.scheduleOf);
  }
  lotBalances(ndc: string, at: string, inclusive: boolean): Map<string, number> {
    const b = this.balances.get(balanceKey(ndc, at, inclusive));
    if (!b) throw new Error(`the central server's report reader did not load the balance of ${ndc} at ${at}`);
    return new Map(b);
  }
  ciiLogCount(ndc: string): number {
    return this.loadedRows(ndc).length;
  }
  ciiLogRows(ndc: string): Iterable<CiiLogRow> {
    return this.loadedRows(ndc);
  }
  receiptCount(): number {
    return this.receiptsAll;
  }
  entriesOfType(type: EntryListType): Iterable<EntryRow> {
    const rows = this.lists.get(type);
    if (!rows) throw new Error(`the central server's report reader did not load the ${type} entries`);
    return rows;
  }

  adjustmentsOfKinds(kinds: readonly string[], from: string, to: string): Iterable<EntryRow> {
    const a = this.adjustments;
    if (!a || a.from !== from || a.to !== to) throw new Error(`the central server's report reader did not load the adjustments from ${from} to ${to}`);
    return a.rows.filter((a) => a.kind !== null && kinds.includes(a.kind)).map(({ kind: _kind, ...row }) => row);
  }
  form106Adjustments(): Iterable<EntryRow> {
    if (!this.form106) throw new Error("the central server's report reader did not load the Form 106 adjustments");
    return this.form106;
  }
  holdCountTime(holdId: string): string | null {
    if (!this.holdCountTimes.has(holdId)) throw new Error(`the central server's report reader did not load hold ${holdId}`);
    return this.holdCountTimes.get(holdId)!;
  }

  hasEntriesBy(ndc: string, at: string): boolean {
    return this.loadedInventory().hasEntriesBy(ndc, at);
  }
  bookAt(ndc: string, at: string): Map<string, number> {
    return this.loadedInventory().bookAt(ndc, at);
  }
  countEntries(ndc: string, from: string, at: string): CountRow[] {
    return this.loadedInventory().countEntries(ndc, from, at);
  }
  movementEntries(ndc: string, after: string, at: string): EntryRow[] {
    return this.loadedInventory().movementEntries(ndc, after, at);
  }
  expiriesAt(at: string): Map<string, string> {
    const inv = this.loadedInventory();
    if (at !== inv.at) throw new Error(`the central server's report reader loaded the expiries at ${inv.at}, not at ${at}`);
    return new Map(inv.expiries);
  }
  protected holdEvents(at: string): Iterable<HoldEvent> {
    const inv = this.loadedInventory();
    if (at !== inv.at) throw new Error(`the central server's report reader loaded the holds at ${inv.at}, not at ${at}`);
    return inv.holds;
  }
  initialInventoryEntries(): Iterable<EntryRow> {
    if (!this.initial) throw new Error("the central server's report reader did not load the initial inventory");
    return this.initial;
  }
  private loadedInventory(): LoadedInventory {
    if (!this.inventory) throw new Error("the central server's report reader did not load the inventory");
    return this.inventory;
  }

  /** Form 106: every signed theft-or-loss adjustment, and the count time of each hold they resolve. */
  static async loadForm106(db: Sql, r: ServerReader): Promise<void> {
    r.form106 = (
      await db.query<EntryRow>(
        `SELECT device_id, seq, hash, body FROM entries
          WHERE type = 'ADJUSTMENT' AND facility_id = $1 AND (body::jsonb -> 'data' -> 'form_106') IN ('true'::jsonb, '1'::jsonb)
          ORDER BY event_time COLLATE "C", device_id COLLATE "C", seq`,
        [r.ctx.facilityId],
      )
    ).rows.map((x) => ({ ...x, seq: Number(x.seq) }));
    const holds = new Set<string>();
    for (const a of r.form106) {
      const id = (JSON.parse(a.body) as { data?: { hold_id?: unknown } }).data?.hold_id;
      if (typeof id === 'string') holds.add(id);
    }
    for (const id of holds) r.holdCountTimes.set(id, null);
    if (holds.size === 0) return;
    // The workstation reads the hold's latest HOLD_PLACED (holds.ts getHold); a hold is placed once.
    for (const h of (
      await db.query<{ hold_id: string; count_time: string | null }>(
        `SELECT DISTINCT ON (hold_id) hold_id, count_time FROM (
           SELECT body::jsonb -> 'data' ->> 'hold_id' AS hold_id,
                  CASE WHEN jsonb_typeof(body::jsonb -> 'data' -> 'count_time') = 'string' THEN body::jsonb -> 'data' ->> 'count_time' END AS count_time,
                  event_time
             FROM entries WHERE type = 'HOLD_PLACED' AND facility_id = $1) p
          WHERE hold_id IN (SELECT jsonb_array_elements_text($2::jsonb))
          ORDER BY hold_id, event_time COLLATE "C" DESC`,
        [r.ctx.facilityId, JSON.stringify([...holds])],
      )
    ).rows) {
      r.holdCountTimes.set(h.hold_id, h.count_time);
    }
  }

  private loadedRows(ndc: string): CiiLogRow[] {
    const rows = this.ciiRows.get(ndc);
    if (!rows) throw new Error(`the central server's report reader did not load the entries of ${ndc}`);
    return rows;
  }
}

const balanceKey = (ndc: string, at: string, inclusive: boolean) => `${ndc}|${at}|${inclusive ? 1 : 0}`;
