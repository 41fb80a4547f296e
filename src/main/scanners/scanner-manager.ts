/**
 * Finds USB barcode scanners, takes them from the OS, reads their reports and emits ScanEvents.
 *
 * - A device is a scanner when one of its HID interfaces has a report descriptor with an
 *   application collection on usage page 0x8C (HID POS), or when its vendor is a known scanner
 *   maker (then a keyboard-mode interface is taken too, decoded from keyboard reports).
 *   Interfaces of unknown vendors are probed only when they are not boot keyboards or mice,
 *   and given back at once when they are not HID POS.
 * - On Linux the kernel driver (usbhid) is detached before claiming and re-attached after
 *   releasing, so a stopped app, an unplug or a failed claim leaves the scanner working as a
 *   keyboard again.
 * - Hot-plug is followed; a scan cut by an unplug is emitted as incomplete with its bytes.
 * - No USB access (no native module, no /sys/bus/usb, no permission) is a status, not a crash:
 *   `status().usbAvailable` is false with the reason, and the rest of the app keeps working
 *   (keyboard-wedge scans still reach the router).
 */
import { EventEmitter } from 'node:events';
import { HidKeyboardDecoder, type KeyboardScan } from '../../shared/scan/hid-keyboard-report';
import { DEFAULT_HID_POS_LAYOUT, type HidPosLayout, layoutFromDescriptor, parseHidPosReport } from '../../shared/scan/hid-pos-report';
import { classifyHidInterface, keyboardReportId, parseHidReportDescriptor } from '../../shared/scan/hid-report-descriptor';
import { ScanAssembler } from '../../shared/scan/scan-assembler';
import { type Clock, leadingSymbologyId, type ScanEvent, systemClock, toHex } from '../../shared/scan/types';
import { hex4, type KnownVendor, knownScannerVendor } from './known-vendors';
import {
  DeviceGoneError,
  describeUsbError,
  USB_CLASS_HID,
  type UsbDeviceHandle,
  type UsbInterfaceInfo,
  type UsbTransport,
  UsbUnavailableError,
} from './transport';

export type ScannerState = 'connected' | 'claimed' | 'error' | 'disconnected';
export type ScannerMode = 'hid-pos' | 'keyboard' | 'unknown';

/** One row of the Settings screen's scanner list. */
export interface ScannerInfo {
  /** Stable across re-plugs: vendor:product:serial, or vendor:product@bus-port without a serial. */
  id: string;
  vendorId: number;
  productId: number;
  /** Maker from our vendor table, else the device's manufacturer string, else the vendor ID in hex. */
  vendorName: string;
  product: string | null;
  serialNumber: string | null;
  state: ScannerState;
  mode: ScannerMode;
  /** What went wrong, in words (state 'error'), or a note (keyboard mode left to the OS). */
  error?: string;
  lastScanAt?: string;
}

export interface ScannerManagerStatus {
  usbAvailable: boolean;
  usbError?: string;
  scanners: ScannerInfo[];
}

export interface ScannerManagerOptions {
  /** The USB transport, or a factory (default: the `usb` package, loaded lazily). */
  transport?: UsbTransport | (() => Promise<UsbTransport>);
  clock?: Clock;
  /** More scanner makers to recognise by vendor ID. */
  extraVendors?: KnownVendor[];
  /** Probe non-boot HID interfaces of unknown vendors for usage page 0x8C. Default true. */
  probeUnknownVendors?: boolean;
  /** Take known-vendor scanners that are in keyboard mode from the OS and decode them here. Default true. */
  claimKeyboardModeScanners?: boolean;
  /** How long one interrupt read waits before looping (bounds how long stop() takes). Default 500 ms. */
  readTimeoutMs?: number;
  /** A scan with no further report for this long is reported incomplete. Default 1000 ms. */
  incompleteScanTimeoutMs?: number;
  /** Consecutive read errors before a scanner is put in state 'error'. Default 3. */
  maxReadErrors?: number;
  log?: (message: string) => void;
}

