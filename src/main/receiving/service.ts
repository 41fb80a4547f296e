import type { ReceivingSessionView, ScanFeedEvent } from '../../shared/ipc/receiving-channels';
import { RxError } from '../../shared/errors/error-codes';
import type { Verdict } from '../../shared/receiving/match';
import type { ExpectedShipment, OrderForm, Supplier } from '../../shared/receiving/types';
import type { ScanEvent } from '../../shared/scan/types';
import type { RouteResult, ScanRouter, UnroutedScan } from '../scanners';
import type { Workstation } from '../workstation';
import { catalogFromTables, type ReceivingCatalog } from './catalog';
import { commitSession, reviewSession } from './commit';
import type { SetAsideDecisions } from './set-aside';
import { keyedUnitToElementString, type KeyedUnit } from '../../shared/receiving/keyed';
import { ReceivingScanLog } from './scan-log';
import { ScanMatcher } from './scan-matching';
import { ReceivingSessions, type LineRow, type SessionRow, type UnitRow } from './session-store';
import { listSessions, sessionView } from './views';

export type { LineRow, SessionRow, UnitRow };

export const DEFAULT_SHORT_DATED_DAYS = 90;
const SHORT_DATED_SETTING = 'receiving.short_dated_days';
const ACTIVE_SETTING = 'receiving.active_session';

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

/**
 * Receiving, as the screen and the scan router see it: which session is active, the policy,
 * and the commit, over its parts — the session store (session-store.ts), scan matching
 * (scan-matching.ts), the scan log and its feed (scan-log.ts) and the views (views.ts). One per
 * workstation, built by its scan intake (scan-intake.ts).
 */
