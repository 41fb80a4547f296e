import { decodeScan } from '../../shared/identifiers';
import { RxError } from '../../shared/errors/error-codes';
import type { ScanEvent } from '../../shared/scan/types';
import type { ScanRouter } from '../scanners';
import type { Workstation } from '../workstation';
import { getCount } from './count-sessions';

/**
 * Scans for the Counts screen. Every scanner (USB in HID POS mode, the keyboard wedge, the test
 * hook) goes through the workstation's one ScanRouter (the receiving service's); this registers
 * the 'counts' workflow on it, makes it the active workflow while a count is open on a screen
 * (and hands scans back to receiving, when a receiving session is open, once it is not), and
 * keeps the scans, decoded, for the screen's long poll (`counts.waitForScans`). The screen
 * applies each one as if it had been typed in its scan field.
 */
export interface CountScanEvent {
  id: number;
  count_id: string;
  raw: string;
  scanner_id: string;
  source: string;
  received_at: string;
  ok: boolean;
  ndc: string | null;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  error: string | null;
}

/** Scans kept for the screens (a screen that polls again picks up what came meanwhile). */
const KEEP = 500;

export class CountScanFeed {
  private events: (CountScanEvent & { delivered: boolean })[] = [];
  private nextId = 1;
  private target: { countId: string; userId: string } | null = null;
  /** Long polls waiting: woken by a scan, or told to go (a count was opened or left a screen). */
  private readonly waiters = new Set<(why: 'scan' | 'retarget') => void>();
  private bound: { router: ScanRouter; unregister: () => void } | null = null;

  constructor(
    private readonly ws: Workstation,
    private readonly routerOf: () => ScanRouter,
    private readonly receivingActive: () => boolean,
  ) {}

  /** The router in use, with the 'counts' handler registered on it (again, when a host replaced it). */
  private router(): ScanRouter {
    const router = this.routerOf();
    if (this.bound?.router !== router) {
      this.bound?.unregister();
      this.bound = { router, unregister: router.register('counts', (scan) => this.take(scan)) };
    }
    return router;
  }

  get activeCount(): string | null {
    return this.target?.countId ?? null;
  }

  /** A count is open on a screen: scans go to it. */
  open(countId: string, userId: string): string | null {
    const c = getCount(this.ws.db, countId);
    if (!c) throw new RxError('NOT_FOUND', `No count ${countId}.`);
    if (c.status !== 'open') throw new RxError('CONFLICT', `Count ${countId} is already ${c.status}: scans cannot go to it.`);
    this.target = { countId, userId };
    this.dismissWaiters();
    const router = this.router();
    router.setActiveWorkflow('counts');
    return router.activeWorkflow;
  }

  /**
   * The count left the screen (submitted, cancelled, another screen opened). `countId` null:
   * whichever count. Scans go back to receiving when a receiving session is open, else nowhere
   * (the router keeps them and says so).
   */
  release(countId: string | null): string | null {
    const router = this.router();
    if (this.target && (countId === null || this.target.countId === countId)) this.target = null;
    this.dismissWaiters();
    if (!this.target && router.activeWorkflow === 'counts') router.setActiveWorkflow(this.receivingActive() ? 'receiving' : null);
    return router.activeWorkflow;
  }

  /**
   * The router's 'counts' handler. A code it cannot use is still shown, with why; it throws only
   * when no count is open on a screen (then the router keeps the scan as unrouted).
   */
  private take(scan: ScanEvent): void {
    const t = this.target;
    if (!t) throw new Error('no count is open on a screen');
    const count = getCount(this.ws.db, t.countId);
    const known = new Set((count?.items ?? []).map((i) => i.ndc));
    const d = decodeScan(scan.raw, { isKnownNdc: (n) => known.has(n), now: new Date(scan.receivedAt) });
    this.events.push({
      id: this.nextId++,
      count_id: t.countId,
      raw: scan.raw,
      scanner_id: scan.scannerId,
      source: scan.source,
      received_at: scan.receivedAt,
      ok: d.ok && !!d.ndc,
      ndc: d.ndc,
      lot: d.lot,
      expiry: d.expiry,
      serial: d.serial,
      error: d.ok ? (d.ndc ? null : 'this code carries no NDC') : d.error,
      delivered: false,
    });
    if (this.events.length > KEEP) this.events.splice(0, this.events.length - KEEP);
    for (const w of [...this.waiters]) w('scan');
  }

  /**
   * A screen opened a count or left one: polls still waiting belong to screens that are gone
   * (a reload does not say goodbye). They end empty-handed, so they cannot take the scans the
   * screen now showing the count is about to ask for.
   */
  private dismissWaiters(): void {
    for (const w of [...this.waiters]) w('retarget');
  }

  /** The count's scans after `after` (null: those no screen has been given yet), marked as given. */
  private collect(countId: string, after: number | null): CountScanEvent[] {
    const out = this.events.filter((e) => e.count_id === countId && (after === null ? !e.delivered : e.id > after));
    for (const e of out) e.delivered = true;
    return out.map(({ delivered: _, ...e }) => e);
  }

  /**
   * Scans of `countId` after `after`, waiting up to timeoutMs for one to come. `after` null (a
   * screen that just opened the count): the scans no screen was given yet — those read between
   * the count's start and the screen's first poll — and not again after a reload.
   */
  async waitForScans(countId: string, after: number | null, timeoutMs: number): Promise<{ cursor: number; events: CountScanEvent[]; active: boolean }> {
    this.router();
    // The router bound above: a host shutting down while this waits must not start another receiving service.
    const active = () => this.target?.countId === countId && this.bound?.router.activeWorkflow === 'counts';
    const from = after !== null && after > this.nextId - 1 ? null : after;
    let events = this.collect(countId, from);
    if (!events.length && timeoutMs > 0) {
      const why = await new Promise<'scan' | 'retarget' | 'timeout'>((resolve) => {
        const done = (w: 'scan' | 'retarget' | 'timeout') => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve(w);
        };
        const timer = setTimeout(() => done('timeout'), timeoutMs);
        this.waiters.add(done);
      });
      // Dismissed: nothing taken, and the cursor does not move past what was not taken.
      if (why === 'retarget') return { cursor: from ?? this.nextId - 1, events: [], active: active() };
      events = this.collect(countId, from);
    }
    return { cursor: Math.max(events.at(-1)?.id ?? 0, from ?? 0, this.nextId - 1), events, active: active() };
  }
}
