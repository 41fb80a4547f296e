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

const services = new WeakMap<Workstation, ReceivingService>();
const scannerServices = new WeakMap<Workstation, ScannerService>();

/** Settings' "Look for scanners again": retries USB access and any scanner in error. */
export async function rescanScanners(ws: Workstation): Promise<void> {
  await scannerServices.get(ws)?.rescan();
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
      message: st.usbAvailable ? null : `USB scanners unavailable${st.usbError ? `: ${st.usbError}` : ''}. Scanners in keyboard mode still work on the Receiving screen.`,
      scanners: st.scanners.map((s) => ({ id: s.id, name: [s.vendorName, s.product].filter(Boolean).join(' '), state: s.state, error: s.error ?? null })),
    };
  };
}

/**
 * Starts everything receiving needs on a host (browser host, Electron shell, `rxledger serve`):
 * the USB scanner service (or none, when USB is unavailable — it never fails for that), the
 * scan router with the 'receiving' workflow registered, and the receiving service the IPC
 * handlers use. Idempotent per workstation; `await service.stop()` on quit.
 *
 *   const receiving = await startReceivingService(ws);
 *   …
 *   await receiving.stop();
 */
export async function startReceivingService(ws: Workstation, opts: StartReceivingOptions = {}): Promise<ReceivingService> {
  const existing = services.get(ws);
  if (existing) return existing;
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
  const raced = services.get(ws);
  if (raced) {
    if (owned) await scanners?.stop();
    return raced;
  }
  const svc = new ReceivingService(ws, {
    router: scanners?.router ?? new ScanRouter({ log }),
    scannerStatus: statusOf(scanners, note),
    ...(opts.catalog ? { catalog: opts.catalog } : {}),
    onStop: async () => {
      services.delete(ws);
      if (owned) await scanners?.stop();
    },
    log,
  });
  services.set(ws, svc);
  if (scanners) scannerServices.set(ws, scanners);
  return svc;
}

/**
 * The workstation's receiving service, for the IPC handlers. When no host started one (a
 * test, an older shell), one is made on the spot without USB: receiving still works with the
 * keyboard wedge and the test hook.
 */
export function receivingServiceOf(ws: Workstation): ReceivingService {
  let svc = services.get(ws);
  if (!svc) {
    const router = new ScanRouter({ log: (m) => console.warn(m) });
    const note = 'USB scanners were not started by this host. Scanners in keyboard mode still work on the Receiving screen.';
    svc = new ReceivingService(ws, {
      router,
      scannerStatus: statusOf(null, note),
      onStop: async () => {
        services.delete(ws);
      },
    });
    services.set(ws, svc);
  }
  return svc;
}
