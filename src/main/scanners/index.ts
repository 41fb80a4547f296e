/**
 * Entry point for the composition root:
 *
 * ```ts
 * const scanners = await startScannerService({ log: console.warn });
 * scanners.router.register('receiving', (scan) => receiving.onScan(scan));
 * scanners.router.onUnrouted((u) => notifyUser(u.message, u.scan));
 * scanners.router.setActiveWorkflow('receiving');           // when a session opens
 * ipc 'scan:wedge' → scanners.router.submit({ ...payload, source: 'wedge' });
 * ipc 'scanners:list' → scanners.status();                  // Settings screen
 * await scanners.stop();                                     // on quit
 * ```
 */
import { ScanRouter, type ScanRouterOptions } from './scan-router';
import { ScannerManager, type ScannerManagerOptions, type ScannerManagerStatus } from './scanner-manager';

export interface ScannerService {
  manager: ScannerManager;
  router: ScanRouter;
  /** For the Settings screen: USB availability and every scanner with its state. */
  status(): ScannerManagerStatus;
  /** Retry USB access and re-enumerate (a "Rescan" button). */
  rescan(): Promise<ScannerManagerStatus>;
  stop(): Promise<void>;
}

export interface ScannerServiceOptions extends ScannerManagerOptions {
  /** Use an existing router (else one is made with `dedupeWindowMs`). */
  router?: ScanRouter;
  dedupeWindowMs?: number;
}

/** Start the scanner manager and feed its scans into the router. Resolves even without USB access. */
export async function startScannerService(options: ScannerServiceOptions = {}): Promise<ScannerService> {
  const routerOptions: ScanRouterOptions = {};
  if (options.dedupeWindowMs !== undefined) routerOptions.dedupeWindowMs = options.dedupeWindowMs;
  if (options.clock) routerOptions.clock = options.clock;
  if (options.log) routerOptions.log = options.log;
  const router = options.router ?? new ScanRouter(routerOptions);
  const manager = new ScannerManager(options);
  manager.on('scan', (scan) => {
    router.submit(scan).catch((err) => options.log?.(`[scanners] routing failed: ${String(err)}`));
  });
  await manager.start();
  return {
    manager,
    router,
    status: () => manager.status(),
    rescan: () => manager.rescan(),
    stop: () => manager.stop(),
  };
}

export { ScanRouter } from './scan-router';
export type { RouteResult, ScanHandler, ScanInput, UnroutedScan, WorkflowName } from './scan-router';
export { ScannerManager } from './scanner-manager';
export type { ScannerInfo, ScannerManagerStatus, ScannerMode, ScannerState } from './scanner-manager';
export { KNOWN_SCANNER_VENDORS } from './known-vendors';
