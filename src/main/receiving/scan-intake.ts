import { CountScanFeed } from '../counts/scan-feed';
import { ScanRouter, startScannerService, type ScannerService } from '../scanners';
import type { ScannerServiceOptions } from '../scanners';
import type { Workstation } from '../workstation';
import type { ReceivingCatalog } from './catalog';
import { ReceivingService, type ScannerStatusView } from './service';

export interface StartReceivingOptions {
  /**
   * USB scanners: a running ScannerService to share (its router is used), options for one to
   * start here (default), or false for none (the keyboard wedge and the test hook still work).
   */
  scanners?: ScannerService | ScannerServiceOptions | false;
  /** The catalog (default: the catalog tables in the workstation database, when present). */
  catalog?: ReceivingCatalog;
  log?: (message: string) => void;
}

function isService(x: unknown): x is ScannerService {
  return typeof x === 'object' && x !== null && 'router' in x && 'manager' in x;
}

function statusOf(scanners: ScannerService | null, note: string | null): () => ScannerStatusView {
  return () => {
    if (!scanners) return { usbAvailable: false, message: note, scanners: [] };
    const st = scanners.status();
    return {
      usbAvailable: st.usbAvailable,
      message: st.usbAvailable ? null : `${st.usbError ?? 'USB scanners unavailable'}. Scanners in keyboard mode still work on the Receiving and Counts screens.`,
      scanners: st.scanners.map((s) => ({ id: s.id, name: [s.vendorName, s.product].filter(Boolean).join(' '), state: s.state, error: s.error ?? null })),
    };
  };
}

/**
 * A workstation's scan intake, owned by its composition root: the USB scanner service (or
 * none, when USB is unavailable — it never fails for that), the one scan router, the receiving
 * service with the 'receiving' workflow, and the count scan feed on the same router. A host
 * (browser host, Electron shell, `rxledger serve`) starts it; without a start (a test, the
 * CLI), receiving still works with the keyboard wedge and the test hook.
 *
 *   const receiving = await ws.scanIntake.start();
 *   …
 *   await receiving.stop();
 */
export class ScanIntake {
  private service: ReceivingService | null = null;
  private scanners: ScannerService | null = null;
  private feed: CountScanFeed | null = null;

  constructor(private readonly ws: Workstation) {}

  /** Starts scanners and receiving once; a second call returns the running service. */
  async start(opts: StartReceivingOptions = {}): Promise<ReceivingService> {
    if (this.service) return this.service;
    const log = opts.log ?? ((m: string) => console.warn(m));
    let scanners: ScannerService | null = null;
    let owned = false;
    let note: string | null = null;
    if (isService(opts.scanners)) scanners = opts.scanners;
    else if (opts.scanners === false) note = 'USB scanners are off on this host. Scanners in keyboard mode still work on the Receiving screen.';
    else {
      try {
        scanners = await startScannerService({ log, ...(opts.scanners ?? {}) });
        owned = true;
      } catch (err) {
        note = `USB scanners could not be started (${err instanceof Error ? err.message : String(err)}). Scanners in keyboard mode still work on the Receiving screen.`;
        log(`[receiving] ${note}`);
      }
    }
    // Another start may have finished while USB was starting.
    if (this.service) {
      if (owned) await scanners?.stop();
      return this.service;
    }
    this.service = this.make(scanners?.router ?? new ScanRouter({ log }), statusOf(scanners, note), log, opts.catalog, async () => {
      if (owned) await scanners?.stop();
      this.scanners = null;
    });
    this.scanners = scanners;
    return this.service;
  }

  /** The receiving service: the started one, else one made now without USB. */
  get receiving(): ReceivingService {
    if (!this.service) {
      const log = (m: string) => console.warn(m);
      const note = 'USB scanners were not started by this host. Scanners in keyboard mode still work on the Receiving screen.';
      this.service = this.make(new ScanRouter({ log }), statusOf(null, note), log, undefined, async () => undefined);
    }
    return this.service;
  }

  /** The count scan feed, on the router receiving runs. */
  get countScans(): CountScanFeed {
    this.feed ??= new CountScanFeed(
      this.ws,
      () => this.receiving.router,
      () => this.receiving.activeSessionId !== null,
    );
    return this.feed;
  }

  /** Settings' "Look for scanners again": retries USB access and any scanner in error. */
  async rescan(): Promise<void> {
    await this.scanners?.rescan();
  }

  private make(router: ScanRouter, scannerStatus: () => ScannerStatusView, log: (m: string) => void, catalog: ReceivingCatalog | undefined, stopScanners: () => Promise<void>): ReceivingService {
    return new ReceivingService(this.ws, {
      router,
      scannerStatus,
      ...(catalog ? { catalog } : {}),
      onStop: async () => {
        this.service = null;
        await stopScanners();
      },
      log,
    });
  }
}