interface Session {
  device: UsbDeviceHandle;
  info: ScannerInfo;
  interfaceNumber: number | null;
  endpoint: { endpointNumber: number; packetSize: number } | null;
  detached: boolean;
  claimed: boolean;
  stopping: boolean;
  gone: boolean;
  loop: Promise<void> | null;
  assembler: ScanAssembler | null;
  keyboard: HidKeyboardDecoder | null;
  layout: HidPosLayout;
  lastReportAt: number;
}

export interface ScannerManagerEvents {
  scan: [ScanEvent];
  status: [ScannerManagerStatus];
}

/** Decide scanner id from what the device tells about itself. */
export function scannerIdOf(info: UsbDeviceHandle['info']): string {
  const base = `${hex4(info.vendorId)}:${hex4(info.productId)}`;
  if (info.serialNumber) return `${base}:${info.serialNumber}`;
  return `${base}@${info.location ?? info.handle}`;
}

export class ScannerManager extends EventEmitter<ScannerManagerEvents> {
  private transport: UsbTransport | null = null;
  private ownsTransport = false;
  private usbAvailable = false;
  private usbError: string | undefined = 'USB scanners are not started yet';
  private readonly sessions = new Map<string, Session>(); // by device handle
  private readonly known = new Map<string, ScannerInfo>(); // by scanner id, incl. disconnected
  private readonly attaching = new Map<string, Promise<void>>();
  private unsubscribe: Array<() => void> = [];
  private started = false;
  private readonly clock: Clock;
  private readonly readTimeoutMs: number;
  private readonly incompleteMs: number;
  private readonly maxReadErrors: number;

  constructor(private readonly options: ScannerManagerOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.readTimeoutMs = options.readTimeoutMs ?? 500;
    this.incompleteMs = options.incompleteScanTimeoutMs ?? 1000;
    this.maxReadErrors = options.maxReadErrors ?? 3;
  }

  /** Start: get USB access, take the scanners present, follow hot-plug. Never rejects for lack of USB. */
  async start(): Promise<ScannerManagerStatus> {
    if (this.started) return this.status();
    this.started = true;
    await this.connectTransport();
    return this.status();
  }

  /** Try again to get USB access (after installing the udev rule, for example) and re-enumerate. */
  async rescan(): Promise<ScannerManagerStatus> {
    if (!this.started) return this.start();
    if (!this.transport) await this.connectTransport();
    else await this.enumerate();
    return this.status();
  }

  /** Stop reading, flush scans in progress as incomplete, release interfaces and give them back to the OS. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.allSettled([...this.attaching.values()]);
    await Promise.allSettled([...this.sessions.values()].map((s) => this.release(s, 'the scanner service stopped', 'connected')));
    this.sessions.clear();
    if (this.transport && this.ownsTransport) await this.transport.dispose().catch(() => undefined);
    this.transport = null;
    this.usbAvailable = false;
    this.usbError = 'USB scanners are stopped';
    this.emitStatus();
  }

  status(): ScannerManagerStatus {
    const s: ScannerManagerStatus = { usbAvailable: this.usbAvailable, scanners: this.list() };
    if (!this.usbAvailable && this.usbError !== undefined) s.usbError = this.usbError;
    return s;
  }

  /** Scanners seen since start, including unplugged ones, sorted by id. */
  list(): ScannerInfo[] {
    return [...this.known.values()].map((i) => ({ ...i })).sort((a, b) => a.id.localeCompare(b.id));
  }

  // ---- internals ---------------------------------------------------------------------------

  private log(message: string): void {
    this.options.log?.(`[scanners] ${message}`);
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }

  private async connectTransport(): Promise<void> {
    try {
      const t = this.options.transport;
      if (typeof t === 'function') {
        this.transport = await t();
        this.ownsTransport = true;
      } else if (t) {
        this.transport = t;
        this.ownsTransport = false;
      } else {
        const { createWebUsbTransport } = await import('./webusb-transport');
        this.transport = await createWebUsbTransport();
        this.ownsTransport = true;
      }
      this.unsubscribe.push(
        this.transport.onConnect((d) => void this.attach(d)),
        this.transport.onDisconnect((h) => void this.onDisconnect(h)),
      );
      this.usbAvailable = true;
      this.usbError = undefined;
      await this.enumerate();
    } catch (err) {
      this.setUnavailable(err);
    }
    this.emitStatus();
  }

