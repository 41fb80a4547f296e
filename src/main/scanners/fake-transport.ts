/**
 * An in-memory UsbTransport for tests and for running without hardware: devices are plugged
 * and unplugged by calls, and input reports are fed from recorded bytes. It behaves like the
 * real one where the manager can tell: reads time out with null, an unplug makes a pending
 * read reject with DeviceGoneError, a claim can fail as "busy", listing can fail as
 * "no USB access".
 */
import {
  DeviceGoneError,
  USB_CLASS_HID,
  type UsbDeviceHandle,
  type UsbDeviceInfo,
  type UsbInterfaceInfo,
  type UsbTransport,
  UsbUnavailableError,
} from './transport';

/** HID POS scanner report descriptor (Bar Code Scanner collection, scanned data report ID 2, 64 bytes). */
export const FAKE_HID_POS_REPORT_DESCRIPTOR = Uint8Array.from([
  0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x12, 0xa1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08,
  0x95, 0x01, 0x05, 0x01, 0x09, 0x3b, 0x81, 0x02, 0x95, 0x03, 0x05, 0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81,
  0x02, 0x95, 0x38, 0x09, 0xfe, 0x82, 0x02, 0x01, 0x06, 0x66, 0xff, 0x95, 0x02, 0x09, 0x04, 0x09, 0x00, 0x81, 0x02,
  0x05, 0x8c, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xff, 0x81, 0x02, 0xc0, 0xc0,
]);

/** Boot keyboard report descriptor (Generic Desktop / Keyboard, 8-byte reports, no report ID). */
export const FAKE_KEYBOARD_REPORT_DESCRIPTOR = Uint8Array.from([
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95,
  0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07,
  0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
]);

/** Generic Desktop / Mouse: a HID device that is not a scanner. */
export const FAKE_MOUSE_REPORT_DESCRIPTOR = Uint8Array.from([0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00, 0xc0, 0xc0]);

export interface FakeDeviceOptions {
  handle: string;
  vendorId: number;
  productId: number;
  productName?: string | null;
  manufacturerName?: string | null;
  serialNumber?: string | null;
  location?: string | null;
  interfaces?: UsbInterfaceInfo[];
  reportDescriptors?: Record<number, Uint8Array>;
  /** Errors to throw from operations, by name (e.g. `{ claimInterface: new Error('Device or resource busy (os error 16)') }`). */
  errors?: Partial<Record<'getInterfaces' | 'open' | 'claimInterface' | 'detachKernelDriver' | 'readHidReportDescriptor', Error>>;
}

export function hidInterface(interfaceNumber: number, opts: { boot?: 'keyboard' | 'mouse'; endpoint?: number; packetSize?: number } = {}): UsbInterfaceInfo {
  return {
    interfaceNumber,
    interfaceClass: USB_CLASS_HID,
    interfaceSubclass: opts.boot ? 1 : 0,
    interfaceProtocol: opts.boot === 'keyboard' ? 1 : opts.boot === 'mouse' ? 2 : 0,
    endpoints: [{ endpointNumber: opts.endpoint ?? interfaceNumber + 1, direction: 'in', type: 'interrupt', packetSize: opts.packetSize ?? 64 }],
  };
}