export class ReceivingService {
  readonly catalog: ReceivingCatalog;
  readonly sessions: ReceivingSessions;
  private readonly scanLog: ReceivingScanLog;
  private readonly matcher: ScanMatcher;
  private activeId: string | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    readonly ws: Workstation,
    private readonly opts: ReceivingServiceOptions,
  ) {
    this.catalog = opts.catalog ?? catalogFromTables(ws.db);
    this.sessions = new ReceivingSessions(ws, this.catalog);
    this.scanLog = new ReceivingScanLog(ws.db);
    this.matcher = new ScanMatcher(ws, this.sessions, this.scanLog, { shortDatedDays: () => this.shortDatedDays, today: () => this.ws.clock.now().toISOString().slice(0, 10) });
    const saved = ws.setting(ACTIVE_SETTING);
    if (saved && this.sessionRow(saved)?.status === 'open') this.activeId = saved;
    const router = opts.router;
    this.unsubscribe.push(router.register('receiving', (scan) => this.handleScan(scan)));
    this.unsubscribe.push(router.onUnrouted((u) => this.logUnrouted(u)));
    this.unsubscribe.push(
      router.onDuplicate((scan) => {
        if (router.activeWorkflow === null || router.activeWorkflow === 'receiving') {
          this.scanLog.write({ scan, sessionId: this.activeId, verdict: 'repeat', message: 'The same code was read twice in a row: counted once.' });
          this.scanLog.notify();
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

  // ---------- sessions ----------

  sessionRow(id: string): SessionRow | undefined {
    return this.sessions.sessionRow(id);
  }

  lines(sessionId: string): LineRow[] {
    return this.sessions.lines(sessionId);
  }

  units(sessionId: string): UnitRow[] {
    return this.sessions.units(sessionId);
  }

  /** Opens a session from an expected shipment and makes it the one scans go to. */
  startSession(shipment: ExpectedShipment, raw: Buffer, actor: string): string {
    const id = this.sessions.start(shipment, raw, actor);
    this.activate(id);
    return id;
  }

  activate(id: string | null): string | null {
    if (id !== null && this.sessions.mustSession(id).status !== 'open') throw new RxError('CONFLICT', 'That receiving session is closed; scans cannot go to it.');
    this.activeId = id;
    this.ws.setSetting(ACTIVE_SETTING, id ?? '');
    if (id) this.router.setActiveWorkflow('receiving');
    else if (this.router.activeWorkflow === 'receiving') this.router.setActiveWorkflow(null);
    this.scanLog.notify();
    return id;
  }

  get activeSessionId(): string | null {
    return this.activeId;
  }

  updateHeader(id: string, patch: { supplier?: Supplier; orderForm?: OrderForm | null; poNumber?: string | null }, actor: string): void {
    this.sessions.updateHeader(id, patch, actor);
  }

  /**
   * A unit typed by hand (its barcode unreadable): checked field by field, then received through
   * the same path as a scan, recorded with source `keyed` and audited as hand-keyed.
   */
  async keyed(input: { barcode: string } | KeyedUnit, actor: string): Promise<RouteResult> {
    if (!this.activeId) throw new RxError('CONFLICT', 'No receiving session is taking scans: open or resume one first.');
    let raw: string;
    if ('barcode' in input) {
      raw = input.barcode.trim();
      if (!raw) throw new RxError('BAD_INPUT', 'barcode: type the code printed under the barcode.');
    } else {
      const r = keyedUnitToElementString(input, (n) => this.catalog.isKnownNdc(n), this.ws.clock.now().toISOString().slice(0, 10));
      if (!r.ok) throw new RxError('BAD_INPUT', `${r.field}: ${r.message}`);
      raw = r.raw;
    }
    this.ws.audit.record({ actor, action: 'RECEIVING_HAND_KEYED', target: this.activeId, details: { raw: raw.replace(/\u001d/g, '<GS>') } });
    return this.router.submit({ raw, scannerId: `keyed:${actor}`, source: 'keyed', symbologyId: raw.startsWith(']') ? raw.slice(0, 3) : null });
  }

  /**
   * Takes back what one scan received before commit (a unit put on the wrong session, a bottle
   * counted twice by hand): its units leave the session, the raw scan stays in the log, and the
   * removal is a new line of the log and of the audit trail.
   */
  removeScan(sessionId: string, scanId: number, reason: string, actor: string): number {
    const s = this.sessions.mustSession(sessionId);
    if (s.status !== 'open') throw new RxError('CONFLICT', 'The session is closed: nothing can be removed from it.');
    if (!reason.trim()) throw new RxError('BAD_INPUT', 'reason: say why the unit is removed.');
    const removed = this.ws.db
      .transaction(() => {
        const n = this.ws.db
          .prepare<[string, number], { n: number | null }>("SELECT SUM(containers) AS n FROM receiving_units WHERE session_id = ? AND scan_id = ? AND status = 'accepted'")
          .get(sessionId, scanId)!.n ?? 0;
        if (!n) throw new RxError('NOT_FOUND', `Scan #${scanId} received nothing in this session that could be removed.`);
        this.ws.db.prepare("UPDATE receiving_units SET status = 'rejected', verdict = 'removed' WHERE session_id = ? AND scan_id = ? AND status = 'accepted'").run(sessionId, scanId);
        this.scanLog.write({
          scan: { scannerId: `keyed:${actor}`, raw: `remove scan #${scanId}`, symbologyId: null, receivedAt: this.ws.clock.now().toISOString(), source: 'keyed', complete: true },
          sessionId,
          verdict: 'removed',
          message: `Removed by ${actor}: ${n} container(s) of scan #${scanId} — ${reason.trim()}. Not received.`,
          units: -n,
        });
        this.ws.audit.record({ actor, action: 'RECEIVING_SCAN_REMOVED', target: sessionId, details: { scan_id: scanId, containers: n, reason: reason.trim() } });
        return n;
      })
      .immediate();
    this.scanLog.notify();
    return removed;
  }

  /** A person enters a line's units per container (see ReceivingSessions.setLineUnits). */
  setLineUnits(id: string, lineId: number, unitsPerContainer: number, unit: string, actor: string): void {
    this.sessions.setLineUnits(id, lineId, unitsPerContainer, unit, actor);
    this.scanLog.notify();
  }

  cancel(id: string, actor: string, reason: string): void {
    this.sessions.cancel(id, actor, reason);
    if (this.activeId === id) this.activate(null);
  }

  /** Commits the session's accepted units as RECEIPT entries, once (see commit.ts). */
  commit(id: string, actor: string, decisions?: SetAsideDecisions | null): { alreadyCommitted: boolean } {
    const s = this.sessions.mustSession(id);
    if (s.status === 'committed') return { alreadyCommitted: true };
    if (s.status === 'cancelled') throw new RxError('CONFLICT', 'The session was cancelled; nothing can be committed from it.');
    const summary = commitSession(this.ws, this.sessions, s, actor, decisions);
    this.ws.audit.record({
      actor,
      action: 'RECEIVING_COMMITTED',
      target: id,
      details: { entries: summary.entries.map((e) => e.seq), short_lines: summary.shortLines.map((l) => l.lineNo) },
    });
    if (this.activeId === id) this.activate(null);
    this.scanLog.notify();
    return { alreadyCommitted: false };
  }

  /** The review before commit: what stops the commit and what a pharmacist must decide. */
  review(id: string, actor: string) {
    const s = this.sessions.mustSession(id);
    if (s.status !== 'open') return { problems: [], setAside: [] };
    return reviewSession(this.ws, this.sessions, s, actor);
  }

  // ---------- views ----------

  view(id: string): ReceivingSessionView {
    return sessionView(this.ws, this.sessions, id, { activeId: this.activeId, shortDatedDays: this.shortDatedDays });
  }

  list(includeClosed: boolean): ReceivingSessionView[] {
    return listSessions(this.ws, includeClosed, (id) => this.view(id));
  }

  // ---------- the scan feed (long poll) ----------

  /**
   * Scans after `after` (null: the last few, to fill a fresh screen), waiting up to timeoutMs
   * for one to arrive. With the active session's view, so the screen needs one round trip.
   */
  waitForScans(after: number | null, timeoutMs: number): Promise<{ cursor: number; events: ScanFeedEvent[]; session: ReceivingSessionView | null }> {
    return this.scanLog.wait(after, this.stopped ? 0 : timeoutMs, (events) => {
      const id = this.activeId ?? [...events].reverse().find((e) => e.sessionId)?.sessionId ?? null;
      return id && this.sessionRow(id) ? this.view(id) : null;
    });
  }

  // ---------- scans ----------

  /** A scan no workflow took: kept in the scan log with what the counter was told. */
  logUnrouted(u: UnroutedScan): void {
    if (this.stopped) return;
    if (u.workflow !== null && u.workflow !== 'receiving') return;
    const verdict: Verdict = u.reason === 'no-active-workflow' ? 'no-session' : u.reason === 'invalid' ? 'unreadable' : 'rejected';
    const message =
      verdict === 'no-session'
        ? 'No receiving session open: nothing was received. Open or start a session on the Receiving screen, then scan again. The scan was kept.'
        : u.message;
    this.scanLog.write({ scan: { ...u.scan, raw: u.scan.raw.slice(0, 8192) }, sessionId: null, verdict, message });
    this.scanLog.notify();
  }

  /** The router's handler for the 'receiving' workflow. Synchronous: one transaction per scan. */
  handleScan(scan: ScanEvent): void {
    const sessionId = this.activeId;
    if (!sessionId) {
      this.logUnrouted({ scan, reason: 'no-active-workflow', message: '', workflow: null });
      return;
    }
    this.ws.db.transaction(() => this.matcher.process(scan, sessionId)).immediate();
    this.scanLog.notify();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    this.scanLog.stop();
    if (this.router.activeWorkflow === 'receiving') this.router.setActiveWorkflow(null);
    await this.opts.onStop?.();
  }
}
