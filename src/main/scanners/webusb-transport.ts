/**
 * The real transport, over the `usb` package (v3, WebUSB API, unrestricted `usb` object).
 * The native module is loaded on first use with a dynamic import, so that a machine where it
 * cannot load (no prebuilt binary, a sandbox) still starts: {@link createWebUsbTransport}
 * then rejects with UsbUnavailableError and the manager reports "no USB access".
 */
import {
  DeviceGoneError,
  type UsbDeviceHandle,
  type UsbDeviceInfo,
  type UsbInterfaceInfo,
  type UsbTransport,
  UsbUnavailableError,
} from './transport';

/** The parts of the `usb` package's UsbDevice we use (structural, so no DOM WebUSB types are needed). */
interface NativeEndpoint {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous' | 'control';
  packetSize: number;
}
interface NativeAlternate {
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  endpoints: NativeEndpoint[];
}
interface NativeConfiguration {
  configurationValue: number;
  interfaces: Array<{ interfaceNumber: number; alternate: NativeAlternate }>;
}
interface NativeDevice {
  readonly handle: string;
  vendorId: number;
  productId: number;
  bus?: string;
  ports?: number[];
  readonly manufacturerName: string | null | undefined;
  readonly productName: string | null | undefined;
  readonly serialNumber: string | null | undefined;
  readonly configuration: NativeConfiguration | null | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(v: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver?(n: number): Promise<void>;
  attachKernelDriver?(n: number): Promise<void>;
  controlTransferIn(
    setup: { requestType: 'standard' | 'class' | 'vendor'; recipient: 'device' | 'interface' | 'endpoint' | 'other'; request: number; value: number; index: number },
    length: number,
  ): Promise<{ data?: DataView; status: string }>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<{ data?: DataView; status: string }>;
}
interface NativeConnectionEvent {
  device: NativeDevice;
}
interface NativeWebUsb {
  getDevices(): Promise<NativeDevice[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (ev: NativeConnectionEvent) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (ev: NativeConnectionEvent) => void): void;
}

const GET_DESCRIPTOR = 0x06;
const HID_REPORT_DESCRIPTOR_TYPE = 0x22;
const MAX_REPORT_DESCRIPTOR = 4096;

function safe<T>(read: () => T | null | undefined): T | null {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}

function bytesOf(view: DataView | undefined): Uint8Array | null {
  return view ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : null;
}

class WebUsbDevice implements UsbDeviceHandle {
  readonly info: UsbDeviceInfo;

  constructor(private readonly device: NativeDevice) {
    const bus = safe(() => device.bus);
    const ports = safe(() => device.ports);
    this.info = {
      handle: device.handle,
      vendorId: device.vendorId,
      productId: device.productId,
      manufacturerName: safe(() => device.manufacturerName),
      productName: safe(() => device.productName),
      serialNumber: safe(() => device.serialNumber),
      location: bus ? `${bus}${ports && ports.length > 0 ? `-${ports.join('.')}` : ''}` : null,
    };
  }

  async getInterfaces(): Promise<{ configurationValue: number | null; interfaces: UsbInterfaceInfo[] }> {
    const config = this.device.configuration; // may open the device: can throw "Permission denied"
    if (!config) return { configurationValue: null, interfaces: [] };
    return {
      configurationValue: config.configurationValue,
      interfaces: config.interfaces.map((i) => ({
        interfaceNumber: i.interfaceNumber,
        interfaceClass: i.alternate.interfaceClass,
        interfaceSubclass: i.alternate.interfaceSubclass,
        interfaceProtocol: i.alternate.interfaceProtocol,
        endpoints: i.alternate.endpoints.map((e) => ({ ...e })),
      })),
    };
  }

  open(): Promise<void> {
    return this.device.open();
  }
  close(): Promise<void> {
    return this.device.close();
  }
  selectConfiguration(v: number): Promise<void> {
    return this.device.selectConfiguration(v);
  }
  async detachKernelDriver(n: number): Promise<void> {
    if (!this.device.detachKernelDriver) throw new Error('detachKernelDriver not supported');
    await this.device.detachKernelDriver(n);
  }
  async attachKernelDriver(n: number): Promise<void> {
    if (!this.device.attachKernelDriver) throw new Error('attachKernelDriver not supported');
    await this.device.attachKernelDriver(n);
  }
  claimInterface(n: number): Promise<void> {
    return this.device.claimInterface(n);
  }
  releaseInterface(n: number): Promise<void> {
    return this.device.releaseInterface(n);
  }

  async readHidReportDescriptor(interfaceNumber: number): Promise<Uint8Array> {
    const res = await this.device.controlTransferIn(
      {
        requestType: 'standard',
        recipient: 'interface',
        request: GET_DESCRIPTOR,
        value: HID_REPORT_DESCRIPTOR_TYPE << 8,
        index: interfaceNumber,
      },
      MAX_REPORT_DESCRIPTOR,
    );
    const bytes = bytesOf(res.data);
    if (!bytes || res.status !== 'ok') throw new Error(`report descriptor request ${res.status}`);
    return Uint8Array.from(bytes);
  }

  async transferIn(endpointNumber: number, length: number, timeoutMs: number): Promise<Uint8Array | null> {
    try {
      const res = await this.device.transferIn(endpointNumber, length, timeoutMs);
      const bytes = bytesOf(res.data);
      if (res.status !== 'ok' || !bytes) throw new Error(`transferIn ${res.status}`);
      return Uint8Array.from(bytes);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // nusb cancels a transfer whose timeout expired and reports it as Cancelled.
      if (/cancel|timed? ?out/i.test(msg)) return null;
      if (/disconnect|no such device|os error 19|ENODEV/i.test(msg)) throw new DeviceGoneError(msg);
      throw err;
    }
  }
}

/**
 * Load the `usb` package and check that the host lets us enumerate devices.
 * Rejects with UsbUnavailableError (message says why) when not.
 */
export async function createWebUsbTransport(): Promise<UsbTransport> {
  let native: NativeWebUsb;
  try {
    const mod = (await import('usb')) as unknown as { usb: NativeWebUsb };
    native = mod.usb;
  } catch (err) {
    throw new UsbUnavailableError(`the USB module could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await native.getDevices();
  } catch (err) {
    throw new UsbUnavailableError(`USB devices cannot be listed: ${err instanceof Error ? err.message : String(err)}`);
  }

  const wrappers = new Map<string, WebUsbDevice>();
  const wrap = (d: NativeDevice): WebUsbDevice => {
    let w = wrappers.get(d.handle);
    if (!w) {
      w = new WebUsbDevice(d);
      wrappers.set(d.handle, w);
    }
    return w;
  };
  const subscriptions: Array<() => void> = [];

  return {
    platform: process.platform,
    async getDevices() {
      try {
        return (await native.getDevices()).map(wrap);
      } catch (err) {
        throw new UsbUnavailableError(`USB devices cannot be listed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    onConnect(listener) {
      const l = (ev: NativeConnectionEvent): void => listener(wrap(ev.device));
      native.addEventListener('connect', l);
      const off = (): void => native.removeEventListener('connect', l);
      subscriptions.push(off);
      return off;
    },
    onDisconnect(listener) {
      const l = (ev: NativeConnectionEvent): void => {
        wrappers.delete(ev.device.handle);
        listener(ev.device.handle);
      };
      native.addEventListener('disconnect', l);
      const off = (): void => native.removeEventListener('disconnect', l);
      subscriptions.push(off);
      return off;
    },
    async dispose() {
      for (const off of subscriptions.splice(0)) off();
      wrappers.clear();
    },
  };
}
