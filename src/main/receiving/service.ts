import { createHash, randomUUID } from 'node:crypto';
import type { Schedule } from '../../shared/domain/schedule';
import { decodeScan, ndcFromGtin, type ScanResult } from '../../shared/identifiers';
import { RxError } from '../../shared/errors/error-codes';
import type { CommitSummary, ReceivingLineView, ReceivingSessionView, ScanFeedEvent } from '../../shared/ipc/receiving-channels';
import { acceptedMessage, lineState, matchUnit, toneOf, VERDICTS, type Flag, type MatchLine, type Tone, type UnitIn, type Verdict } from '../../shared/receiving/match';
import { parseUnitKey, ssccKey, unitKey, type ExpectedShipment, type OrderForm, type Supplier } from '../../shared/receiving/types';
import { scanText, type ScanEvent } from '../../shared/scan/types';
import type { ScanRouter, UnroutedScan } from '../scanners';
import type { Workstation } from '../workstation';
import { catalogFromTables, type ReceivingCatalog } from './catalog';
import { PackageSizeError, PackageUnitsLookup } from '../catalog/package-units';
import { reprojectLegacyNdcs } from '../ledger/stock';
import { commitSession } from './commit';

export const DEFAULT_SHORT_DATED_DAYS = 90;
const SHORT_DATED_SETTING = 'receiving.short_dated_days';
const ACTIVE_SETTING = 'receiving.active_session';
const FEED_LIMIT = 200;

export interface ScannerStatusView {
  usbAvailable: boolean;
  message: string | null;
  scanners: { id: string; name: string; state: string; error: string | null }[];
}

export interface ReceivingServiceOptions {
  router: ScanRouter;
  catalog?: ReceivingCatalog;
  scannerStatus?: () => ScannerStatusView;
  /** Stops what the service started (the USB scanner manager). */
  onStop?: () => Promise<void>;
  log?: (message: string) => void;
}

export interface SessionRow {
  id: string;
  shipment_id: number;
  status: 'open' | 'committed' | 'cancelled';
  supplier_name: string | null;
  supplier_address: string | null;
  supplier_dea: string | null;
  po_number: string | null;
  order_form_kind: '222' | 'CSOS' | null;
  order_form_number: string | null;
  ship_date: string | null;
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
  commit_summary: string | null;
}

export interface LineRow {
  id: number;
  session_id: string;
  line_no: number;
  origin: 'expected' | 'unexpected';
  ndc: string | null;
  gtin: string | null;
  name: string | null;
  schedule: Schedule | null;
  schedule_known: number;
  expected: number;
  units_per_container: number | null;
  unit: string | null;
  /** "catalog", "entered by USER", or null while unknown. */
  units_source: string | null;
  lot: string | null;
  expiry: string | null;
  serials: string;
}

export interface UnitRow {
  id: number;
  session_id: string;
  line_id: number | null;
  scan_id: number;
  status: 'accepted' | 'suspect' | 'rejected';
  verdict: string;
  gtin: string | null;
  ndc: string | null;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  containers: number;
  flags: string;
}

interface ScanRowIn {
  scan: ScanEvent;
  sessionId: string | null;
  verdict: Verdict;
  message: string;
  lineId?: number | null;
  quarantineId?: number | null;
  units?: number;
  decoded?: ScanResult | null;
  tone?: Tone;
}

/** Outcome of one unit (a scan of a unit, or one child of a case). */
interface UnitOutcome {
  verdict: Verdict;
  message: string;
  lineId: number | null;
  quarantineId: number | null;
  added: number;
  skipped?: boolean;
}

interface WorkLine extends MatchLine {
  row: LineRow;
}

const TONE_RANK: Record<Tone, number> = { info: 0, good: 1, warn: 2, bad: 3 };

/**
 * Receiving: sessions opened from an expected shipment, every scan matched and classified as
 * it arrives (and written at once, so a crash or reload loses nothing), the scan feed for the
 * screen (long poll), and the commit to the ledger. One per workstation; built by
 * startReceivingService (scan-intake.ts).
 */