export class FakeUsbDevice implements UsbDeviceHandle {
  readonly info: UsbDeviceInfo;
  /** Every operation, in order, e.g. `detach:0`, `claim:0`, `release:0`, `attach:0`. */
  readonly calls: string[] = [];
  gone = false;
  opened = false;
  private readonly claimed = new Set<number>();
  private readonly detached = new Set<number>();
  private readonly queue: Uint8Array[] = [];
  private waiter: { resolve: (r: Uint8Array | null) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(private readonly options: FakeDeviceOptions) {
    this.info = {
      handle: options.handle,
      vendorId: options.vendorId,
      productId: options.productId,
      productName: options.productName ?? null,
      manufacturerName: options.manufacturerName ?? null,
      serialNumber: options.serialNumber ?? null,
      location: options.location ?? null,
    };
  }

  /** Is the kernel driver currently detached from this interface (scanner taken from the OS)? */
  isDetached(n: number): boolean {
    return this.detached.has(n);
  }
  isClaimed(n: number): boolean {
    return this.claimed.has(n);
  }

  /** Make an operation fail from now on (or succeed again with undefined). */
  setError(op: keyof NonNullable<FakeDeviceOptions['errors']>, err: Error | undefined): void {
    this.options.errors = { ...this.options.errors, [op]: err };
  }

  /** Queue input reports as if the scanner sent them. */
  send(...reports: Uint8Array[]): void {
    this.queue.push(...reports);
    this.deliver();
  }

  /** The device vanishes: pending and later reads reject. */
  markGone(): void {
    this.gone = true;
    if (this.waiter) {
      clearTimeout(this.waiter.timer);
      this.waiter.reject(new DeviceGoneError('transferIn error: Disconnected'));
      this.waiter = null;
    }
  }

  private fail(op: keyof NonNullable<FakeDeviceOptions['errors']>): void {
    if (this.gone) throw new DeviceGoneError(`${op} error: No such device (os error 19)`);
    const err = this.options.errors?.[op];
    if (err) throw err;
  }

  private deliver(): void {
    if (!this.waiter || this.queue.length === 0) return;
    const { resolve, timer } = this.waiter;
    this.waiter = null;
    clearTimeout(timer);
    resolve(this.queue.shift()!);
  }

  async getInterfaces(): Promise<{ configurationValue: number | null; interfaces: UsbInterfaceInfo[] }> {
    this.fail('getInterfaces');
    return { configurationValue: 1, interfaces: this.options.interfaces ?? [hidInterface(0)] };
  }
  async open(): Promise<void> {
    this.calls.push('open');
    this.fail('open');
    this.opened = true;
  }
  async close(): Promise<void> {
    this.calls.push('close');
    this.opened = false;
  }
  async selectConfiguration(v: number): Promise<void> {
    this.calls.push(`config:${v}`);
  }
  async detachKernelDriver(n: number): Promise<void> {
    this.calls.push(`detach:${n}`);
    this.fail('detachKernelDriver');
    this.detached.add(n);
  }
  async attachKernelDriver(n: number): Promise<void> {
    this.calls.push(`attach:${n}`);
    if (this.gone) throw new DeviceGoneError('attachKernelDriver error: No such device');
    this.detached.delete(n);
  }
  async claimInterface(n: number): Promise<void> {
    this.calls.push(`claim:${n}`);
    this.fail('claimInterface');
    this.claimed.add(n);
  }
  async releaseInterface(n: number): Promise<void> {
    this.calls.push(`release:${n}`);
    if (!this.claimed.has(n)) throw new Error('releaseInterface error: not claimed');
    this.claimed.delete(n);
  }
  async readHidReportDescriptor(n: number): Promise<Uint8Array> {
    this.fail('readHidReportDescriptor');
    if (!this.claimed.has(n)) throw new Error('controlTransferIn error: invalid state');
    const d = this.options.reportDescriptors?.[n];
    if (!d) throw new Error('report descriptor request stall');
    return d;
  }
  transferIn(endpointNumber: number, _length: number, timeoutMs: number): Promise<Uint8Array | null> {
    if (this.gone) return Promise.reject(new DeviceGoneError('transferIn error: Disconnected'));
    const iface = (this.options.interfaces ?? [hidInterface(0)]).find((i) => i.endpoints.some((e) => e.endpointNumber === endpointNumber));
    if (!iface || !this.claimed.has(iface.interfaceNumber)) return Promise.reject(new Error('transferIn error: endpoint not found'));
    if (this.waiter) return Promise.reject(new Error('fake: overlapping transferIn'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.deliver();
    });
  }
}

export class FakeUsbTransport implements UsbTransport {
  readonly platform: string;
  readonly devices = new Map<string, FakeUsbDevice>();
  private connectListeners = new Set<(d: UsbDeviceHandle) => void>();
  private disconnectListeners = new Set<(h: string) => void>();
  disposed = false;

  constructor(opts: { platform?: string; unavailable?: string } = {}) {
    this.platform = opts.platform ?? 'linux';
    this.unavailable = opts.unavailable;
  }

  /** When set, listing devices fails as on a machine without USB access. */
  unavailable: string | undefined;

  async getDevices(): Promise<UsbDeviceHandle[]> {
    if (this.unavailable) throw new UsbUnavailableError(this.unavailable);
    return [...this.devices.values()];
  }
  onConnect(listener: (device: UsbDeviceHandle) => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }
  onDisconnect(listener: (handle: string) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    this.connectListeners.clear();
    this.disconnectListeners.clear();
  }

  /** Add a device that is present before the manager starts (no connect event). */
  add(options: FakeDeviceOptions): FakeUsbDevice {
    const d = new FakeUsbDevice(options);
    this.devices.set(options.handle, d);
    return d;
  }

  /** Hot-plug a device: it appears and a connect event fires. */
  plug(options: FakeDeviceOptions): FakeUsbDevice {
    const d = this.add(options);
    for (const l of this.connectListeners) l(d);
    return d;
  }

  /** Unplug: pending reads fail, the device disappears, a disconnect event fires. */
  unplug(handle: string): void {
    const d = this.devices.get(handle);
    if (!d) return;
    d.markGone();
    this.devices.delete(handle);
    for (const l of this.disconnectListeners) l(handle);
  }
}
