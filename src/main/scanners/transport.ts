/**
 * The USB operations the scanner manager uses, as an interface: the real implementation is
 * `webusb-transport.ts` (the `usb` package, v3 WebUSB API), tests use `fake-transport.ts`.
 *
 * What the `usb` package (3.1, a napi-rs binding of the Rust `nusb` crate) actually offers,
 * checked against its `index.d.ts` and source:
 * - `claimInterface()` does NOT detach a kernel driver (it calls nusb `claim_interface`, not
 *   `detach_and_claim_interface`); there is no `autoDetachKernelDriver` or `useUsbDkBackend` in
 *   v3 (those were v2/libusb). Instead a device has `detachKernelDriver(n)` and
 *   `attachKernelDriver(n)` (Linux only; on other systems they fail).
 *   So on Linux we detach `usbhid` ourselves before claiming and re-attach after releasing,
 *   which gives the scanner back to the OS as a keyboard/HID device.
 * - Control transfers (needed to read the HID report descriptor) require a claimed interface.
 * - `transferIn(ep, length, timeout)` resolves with the bytes, or rejects on timeout /
 *   stall / unplug; the default timeout of the WebUSB layer is 1000 ms.
 */

export interface UsbEndpointInfo {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous' | 'control';
  packetSize: number;
}

export interface UsbInterfaceInfo {
  interfaceNumber: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  endpoints: UsbEndpointInfo[];
}

export interface UsbDeviceInfo {
  /** Stable identity of this physical device while plugged in (bus/port path or handle). */
  handle: string;
  vendorId: number;
  productId: number;
  manufacturerName: string | null;
  productName: string | null;
  serialNumber: string | null;
  /** Bus and port path (`1-3.2`), or null when unknown: identifies a scanner without a serial number. */
  location: string | null;
}

export const USB_CLASS_HID = 0x03;

/** A device as the manager drives it. Every method may reject; messages should say why. */
export interface UsbDeviceHandle {
  readonly info: UsbDeviceInfo;
  /**
   * Interfaces of the active configuration. May need to open the device (Linux: permission on
   * /dev/bus/usb), so it can reject with a permission error.
   */
  getInterfaces(): Promise<{ configurationValue: number | null; interfaces: UsbInterfaceInfo[] }>;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  /** Linux: unbind the kernel driver (usbhid) from the interface. Rejects elsewhere or when none is bound. */
  detachKernelDriver(interfaceNumber: number): Promise<void>;
  /** Linux: bind the kernel driver again (give the scanner back to the OS). */
  attachKernelDriver(interfaceNumber: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** GET_DESCRIPTOR(Report) on a claimed HID interface. */
  readHidReportDescriptor(interfaceNumber: number): Promise<Uint8Array>;
  /**
   * One read from the interrupt IN endpoint. Resolves with the report, or null when nothing
   * arrived within `timeoutMs` (keep reading). Rejects with {@link DeviceGoneError} when the
   * device went away, or another error.
   */
  transferIn(endpointNumber: number, length: number, timeoutMs: number): Promise<Uint8Array | null>;
}

export interface UsbTransport {
  /** `process.platform` of the host: kernel-driver detach is only attempted on 'linux'. */
  readonly platform: string;
  /** Devices present now. Rejects with {@link UsbUnavailableError} when there is no USB access. */
  getDevices(): Promise<UsbDeviceHandle[]>;
  /** Subscribe to hot-plug; returns the unsubscribe function. */
  onConnect(listener: (device: UsbDeviceHandle) => void): () => void;
  onDisconnect(listener: (handle: string) => void): () => void;
  /** Stop listening for hot-plug and free native resources. */
  dispose(): Promise<void>;
}

/** No USB access at all: no native module, no /sys/bus/usb, a sandbox. */
export class UsbUnavailableError extends Error {
  override name = 'UsbUnavailableError';
}

/** The device was unplugged while we were using it. */
export class DeviceGoneError extends Error {
  override name = 'DeviceGoneError';
}

/**
 * A message a technician or an administrator can act on, for a failed USB operation.
 * Recognises the errors of the `usb` package (nusb/OS messages) and of the fake transport.
 */
export function describeUsbError(operation: string, err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  if (/permission denied|os error 13|EACCES|access denied|LIBUSB_ERROR_ACCESS/i.test(detail)) {
    return `${operation}: no permission to use this USB device. On Linux install the udev rule from docs/scanners.md and re-plug the scanner. (${detail})`;
  }
  if (/busy|os error 16|EBUSY|LIBUSB_ERROR_BUSY/i.test(detail)) {
    return `${operation}: the scanner's interface is busy: another program (or the operating system's keyboard/HID driver) is using it. Close other scanner software, or use the scanner in keyboard mode. (${detail})`;
  }
  if (/not supported|unsupported|os error 95/i.test(detail)) {
    return `${operation}: not supported on this system (on Windows and macOS the HID driver keeps scanners; use keyboard mode). (${detail})`;
  }
  if (/no such device|disconnected|os error 19|ENODEV/i.test(detail)) {
    return `${operation}: the scanner was unplugged. (${detail})`;
  }
  return `${operation} failed: ${detail}`;
}