export class ReceivingService {
  readonly catalog: ReceivingCatalog;
  private readonly waiters = new Set<() => void>();
  private activeId: string | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    readonly ws: Workstation,
    private readonly opts: ReceivingServiceOptions,
  ) {
    this.catalog = opts.catalog ?? catalogFromTables(ws.db);
    const saved = ws.setting(ACTIVE_SETTING);
    if (saved && this.sessionRow(saved)?.status === 'open') this.activeId = saved;
    const router = opts.router;
    this.unsubscribe.push(router.register('receiving', (scan) => this.handleScan(scan)));
    this.unsubscribe.push(router.onUnrouted((u) => this.logUnrouted(u)));
    this.unsubscribe.push(
      router.onDuplicate((scan) => {
        if (router.activeWorkflow === null || router.activeWorkflow === 'receiving') {
          this.writeScanRow({ scan, sessionId: this.activeId, verdict: 'repeat', message: 'The same code was read twice in a row: counted once.' });
          this.notify();
        }
      }),
    );
    if (this.activeId) router.setActiveWorkflow('receiving');
  }

  get router(): ScanRouter {
    return this.opts.router;
  }

  // ---------- policy ----------

  get shortDatedDays(): number {
    const v = Number(this.ws.setting(SHORT_DATED_SETTING));
    return Number.isInteger(v) && v >= 0 && this.ws.setting(SHORT_DATED_SETTING) !== null ? v : DEFAULT_SHORT_DATED_DAYS;
  }

  setShortDatedDays(days: number, actor: string): number {
    this.ws.setSetting(SHORT_DATED_SETTING, String(days));
    this.ws.audit.record({ actor, action: 'RECEIVING_POLICY_CHANGED', details: { short_dated_days: days } });
    return days;
  }

  scannerStatus(): ScannerStatusView {
    return this.opts.scannerStatus?.() ?? { usbAvailable: false, message: 'USB scanners are not started on this host; use the keyboard wedge.', scanners: [] };
  }

  private today(): string {
    return this.ws.clock.now().toISOString().slice(0, 10);
  }

  // ---------- sessions ----------

  sessionRow(id: string): SessionRow | undefined {
    return this.ws.db.prepare<[string], SessionRow>('SELECT * FROM receiving_sessions WHERE id = ?').get(id);
  }

  private mustSession(id: string): SessionRow {
    const s = this.sessionRow(id);
    if (!s) throw new RxError('NOT_FOUND', `No receiving session ${id}.`);
    return s;
  }

  lines(sessionId: string): LineRow[] {
    return this.ws.db.prepare<[string], LineRow>('SELECT * FROM receiving_lines WHERE session_id = ? ORDER BY line_no').all(sessionId);
  }

  units(sessionId: string): UnitRow[] {
    return this.ws.db.prepare<[string], UnitRow>('SELECT * FROM receiving_units WHERE session_id = ? ORDER BY id').all(sessionId);
  }

  /** Opens a session from an expected shipment and makes it the one scans go to. */
  startSession(shipment: ExpectedShipment, raw: Buffer, actor: string): string {
    if (!shipment.lines.length) throw new RxError('BAD_INPUT', 'The shipment lists no lines to receive.');
    const id = randomUUID();
    const now = this.ws.clock.now().toISOString();
    const db = this.ws.db;
    const warnings = [...(shipment.warnings ?? [])];
    const sizeProblems: string[] = [];
    const prepared = shipment.lines.map((l) => {
      let ndc = l.ndc;
      if (!ndc && l.ndc10Candidates.length) {
        const known = l.ndc10Candidates.filter((c) => this.catalog.isKnownNdc(c));
        if (known.length === 1) ndc = known[0]!;
      }
      const cat = ndc ? this.catalog.lookup(ndc) : null;
      const size = lineUnits(l.unitsPerContainer ?? null, cat, shipment.kind === 'manual', actor);
      const where = `line ${l.lineNo} (${ndc ?? l.gtin ?? 'no NDC'})`;
      if ('problem' in size) sizeProblems.push(`${where}: ${size.problem}`);
      else if (size.warning) warnings.push(`${where}: ${size.warning}`);
      return { l, ndc, cat, size };
    });
    if (sizeProblems.length) throw new RxError('BAD_INPUT', `Not started — ${sizeProblems.join(' · ')}`);
    const stored = warnings.length === (shipment.warnings ?? []).length ? shipment : { ...shipment, warnings };
    db.transaction(() => {
      const sha = createHash('sha256').update(raw).digest('hex');
      const shipmentId = Number(
        db
          .prepare(
            'INSERT INTO receiving_shipments (kind, file_name, document_id, sha256, raw, parsed, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(shipment.kind, shipment.fileName, shipment.documentId, sha, raw, JSON.stringify(stored), now, actor).lastInsertRowid,
      );
      db.prepare(
        `INSERT INTO receiving_sessions (id, shipment_id, status, supplier_name, supplier_address, supplier_dea, po_number, order_form_kind, order_form_number, ship_date, created_at, created_by)
         VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        shipmentId,
        shipment.supplier.name,
        shipment.supplier.address,
        shipment.supplier.deaNumber,
        shipment.poNumber,
        shipment.orderForm?.kind ?? null,
        shipment.orderForm?.number ?? null,
        shipment.shipDate,
        now,
        actor,
      );
      const insertLine = db.prepare(
        `INSERT INTO receiving_lines (session_id, line_no, origin, ndc, gtin, name, schedule, schedule_known, expected, units_per_container, unit, units_source, lot, expiry, serials)
         VALUES (?, ?, 'expected', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const { l, ndc, cat, size } of prepared) {
        if ('problem' in size) continue;
        const schedule = l.schedule !== undefined ? l.schedule : cat?.schedule;
        insertLine.run(
          id,
          l.lineNo,
          ndc,
          l.gtin,
          l.name ?? cat?.name ?? null,
          schedule ?? null,
          schedule === undefined ? 0 : 1,
          l.quantity,
          size.unitsPerContainer,
          size.unit,
          size.source,
          l.lot,
          l.expiry,
          JSON.stringify(l.serials),
        );
      }
      const insertPack = db.prepare('INSERT OR IGNORE INTO receiving_packs (session_id, key, children, items) VALUES (?, ?, ?, ?)');
      for (const p of shipment.packs) insertPack.run(id, p.key, JSON.stringify(p.children), JSON.stringify(p.items));
    }).immediate();
    this.ws.audit.record({
      actor,
      action: 'RECEIVING_STARTED',
      target: id,
      details: { kind: shipment.kind, file_name: shipment.fileName, document_id: shipment.documentId, po_number: shipment.poNumber, lines: shipment.lines.length },
    });
    this.activate(id);
    return id;
  }

  activate(id: string | null): string | null {
    if (id !== null && this.mustSession(id).status !== 'open') throw new RxError('CONFLICT', 'That receiving session is closed; scans cannot go to it.');
    this.activeId = id;
    this.ws.setSetting(ACTIVE_SETTING, id ?? '');
    if (id) this.router.setActiveWorkflow('receiving');
    else if (this.router.activeWorkflow === 'receiving') this.router.setActiveWorkflow(null);
    this.notify();
    return id;
  }

  get activeSessionId(): string | null {
    return this.activeId;
  }

  updateHeader(id: string, patch: { supplier?: Supplier; orderForm?: OrderForm | null; poNumber?: string | null }, actor: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', 'The session is closed; its header can no longer change.');
    const sup = patch.supplier;
    this.ws.db
      .prepare(
        `UPDATE receiving_sessions SET supplier_name = ?, supplier_address = ?, supplier_dea = ?, order_form_kind = ?, order_form_number = ?, po_number = ? WHERE id = ?`,
      )
      .run(
        sup ? sup.name : s.supplier_name,
        sup ? sup.address : s.supplier_address,
        sup ? (sup.deaNumber?.toUpperCase() ?? null) : s.supplier_dea,
        patch.orderForm !== undefined ? (patch.orderForm?.kind ?? null) : s.order_form_kind,
        patch.orderForm !== undefined ? (patch.orderForm?.number ?? null) : s.order_form_number,
        patch.poNumber !== undefined ? patch.poNumber : s.po_number,
        id,
      );
    this.ws.audit.record({ actor, action: 'RECEIVING_HEADER_CHANGED', target: id, details: JSON.parse(JSON.stringify(patch)) as Record<string, unknown> });
  }

  /**
   * A person enters the units per container of a line whose package the catalog gives no size
   * for (read off the package). Kept for the NDC too (package_sizes, audited), so the next
   * delivery and counts know it. Refused where the catalog states the size.
   */
  setLineUnits(id: string, lineId: number, unitsPerContainer: number, unit: string, actor: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', 'The session is closed; its lines can no longer change.');
    const line = this.lines(id).find((l) => l.id === lineId);
    if (!line) throw new RxError('NOT_FOUND', `No line ${lineId} in this session.`);
    if (!line.ndc) throw new RxError('BAD_INPUT', `Line ${line.line_no} has no NDC: its size cannot be entered.`);
    const cat = this.catalog.lookup(line.ndc);
    if (cat?.unitsPerContainer) {
      throw new RxError('BAD_INPUT', `The catalog gives ${line.ndc} as ${cat.unitsPerContainer} ${cat.unit ?? 'units'} per container; that figure is used and cannot be changed here.`);
    }
    const lookup = new PackageUnitsLookup(this.ws.db, () => this.ws.clock.now());
    try {
      this.ws.db.transaction(() => {
        lookup.enter({ ndc11: line.ndc!, unitsPerContainer, unit, actor, note: `receiving session ${id} line ${line.line_no}` }, this.ws.audit);
        this.ws.db
          .prepare('UPDATE receiving_lines SET units_per_container = ?, unit = ?, units_source = ? WHERE id = ?')
          .run(unitsPerContainer, unit.trim(), `entered by ${actor}`, lineId);
      })();
    } catch (err) {
      if (err instanceof PackageSizeError) throw new RxError('BAD_INPUT', err.message);
      throw err;
    }
    reprojectLegacyNdcs(this.ws.db, [line.ndc]);
    this.notify();
  }

  cancel(id: string, actor: string, reason: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', `The session is already ${s.status}.`);
    this.ws.db
      .prepare("UPDATE receiving_sessions SET status = 'cancelled', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?")
      .run(this.ws.clock.now().toISOString(), actor, reason, id);
    this.ws.audit.record({ actor, action: 'RECEIVING_CANCELLED', target: id, details: { reason } });
    if (this.activeId === id) this.activate(null);
  }

  /** Commits the session's accepted units as RECEIPT entries, once (see commit.ts). */
  commit(id: string, actor: string): { alreadyCommitted: boolean } {
    const s = this.mustSession(id);
    if (s.status === 'committed') return { alreadyCommitted: true };
    if (s.status === 'cancelled') throw new RxError('CONFLICT', 'The session was cancelled; nothing can be committed from it.');
    const summary = commitSession(this, s, actor);
    this.ws.audit.record({
      actor,
      action: 'RECEIVING_COMMITTED',
      target: id,
      details: { entries: summary.entries.map((e) => e.seq), short_lines: summary.shortLines.map((l) => l.lineNo) },
    });
    if (this.activeId === id) this.activate(null);
    this.notify();
    return { alreadyCommitted: false };
  }

  // ---------- views ----------

  view(id: string): ReceivingSessionView {
    const s = this.mustSession(id);
    const shipment = this.ws.db
      .prepare<[number], { kind: ReceivingSessionView['kind']; file_name: string | null; document_id: string | null; parsed: string }>(
        'SELECT kind, file_name, document_id, parsed FROM receiving_shipments WHERE id = ?',
      )
      .get(s.shipment_id)!;
    const warnings = (JSON.parse(shipment.parsed) as ExpectedShipment).warnings ?? [];
    const units = this.units(id);
    const byLine = new Map<number, UnitRow[]>();
    for (const u of units) {
      if (u.line_id === null) continue;
      const list = byLine.get(u.line_id) ?? [];
      list.push(u);
      byLine.set(u.line_id, list);
    }
    const lines: ReceivingLineView[] = this.lines(id).map((l) => {
      const us = byLine.get(l.id) ?? [];
      const accepted = us.filter((u) => u.status === 'accepted');
      const received = accepted.reduce((n, u) => n + u.containers, 0);
      const lots = new Map<string, { lot: string; expiry: string | null; containers: number }>();
      const flags = new Set<string>();
      for (const u of accepted) {
        const k = `${u.lot ?? ''}|${u.expiry ?? ''}`;
        const e = lots.get(k) ?? { lot: u.lot ?? '', expiry: u.expiry, containers: 0 };
        e.containers += u.containers;
        lots.set(k, e);
        for (const f of JSON.parse(u.flags) as string[]) if (f !== 'over' && f !== 'lot-from-document') flags.add(f);
      }
      if (l.origin === 'expected' && received > l.expected) flags.add('over');
      return {
        id: l.id,
        lineNo: l.line_no,
        origin: l.origin,
        ndc: l.ndc,
        gtin: l.gtin,
        name: l.name,
        schedule: l.schedule,
        scheduleKnown: l.schedule_known === 1,
        expected: l.expected,
        received,
        unitsPerContainer: l.units_per_container,
        unit: l.unit,
        unitsSource: l.units_source,
        receivedUnits: l.units_per_container === null ? null : received * l.units_per_container,
        lot: l.lot,
        expiry: l.expiry,
        lots: [...lots.values()],
        state: l.origin === 'unexpected' ? 'unexpected' : lineState(l.expected, received),
        flags: [...flags],
        suspect: us.filter((u) => u.status === 'suspect').reduce((n, u) => n + u.containers, 0),
        rejected: us.filter((u) => u.status === 'rejected').reduce((n, u) => n + u.containers, 0),
      };
    });
    const packs = (this.ws.db.prepare('SELECT COUNT(*) AS n FROM receiving_packs WHERE session_id = ?').get(id) as { n: number }).n;
    const sum = (f: (u: UnitRow) => boolean) => units.filter(f).reduce((n, u) => n + u.containers, 0);
    return {
      id: s.id,
      status: s.status,
      active: this.activeId === s.id,
      kind: shipment.kind,
      fileName: shipment.file_name,
      documentId: shipment.document_id,
      supplier: { name: s.supplier_name, address: s.supplier_address, deaNumber: s.supplier_dea },
      poNumber: s.po_number,
      orderForm: s.order_form_kind && s.order_form_number ? { kind: s.order_form_kind, number: s.order_form_number } : null,
      shipDate: s.ship_date,
      createdAt: s.created_at,
      createdBy: s.created_by,
      warnings,
      lines,
      packs,
      totals: {
        expected: lines.filter((l) => l.origin === 'expected').reduce((n, l) => n + l.expected, 0),
        received: sum((u) => u.status === 'accepted'),
        suspect: sum((u) => u.status === 'suspect'),
        rejected: sum((u) => u.status === 'rejected'),
      },
      policy: { shortDatedDays: this.shortDatedDays },
      commit: s.commit_summary ? (JSON.parse(s.commit_summary) as CommitSummary) : null,
    };
  }

  list(includeClosed: boolean): ReceivingSessionView[] {
    const ids = this.ws.db
      .prepare<[number], { id: string }>(`SELECT id FROM receiving_sessions WHERE status = 'open' OR ? ORDER BY created_at DESC LIMIT 100`)
      .all(includeClosed ? 1 : 0);
    return ids.map((r) => this.view(r.id));
  }

  // ---------- the scan feed (long poll) ----------

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private feedRows(after: number): ScanFeedEvent[] {
    return this.ws.db
      .prepare<[number, number], Record<string, unknown>>('SELECT * FROM receiving_scans WHERE id > ? ORDER BY id LIMIT ?')
      .all(after, FEED_LIMIT)
      .map(toFeedEvent);
  }

  private maxScanId(): number {
    return (this.ws.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM receiving_scans').get() as { n: number }).n;
  }

  /**
   * Scans after `after` (null: the last few, to fill a fresh screen), waiting up to timeoutMs
   * for one to arrive. With the active session's view, so the screen needs one round trip.
   */
  async waitForScans(after: number | null, timeoutMs: number): Promise<{ cursor: number; events: ScanFeedEvent[]; session: ReceivingSessionView | null }> {
    const max = this.maxScanId();
    let events: ScanFeedEvent[];
    if (after === null || after > max) {
      events = this.ws.db
        .prepare<[], Record<string, unknown>>('SELECT * FROM receiving_scans ORDER BY id DESC LIMIT 20')
        .all()
        .map(toFeedEvent)
        .reverse();
      return { cursor: max, events, session: this.sessionForFeed(events) };
    }
    events = this.feedRows(after);
    if (!events.length && timeoutMs > 0 && !this.stopped) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
      });
      events = this.feedRows(after);
    }
    return { cursor: events.at(-1)?.id ?? after, events, session: this.sessionForFeed(events) };
  }

  private sessionForFeed(events: ScanFeedEvent[]): ReceivingSessionView | null {
    const id = this.activeId ?? [...events].reverse().find((e) => e.sessionId)?.sessionId ?? null;
    return id && this.sessionRow(id) ? this.view(id) : null;
  }

  // ---------- scans ----------

  private writeScanRow(r: ScanRowIn, id?: number): number {
    const decoded = r.decoded
      ? { gtin: r.decoded.gtin, ndc: r.decoded.ndc, lot: r.decoded.lot, expiry: r.decoded.expiry, serial: r.decoded.serial, sscc: r.decoded.sscc, error: r.decoded.error, symbology: r.decoded.symbology }
      : {};
    const info = this.ws.db
      .prepare(
        `INSERT INTO receiving_scans (id, received_at, scanner_id, source, raw, raw_bytes_hex, symbology_id, session_id, verdict, tone, message, line_id, quarantine_id, units, decoded)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id ?? null,
        r.scan.receivedAt,
        r.scan.scannerId,
        r.scan.source,
        r.scan.raw,
        r.scan.rawBytesHex ?? null,
        r.scan.symbologyId,
        r.sessionId,
        r.verdict,
        r.tone ?? toneOf(r.verdict),
        r.message,
        r.lineId ?? null,
        r.quarantineId ?? null,
        r.units ?? 0,
        JSON.stringify(decoded),
      );
    return Number(info.lastInsertRowid);
  }

  /** A scan no workflow took: kept in the scan log with what the counter was told. */
  logUnrouted(u: UnroutedScan): void {
    if (this.stopped) return;
    if (u.workflow !== null && u.workflow !== 'receiving') return;
    const verdict: Verdict = u.reason === 'no-active-workflow' ? 'no-session' : u.reason === 'invalid' ? 'unreadable' : 'rejected';
    const message =
      verdict === 'no-session'
        ? 'No receiving session open: nothing was received. Open or start a session on the Receiving screen, then scan again. The scan was kept.'
        : u.message;
    this.writeScanRow({ scan: { ...u.scan, raw: u.scan.raw.slice(0, 8192) }, sessionId: null, verdict, message });
    this.notify();
  }

  /** The router's handler for the 'receiving' workflow. Synchronous: one transaction per scan. */
  handleScan(scan: ScanEvent): void {
    const sessionId = this.activeId;
    if (!sessionId) {
      this.logUnrouted({ scan, reason: 'no-active-workflow', message: '', workflow: null });
      return;
    }
    this.ws.db.transaction(() => this.processScan(scan, sessionId)).immediate();
    this.notify();
  }

  private processScan(scan: ScanEvent, sessionId: string): void {
    const scanId = this.maxScanId() + 1;
    if (!scan.complete) {
      this.writeScanRow(
        { scan, sessionId, verdict: 'incomplete', message: `${scan.problem ?? 'The scan was cut off before it ended (scanner unplugged?).'} Nothing was received; scan it again. The partial scan was kept.` },
        scanId,
      );
      return;
    }
    const lines: WorkLine[] = this.workLines(sessionId);
    const expectedNdcs = new Set(lines.map((l) => l.ndc).filter((n): n is string => !!n));
    const decoded = decodeScan(scanText(scan), { isKnownNdc: (n) => expectedNdcs.has(n) || this.catalog.isKnownNdc(n), now: this.ws.clock.now() });
    const write = (verdict: Verdict, message: string, extra: Partial<ScanRowIn> = {}) =>
      this.writeScanRow({ scan, sessionId, verdict, message, decoded, ...extra }, scanId);

    if (!decoded.ok) {
      write('unreadable', `Bad barcode: ${decoded.error ?? 'it could not be read'} Nothing was received; the raw scan was kept.`);
      return;
    }
    const packKey = decoded.sscc && !decoded.gtin ? ssccKey(decoded.sscc) : decoded.gtin && decoded.serial ? unitKey(decoded.gtin, decoded.serial) : null;
    const pack = packKey ? this.packRow(sessionId, packKey) : undefined;
    if (pack) {
      this.receivePack(scan, scanId, sessionId, pack, lines, decoded);
      return;
    }
    if (decoded.sscc && !decoded.gtin) {
      write('not-a-product', `Case/pallet label ${decoded.sscc} is not in this shipment's data: open it and scan each unit. Nothing was received.`);
      return;
    }
    if (!decoded.gtin && !decoded.ndc) {
      write('not-a-product', 'This code names no product (no GTIN or NDC). Nothing was received; scan the product barcode.');
      return;
    }
    const out = this.receiveUnit(scan, scanId, sessionId, lines, { gtin: decoded.gtin, ndc: decoded.ndc, lot: decoded.lot, expiry: decoded.expiry, serial: decoded.serial }, null);
    write(out.verdict, out.message, { lineId: out.lineId, quarantineId: out.quarantineId, units: out.added });
  }

  private packRow(sessionId: string, key: string) {
    return this.ws.db
      .prepare<[string, string], { key: string; children: string; items: string; received_scan_id: number | null }>(
        'SELECT key, children, items, received_scan_id FROM receiving_packs WHERE session_id = ? AND key = ?',
      )
      .get(sessionId, key);
  }

  private workLines(sessionId: string): WorkLine[] {
    const received = new Map<number, number>();
    for (const r of this.ws.db
      .prepare<[string], { line_id: number; n: number }>(
        "SELECT line_id, SUM(containers) AS n FROM receiving_units WHERE session_id = ? AND status = 'accepted' AND line_id IS NOT NULL GROUP BY line_id",
      )
      .all(sessionId)) {
      received.set(r.line_id, r.n);
    }
    return this.lines(sessionId).map((row) => ({
      id: row.id,
      ndc: row.ndc,
      gtin: row.gtin,
      expected: row.expected,
      lot: row.lot,
      expiry: row.expiry,
      serials: new Set(JSON.parse(row.serials) as string[]),
      received: received.get(row.id) ?? 0,
      row,
    }));
  }

  private serialSeen(gtin: string, serial: string): string | null {
    // Received into stock from any source (this screen, NDJSON, an 856, a return): the gate's register.
    if (this.ws.gate.serials.isOnRecord(gtin, serial)) return 'ledger';
    const open = this.ws.db
      .prepare<[string, string], { session_id: string }>(
        `SELECT u.session_id FROM receiving_units u JOIN receiving_sessions s ON s.id = u.session_id
          WHERE u.gtin = ? AND u.serial = ? AND u.status = 'accepted' AND s.status != 'cancelled' LIMIT 1`,
      )
      .get(gtin, serial);
    return open?.session_id ?? null;
  }

  private insertUnit(u: {
    sessionId: string;
    lineId: number | null;
    scanId: number;
    status: UnitRow['status'];
    verdict: Verdict;
    unit: UnitIn;
    lot: string | null;
    expiry: string | null;
    flags: readonly Flag[];
    packKey: string | null;
    quarantineId: number | null;
  }): void {
    this.ws.db
      .prepare(
        `INSERT INTO receiving_units (session_id, line_id, scan_id, status, verdict, gtin, ndc, lot, expiry, serial, containers, flags, pack_key, quarantine_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
      )
      .run(u.sessionId, u.lineId, u.scanId, u.status, u.verdict, u.unit.gtin, u.unit.ndc, u.lot, u.expiry, u.unit.serial, JSON.stringify(u.flags), u.packKey, u.quarantineId);
  }

  /** One unit: resolve the product, match, classify, write. Updates `lines` in place. */
  private receiveUnit(scan: ScanEvent, scanId: number, sessionId: string, lines: WorkLine[], unitIn: UnitIn, packKey: string | null): UnitOutcome {
    const unit = { ...unitIn };
    // Product: the NDC from the code (resolved against the shipment and the catalog), else the line with this GTIN.
    if (!unit.ndc && unit.gtin) unit.ndc = lines.find((l) => l.gtin === unit.gtin && l.ndc)?.ndc ?? null;
    if (!unit.ndc) {
      const f = unit.gtin ? ndcFromGtin(unit.gtin) : null;
      const cands = f && f.ok ? ` (its NDC would be ${f.candidates.join(' or ')})` : '';
      return {
        verdict: 'not-in-catalog',
        message: `GTIN ${unit.gtin} is not in the drug catalog${cands} and not on this shipment. Set it aside: nothing was received. The raw scan was kept.`,
        lineId: null,
        quarantineId: null,
        added: 0,
      };
    }
    const onShipment = lines.some((l) => l.ndc === unit.ndc);
    if (this.catalog.hasRows() && !this.catalog.isKnownNdc(unit.ndc)) {
      return {
        verdict: 'not-in-catalog',
        message: `NDC ${unit.ndc} is not in the drug catalog${onShipment ? ' (though the shipment lists it)' : ''}: it cannot go into stock until the catalog lists it. Set it aside. The raw scan was kept.`,
        lineId: null,
        quarantineId: null,
        added: 0,
      };
    }
    if (packKey && unit.gtin && unit.serial && this.serialSeen(unit.gtin, unit.serial) === sessionId) {
      // A unit of this case was already scanned on its own: counted once, not a suspect.
      return { verdict: 'received', message: '', lineId: null, quarantineId: null, added: 0, skipped: true };
    }
    const d = matchUnit(unit, { lines, today: this.today(), shortDatedDays: this.shortDatedDays, serialSeen: (g, s) => this.serialSeen(g, s) });
    const candidate = lines.find((l) => (unit.gtin && l.gtin === unit.gtin) || l.ndc === unit.ndc) ?? null;
    if (!d.accepted) {
      let quarantineId: number | null = null;
      if (d.verdict === 'duplicate-serial') {
        quarantineId = this.ws.quarantine.put({
          source: 'scan:receiving',
          raw: scan.rawBytesHex ? Buffer.from(scan.rawBytesHex, 'hex') : Buffer.from(scan.raw, 'utf8'),
          reasons: ['DUPLICATE_SERIAL'],
          issues: [d.reason],
          context: {
            workflow: 'receiving',
            session_id: sessionId,
            scan_id: scanId,
            scanner_id: scan.scannerId,
            scanned_at: scan.receivedAt,
            raw_text: scan.raw,
            symbology_id: scan.symbologyId,
            gtin: unit.gtin,
            ndc: unit.ndc,
            lot: d.lot,
            expiry: d.expiry,
            serial: unit.serial,
            first_received_in: d.seenIn ?? null,
            case: packKey,
          },
          correlationId: `receiving:${sessionId}:${scanId}`,
          receivedAt: this.ws.clock.now().toISOString(),
        });
      }
      this.insertUnit({
        sessionId,
        lineId: candidate?.id ?? null,
        scanId,
        status: d.verdict === 'duplicate-serial' ? 'suspect' : 'rejected',
        verdict: d.verdict,
        unit,
        lot: d.lot,
        expiry: d.expiry,
        flags: [],
        packKey,
        quarantineId,
      });
      const label = VERDICTS[d.verdict].label;
      return { verdict: d.verdict, message: `${label}: ${d.reason}${d.verdict !== 'duplicate-serial' ? ' The raw scan was kept.' : ''}`, lineId: candidate?.id ?? null, quarantineId, added: 0 };
    }
    let line = d.lineId === null ? null : (lines.find((l) => l.id === d.lineId) ?? null);
    if (!line) line = this.addUnexpectedLine(sessionId, lines, unit);
    this.insertUnit({ sessionId, lineId: line.id, scanId, status: 'accepted', verdict: d.verdict, unit, lot: d.lot, expiry: d.expiry, flags: d.flags, packKey, quarantineId: null });
    line.received += 1;
    const message = acceptedMessage(d, { ndc: line.ndc, name: line.row.name, expected: line.expected, received: line.received, lot: line.lot }, this.shortDatedDays);
    return { verdict: d.verdict, message, lineId: line.id, quarantineId: null, added: 1 };
  }

  private addUnexpectedLine(sessionId: string, lines: WorkLine[], unit: UnitIn): WorkLine {
    const lineNo = Math.max(0, ...lines.map((l) => l.row.line_no)) + 1;
    const cat = unit.ndc ? this.catalog.lookup(unit.ndc) : null;
    const info = this.ws.db
      .prepare(
        `INSERT INTO receiving_lines (session_id, line_no, origin, ndc, gtin, name, schedule, schedule_known, expected, units_per_container, unit, units_source, lot, expiry, serials)
         VALUES (?, ?, 'unexpected', ?, ?, ?, ?, ?, 0, ?, ?, ?, NULL, NULL, '[]')`,
      )
      .run(
        sessionId,
        lineNo,
        unit.ndc,
        unit.gtin,
        cat?.name ?? null,
        cat?.schedule ?? null,
        cat && cat.schedule !== undefined ? 1 : 0,
        cat?.unitsPerContainer ?? null,
        cat?.unitsPerContainer ? (cat.unit ?? null) : null,
        cat?.unitsPerContainer ? 'catalog' : null,
      );
    const row = this.ws.db.prepare<[number], LineRow>('SELECT * FROM receiving_lines WHERE id = ?').get(Number(info.lastInsertRowid))!;
    const line: WorkLine = { id: row.id, ndc: row.ndc, gtin: row.gtin, expected: 0, lot: null, expiry: null, serials: new Set(), received: 0, row };
    lines.push(line);
    return line;
  }

  /** A case or pallet: every unit inside, through the same checks as a unit scanned alone. */
  private receivePack(
    scan: ScanEvent,
    scanId: number,
    sessionId: string,
    pack: { key: string; children: string; items: string; received_scan_id: number | null },
    lines: WorkLine[],
    decoded: ScanResult,
  ): void {
    const label = pack.key.startsWith('s:') ? `SSCC ${pack.key.slice(2)}` : `case ${parseUnitKey(pack.key)?.serial ?? pack.key}`;
    const write = (verdict: Verdict, message: string, extra: Partial<ScanRowIn> = {}) => this.writeScanRow({ scan, sessionId, verdict, message, decoded, ...extra }, scanId);
    if (pack.received_scan_id !== null) {
      write('case-already-received', `${label} was already received (scan #${pack.received_scan_id}). Nothing was added.`);
      return;
    }
    // Collect the leaves (nested packs expanded) and mark every pack on the way.
    const units: { key: string; packKey: string }[] = [];
    const items: { lineNo: number; quantity: number; packKey: string }[] = [];
    const visited = new Set<string>();
    const expand = (p: { key: string; children: string; items: string }) => {
      if (visited.has(p.key)) return;
      visited.add(p.key);
      for (const it of JSON.parse(p.items) as { lineNo: number; quantity: number }[]) items.push({ ...it, packKey: p.key });
      for (const child of JSON.parse(p.children) as string[]) {
        const sub = this.packRow(sessionId, child);
        if (sub && sub.received_scan_id === null) expand(sub);
        else if (!sub) units.push({ key: child, packKey: p.key });
      }
    };
    expand(pack);
    const outcomes: UnitOutcome[] = [];
    for (const u of units) {
      const k = parseUnitKey(u.key);
      if (!k) continue;
      const line = lines.find((l) => l.gtin === k.gtin && l.serials.has(k.serial)) ?? lines.find((l) => l.gtin === k.gtin) ?? null;
      outcomes.push(
        this.receiveUnit(scan, scanId, sessionId, lines, { gtin: k.gtin, ndc: line?.ndc ?? null, lot: line?.lot ?? null, expiry: line?.expiry ?? null, serial: k.serial }, u.packKey),
      );
    }
    for (const it of items) {
      const line = lines.find((l) => l.row.line_no === it.lineNo && l.row.origin === 'expected');
      if (!line) continue;
      for (let i = 0; i < it.quantity; i++) {
        outcomes.push(this.receiveUnit(scan, scanId, sessionId, lines, { gtin: line.gtin, ndc: line.ndc, lot: line.lot, expiry: line.expiry, serial: null }, it.packKey));
      }
    }
    const mark = this.ws.db.prepare('UPDATE receiving_packs SET received_scan_id = ? WHERE session_id = ? AND key = ?');
    for (const k of visited) mark.run(scanId, sessionId, k);

    const counted = outcomes.filter((o) => !o.skipped);
    const added = counted.reduce((n, o) => n + o.added, 0);
    const already = outcomes.length - counted.length;
    const worst = counted.reduce<UnitOutcome | null>((w, o) => (w === null || TONE_RANK[toneOf(o.verdict)] > TONE_RANK[toneOf(w.verdict)] ? o : w), null);
    const problems = new Map<Verdict, number>();
    for (const o of counted) if (toneOf(o.verdict) !== 'good') problems.set(o.verdict, (problems.get(o.verdict) ?? 0) + 1);
    const tone: Tone = worst ? (toneOf(worst.verdict) === 'good' ? 'good' : toneOf(worst.verdict)) : 'bad';
    const parts = [`${label}: ${added} unit${added === 1 ? '' : 's'} received`];
    if (already) parts.push(`${already} already scanned one by one`);
    for (const [v, n] of problems) parts.push(`${n} ${VERDICTS[v].label.toLowerCase()}`);
    const quarantineId = counted.find((o) => o.quarantineId !== null)?.quarantineId ?? null;
    const lineIds = [...new Set(counted.map((o) => o.lineId).filter((x): x is number => x !== null))];
    write(tone === 'good' ? 'case-received' : (worst?.verdict ?? 'case-received'), parts.join(' · '), {
      tone,
      units: added,
      quarantineId,
      lineId: lineIds.length === 1 ? lineIds[0]! : null,
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    this.notify();
    if (this.router.activeWorkflow === 'receiving') this.router.setActiveWorkflow(null);
    await this.opts.onStop?.();
  }
}

function toFeedEvent(r: Record<string, unknown>): ScanFeedEvent {
  return {
    id: r.id as number,
    at: r.received_at as string,
    scannerId: r.scanner_id as string,
    source: r.source as string,
    raw: r.raw as string,
    verdict: r.verdict as string,
    tone: r.tone as Tone,
    message: r.message as string,
    sessionId: (r.session_id as string | null) ?? null,
    lineId: (r.line_id as number | null) ?? null,
    quarantineId: (r.quarantine_id as number | null) ?? null,
    units: (r.units as number) ?? 0,
  };
}

/**
 * A line's units per container: the catalog's where it states one. A typed purchase order's
 * figure is a person's entry, used where the catalog has none and refused where it disagrees;
 * a shipment document's figure differing from the catalog is a warning (the catalog is used),
 * and where the catalog has none the line waits for a person to enter it.
 */
function lineUnits(
  stated: number | null,
  cat: { unitsPerContainer: number | null; unit?: string | null } | null,
  typedByPerson: boolean,
  actor: string,
): { unitsPerContainer: number | null; unit: string | null; source: string | null; warning?: string } | { problem: string } {
  if (cat?.unitsPerContainer) {
    if (stated !== null && stated !== cat.unitsPerContainer) {
      const msg = `the catalog gives ${cat.unitsPerContainer} ${cat.unit ?? 'units'} per container, the ${typedByPerson ? 'order' : 'shipment'} says ${stated}`;
      if (typedByPerson) return { problem: `${msg}: correct the units per container (or leave it empty to use the catalog's)` };
      return { unitsPerContainer: cat.unitsPerContainer, unit: cat.unit ?? null, source: 'catalog', warning: `${msg}; the catalog's figure is used` };
    }
    return { unitsPerContainer: cat.unitsPerContainer, unit: cat.unit ?? null, source: 'catalog' };
  }
  if (stated !== null && typedByPerson) return { unitsPerContainer: stated, unit: null, source: `entered by ${actor}` };
  return {
    unitsPerContainer: null,
    unit: null,
    source: null,
    ...(stated !== null ? { warning: `the shipment says ${stated} units per container and the catalog gives no size: confirm it on the line before committing` } : {}),
  };
}
