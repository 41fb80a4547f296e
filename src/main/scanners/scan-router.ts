/**
 * Routes every scan — from a USB scanner, the keyboard wedge or a test hook — to the workflow
 * that is active (receiving, counts, …). One path for every source:
 *
 *   stamp (UTC time, scanner id) → validate → dedupe → active workflow's handler
 *
 * A scan is never dropped: with no active workflow, no handler for it, a failing handler or
 * an invalid event, it goes to the `unrouted` listeners (which keep it and tell the user, e.g.
 * "no receiving session open"); with no unrouted listener it stays in a bounded backlog that
 * `takeUnrouted()` hands over. A repeat within the dedupe window goes to `duplicate` listeners.
 */
import { DEFAULT_DEDUPE_WINDOW_MS, ScanDeduper } from '../../shared/scan/dedupe';
import { type Clock, leadingSymbologyId, type ScanEvent, scanEventSchema, type ScanSource, systemClock } from '../../shared/scan/types';

export type WorkflowName = 'receiving' | 'counts' | (string & {});
export type ScanHandler = (scan: ScanEvent) => void | Promise<void>;

export type UnroutedReason = 'no-active-workflow' | 'no-handler' | 'handler-failed' | 'invalid';

export interface UnroutedScan {
  scan: ScanEvent;
  reason: UnroutedReason;
  /** What to tell the user. */
  message: string;
  workflow: string | null;
}

export type RouteResult =
  | { status: 'routed'; workflow: string; scan: ScanEvent }
  | { status: 'unrouted'; reason: UnroutedReason; message: string; scan: ScanEvent }
  | { status: 'duplicate'; duplicateOf: string; scan: ScanEvent };

/** A scan as a source hands it in; the router fills in what is missing. */
export interface ScanInput {
  scannerId?: string;
  raw: string;
  source: ScanSource;
  symbologyId?: string | null;
  /** Any date string or Date; normalised to UTC ISO. Missing: now. */
  receivedAt?: string | Date;
  complete?: boolean;
  problem?: string;
  rawBytesHex?: string;
}

export interface ScanRouterOptions {
  /** Dedupe window in ms (0 = off). Default 600. */
  dedupeWindowMs?: number;
  clock?: Clock;
  /** Unrouted scans kept when nobody listens. Default 1000 (oldest dropped first, with a log line). */
  backlogLimit?: number;
  log?: (message: string) => void;
}

const MESSAGES: Record<UnroutedReason, (workflow: string | null) => string> = {
  'no-active-workflow': () => 'Scan received but no workflow is open (no receiving session or count open). The scan was kept.',
  'no-handler': (w) => `Scan received for "${w}", which is not ready to take scans. The scan was kept.`,
  'handler-failed': (w) => `Scan received but "${w}" could not process it. The scan was kept.`,
  invalid: () => 'Scan received but it is not valid (too long or malformed). The raw scan was kept.',
};

export class ScanRouter {
  private readonly handlers = new Map<string, ScanHandler>();
  private readonly unroutedListeners = new Set<(u: UnroutedScan) => void>();
  private readonly duplicateListeners = new Set<(scan: ScanEvent, duplicateOf: string) => void>();
  private readonly backlog: UnroutedScan[] = [];
  private active: string | null = null;
  private readonly deduper: ScanDeduper;
  private readonly clock: Clock;
  private readonly backlogLimit: number;

  constructor(private readonly options: ScanRouterOptions = {}) {
    this.deduper = new ScanDeduper(options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS);
    this.clock = options.clock ?? systemClock;
    this.backlogLimit = options.backlogLimit ?? 1000;
  }

  /** Register the handler of a workflow; returns a function that unregisters it. */
  register(workflow: WorkflowName, handler: ScanHandler): () => void {
    this.handlers.set(workflow, handler);
    return () => {
      if (this.handlers.get(workflow) === handler) this.handlers.delete(workflow);
    };
  }

  /** The workflow that receives scans from now on, or null for none. */
  setActiveWorkflow(workflow: WorkflowName | null): void {
    this.active = workflow;
  }

  get activeWorkflow(): string | null {
    return this.active;
  }

  /** Listen for scans that reached no workflow. Backlogged ones are delivered at once. */
  onUnrouted(listener: (u: UnroutedScan) => void): () => void {
    this.unroutedListeners.add(listener);
    for (const u of this.backlog.splice(0)) listener(u);
    return () => this.unroutedListeners.delete(listener);
  }

  onDuplicate(listener: (scan: ScanEvent, duplicateOf: string) => void): () => void {
    this.duplicateListeners.add(listener);
    return () => this.duplicateListeners.delete(listener);
  }

  /** Unrouted scans kept while nobody listened; empties the backlog. */
  takeUnrouted(): UnroutedScan[] {
    return this.backlog.splice(0);
  }

  /** Stamp a scan: UTC ISO time and a scanner id are always present. */
  stamp(input: ScanInput): ScanEvent {
    let at: Date = this.clock();
    if (input.receivedAt !== undefined) {
      const d = input.receivedAt instanceof Date ? input.receivedAt : new Date(input.receivedAt);
      if (!Number.isNaN(d.getTime())) at = d;
    }
    const scan: ScanEvent = {
      scannerId: input.scannerId && input.scannerId.trim() ? input.scannerId.trim() : `${input.source}:unknown`,
      raw: input.raw,
      symbologyId: input.symbologyId ?? leadingSymbologyId(input.raw),
      receivedAt: at.toISOString(),
      source: input.source,
      complete: input.complete ?? true,
    };
    if (input.problem !== undefined) scan.problem = input.problem;
    if (input.rawBytesHex !== undefined) scan.rawBytesHex = input.rawBytesHex;
    return scan;
  }

  /** Stamp, check, dedupe and deliver one scan. */
  async submit(input: ScanInput | ScanEvent): Promise<RouteResult> {
    const scan = this.stamp(input);
    const valid = scanEventSchema.safeParse(scan);
    if (!valid.success) {
      const detail = valid.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return this.unrouted(scan, 'invalid', this.active, `${MESSAGES.invalid(null)} (${detail})`);
    }

    const d = this.deduper.check(scan);
    if (d.duplicate) {
      for (const l of this.duplicateListeners) l(scan, d.duplicateOf!);
      return { status: 'duplicate', duplicateOf: d.duplicateOf!, scan };
    }

    const workflow = this.active;
    if (workflow === null) return this.unrouted(scan, 'no-active-workflow', null);
    const handler = this.handlers.get(workflow);
    if (!handler) return this.unrouted(scan, 'no-handler', workflow);
    try {
      await handler(scan);
    } catch (err) {
      this.options.log?.(`[scan-router] ${workflow} handler failed: ${err instanceof Error ? err.message : String(err)}`);
      return this.unrouted(scan, 'handler-failed', workflow);
    }
    return { status: 'routed', workflow, scan };
  }

  private unrouted(scan: ScanEvent, reason: UnroutedReason, workflow: string | null, message = MESSAGES[reason](workflow)): RouteResult {
    const u: UnroutedScan = { scan, reason, message, workflow };
    if (this.unroutedListeners.size === 0) {
      this.backlog.push(u);
      if (this.backlog.length > this.backlogLimit) {
        const dropped = this.backlog.shift()!;
        this.options.log?.(`[scan-router] unrouted backlog full, oldest dropped: ${JSON.stringify(dropped.scan)}`);
      }
    } else {
      for (const l of this.unroutedListeners) l(u);
    }
    return { status: 'unrouted', reason, message, scan };
  }
}