  private setUnavailable(err: unknown): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.transport = null;
    this.usbAvailable = false;
    const msg = err instanceof Error ? err.message : String(err);
    // The reason only: whoever shows it adds what still works there (scan-intake.ts).
    this.usbError = err instanceof UsbUnavailableError ? `No USB access: ${msg.replace(/\.$/, '')}` : `No USB access (${msg})`;
    this.log(`${this.usbError}. Scanners in keyboard mode still work.`);
  }

  private async enumerate(): Promise<void> {
    if (!this.transport) return;
    let devices: UsbDeviceHandle[];
    try {
      devices = await this.transport.getDevices();
    } catch (err) {
      this.setUnavailable(err);
      return;
    }
    await Promise.allSettled(devices.map((d) => this.attach(d)));
  }

  private attach(device: UsbDeviceHandle): Promise<void> {
    const key = device.info.handle;
    const existing = this.attaching.get(key);
    if (existing) return existing;
    const current = this.sessions.get(key);
    if (current) {
      // A scanner in error (busy, no permission) is tried again on rescan; others are left be.
      if (current.info.state !== 'error') return Promise.resolve();
      this.sessions.delete(key);
      void current.device.close().catch(() => undefined);
    }
    const p = this.attachNow(device)
      .catch((err) => this.log(`attaching ${key}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.attaching.delete(key));
    this.attaching.set(key, p);
    return p;
  }

  private describe(device: UsbDeviceHandle, vendor: KnownVendor | undefined): ScannerInfo {
    const info = device.info;
    return {
      id: scannerIdOf(info),
      vendorId: info.vendorId,
      productId: info.productId,
      vendorName: vendor?.name ?? info.manufacturerName ?? hex4(info.vendorId),
      product: info.productName,
      serialNumber: info.serialNumber,
      state: 'connected',
      mode: 'unknown',
    };
  }

  private newSession(device: UsbDeviceHandle, info: ScannerInfo): Session {
    return {
      device,
      info,
      interfaceNumber: null,
      endpoint: null,
      detached: false,
      claimed: false,
      stopping: false,
      gone: false,
      loop: null,
      assembler: null,
      keyboard: null,
      layout: DEFAULT_HID_POS_LAYOUT,
      lastReportAt: 0,
    };
  }

  private publish(session: Session): void {
    this.known.set(session.info.id, session.info);
    this.emitStatus();
  }

  private setError(session: Session, message: string): void {
    session.info.state = 'error';
    session.info.error = message;
    this.log(`${session.info.id}: ${message}`);
    this.publish(session);
  }

  private async attachNow(device: UsbDeviceHandle): Promise<void> {
    if (!this.started) return;
    const vendor = knownScannerVendor(device.info.vendorId, this.options.extraVendors);
    const probeUnknown = this.options.probeUnknownVendors ?? true;
    if (!vendor && !probeUnknown) return;

    const session = this.newSession(device, this.describe(device, vendor));

    let interfaces: UsbInterfaceInfo[];
    let configurationValue: number | null;
    try {
      ({ interfaces, configurationValue } = await device.getInterfaces());
    } catch (err) {
      if (vendor) {
        this.sessions.set(device.info.handle, session);
        this.setError(session, describeUsbError('Reading the scanner configuration', err));
      }
      return;
    }

    const hid = interfaces.filter(
      (i) => i.interfaceClass === USB_CLASS_HID && i.endpoints.some((e) => e.direction === 'in' && e.type === 'interrupt'),
    );
    // Non-boot interfaces first: HID POS is never a boot interface, a scanner's keyboard one usually is.
    const candidates = hid
      .filter((i) => vendor !== undefined || i.interfaceSubclass !== 1)
      .sort((a, b) => a.interfaceSubclass - b.interfaceSubclass || a.interfaceNumber - b.interfaceNumber);

    if (candidates.length === 0) {
      if (vendor) {
        this.sessions.set(device.info.handle, session);
        const classes = interfaces.map((i) => `0x${i.interfaceClass.toString(16).padStart(2, '0')}`).join(', ') || 'none';
        this.setError(
          session,
          `This ${vendor.name} device has no HID interface (interface classes: ${classes}). Program the scanner for USB HID POS or USB keyboard mode (see docs/scanners.md).`,
        );
      }
      return;
    }

    try {
      await device.open();
      if (configurationValue === null) await device.selectConfiguration(1);
    } catch (err) {
      if (vendor) {
        this.sessions.set(device.info.handle, session);
        this.setError(session, describeUsbError('Opening the scanner', err));
      }
      return;
    }
    this.sessions.set(device.info.handle, session);
    if (vendor) this.publish(session);

    let lastError: string | null = null;
    for (const iface of candidates) {
      if (session.gone || !this.started) return;
      const n = iface.interfaceNumber;
      session.detached = false;
      if (this.transport?.platform === 'linux') {
        try {
          await device.detachKernelDriver(n);
          session.detached = true;
        } catch {
          // No driver bound (ENODATA) or not permitted: the claim below says what matters.
        }
      }
      try {
        await device.claimInterface(n);
      } catch (err) {
        lastError = describeUsbError(`Claiming interface ${n}`, err);
        await this.giveBack(session, n, false);
        continue;
      }
      session.claimed = true;
      session.interfaceNumber = n;

      let mode: ScannerMode;
      try {
        const descriptor = parseHidReportDescriptor(await device.readHidReportDescriptor(n));
        const kind = classifyHidInterface(descriptor);
        if (kind === 'hid-pos') {
          mode = 'hid-pos';
          session.layout = layoutFromDescriptor(descriptor) ?? DEFAULT_HID_POS_LAYOUT;
        } else if (kind === 'keyboard' && vendor) {
          mode = 'keyboard';
          const id = keyboardReportId(descriptor);
          session.keyboard = new HidKeyboardDecoder(id === undefined ? {} : { reportId: id });
        } else {
          await this.giveBack(session, n, true);
          continue;
        }
      } catch (err) {
        if (!vendor) {
          await this.giveBack(session, n, true);
          continue;
        }
        // A known scanner whose descriptor we could not read: judge by the interface protocol.
        this.log(`${session.info.id}: report descriptor unreadable (${err instanceof Error ? err.message : String(err)}), guessing from the interface`);
        mode = iface.interfaceProtocol === 1 ? 'keyboard' : 'hid-pos';
        if (mode === 'keyboard') session.keyboard = new HidKeyboardDecoder();
      }

      if (mode === 'keyboard' && !(this.options.claimKeyboardModeScanners ?? true)) {
        await this.giveBack(session, n, true);
        session.info.mode = 'keyboard';
        session.info.state = 'connected';
        session.info.error = 'In keyboard mode and left to the operating system: scans arrive through the keyboard wedge.';
        this.publish(session);
        return;
      }

      const ep = iface.endpoints.find((e) => e.direction === 'in' && e.type === 'interrupt')!;
      session.endpoint = { endpointNumber: ep.endpointNumber, packetSize: ep.packetSize || 64 };
      session.info.mode = mode;
      session.info.state = 'claimed';
      delete session.info.error;
      if (mode === 'hid-pos') session.assembler = new ScanAssembler({ scannerId: session.info.id, source: 'usb-hid-pos' });
      this.publish(session);
      this.log(`${session.info.id}: claimed interface ${n} (${mode})`);
      session.loop = this.readLoop(session);
      return;
    }

    // Nothing usable.
    if (vendor) {
      this.setError(session, lastError ?? `No barcode scanner interface found on this ${vendor.name} device.`);
    } else {
      this.sessions.delete(device.info.handle);
    }
    await device.close().catch(() => undefined);
  }

  /** Release an interface (when claimed) and re-attach the kernel driver we detached. */
  private async giveBack(session: Session, n: number, claimed: boolean): Promise<void> {
    if (claimed) await session.device.releaseInterface(n).catch(() => undefined);
    session.claimed = false;
    if (session.detached) {
      await session.device.attachKernelDriver(n).catch((err) => this.log(`${session.info.id}: re-attaching the kernel driver: ${err instanceof Error ? err.message : String(err)}`));
      session.detached = false;
    }
  }

  private emitScan(session: Session, event: ScanEvent): void {
    session.info.lastScanAt = event.receivedAt;
    this.emit('scan', event);
  }

  private keyboardEvent(session: Session, scan: KeyboardScan | { text: string; reports: Uint8Array[] }, complete: boolean, problem?: string): ScanEvent {
    const all = scan.reports.reduce((n, r) => n + r.length, 0);
    const bytes = new Uint8Array(all);
    let at = 0;
    for (const r of scan.reports) {
      bytes.set(r, at);
      at += r.length;
    }
    const event: ScanEvent = {
      scannerId: session.info.id,
      raw: scan.text,
      symbologyId: leadingSymbologyId(scan.text),
      receivedAt: this.clock().toISOString(),
      source: 'usb-keyboard',
      complete,
      rawBytesHex: toHex(bytes),
    };
    if (problem) event.problem = problem;
    return event;
  }

  /** Emit a scan in progress as incomplete (keeps its bytes). */
  private flushIncomplete(session: Session, reason: string): void {
    if (session.assembler) {
      const e = session.assembler.abort(reason, this.clock());
      if (e) this.emitScan(session, e);
    }
    if (session.keyboard) {
      const pending = session.keyboard.pending();
      if (pending.text.length > 0) {
        this.emitScan(session, this.keyboardEvent(session, pending, false, `incomplete scan: ${reason}`));
      }
      session.keyboard.reset();
    }
  }

  private handleReport(session: Session, report: Uint8Array): void {
    const now = this.clock();
    session.lastReportAt = now.getTime();
    if (session.assembler) {
      const fragment = parseHidPosReport(report, session.layout);
      if (!fragment) return;
      const e = session.assembler.push(fragment, now);
      if (e) this.emitScan(session, e);
    } else if (session.keyboard) {
      for (const scan of session.keyboard.push(report)) this.emitScan(session, this.keyboardEvent(session, scan, true));
    }
  }

  private async readLoop(session: Session): Promise<void> {
    const ep = session.endpoint!;
    let errors = 0;
    while (!session.stopping && !session.gone) {
      let report: Uint8Array | null;
      try {
        report = await session.device.transferIn(ep.endpointNumber, ep.packetSize, this.readTimeoutMs);
      } catch (err) {
        if (session.stopping) return;
        if (err instanceof DeviceGoneError) {
          this.onGone(session);
          return;
        }
        errors++;
        if (errors >= this.maxReadErrors) {
          this.flushIncomplete(session, 'reading from the scanner failed');
          this.setError(session, describeUsbError('Reading from the scanner', err));
          await this.giveBack(session, session.interfaceNumber!, true);
          return;
        }
        continue;
      }
      if (session.stopping || session.gone) {
        if (report) this.handleReport(session, report);
        return;
      }
      if (report === null) {
        const idle = this.clock().getTime() - session.lastReportAt;
        if (idle >= this.incompleteMs) {
          if (session.assembler?.pendingSince) this.flushIncomplete(session, `no further report within ${this.incompleteMs} ms`);
          else if (session.keyboard && session.keyboard.pending().text.length > 0) {
            this.flushIncomplete(session, 'no Enter after the data: set the scanner suffix to Enter (CR)');
          }
        }
        continue;
      }
      errors = 0;
      this.handleReport(session, report);
    }
  }

  private onGone(session: Session): void {
    if (session.gone) return;
    session.gone = true;
    session.stopping = true;
    this.flushIncomplete(session, 'the scanner was unplugged mid-scan');
    session.info.state = 'disconnected';
    delete session.info.error;
    this.sessions.delete(session.device.info.handle);
    void session.device.close().catch(() => undefined);
    this.publish(session);
  }

  private async onDisconnect(handle: string): Promise<void> {
    const pending = this.attaching.get(handle);
    if (pending) await pending;
    const session = this.sessions.get(handle);
    if (session) this.onGone(session);
  }

  private async release(session: Session, reason: string, finalState: ScannerState): Promise<void> {
    session.stopping = true;
    if (session.loop) await session.loop.catch(() => undefined);
    this.flushIncomplete(session, reason);
    if (session.gone) return;
    if (session.claimed && session.interfaceNumber !== null) await this.giveBack(session, session.interfaceNumber, true);
    await session.device.close().catch(() => undefined);
    if (session.info.state === 'claimed') session.info.state = finalState;
    this.known.set(session.info.id, session.info);
  }
}
