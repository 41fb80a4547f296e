/**
 * USB vendor IDs of the barcode scanner makers we look for even when a scanner does not
 * announce itself as HID POS (for example when it is left in USB keyboard mode).
 */
export interface KnownVendor {
  vendorId: number;
  name: string;
}

export const KNOWN_SCANNER_VENDORS: readonly KnownVendor[] = Object.freeze([
  { vendorId: 0x05e0, name: 'Zebra (Symbol Technologies)' },
  { vendorId: 0x0c2e, name: 'Honeywell (Metrologic / Hand Held Products)' },
  { vendorId: 0x0536, name: 'Honeywell (Hand Held Products)' },
  { vendorId: 0x05f9, name: 'Datalogic (PSC)' },
  { vendorId: 0x080c, name: 'Datalogic' },
  { vendorId: 0x1eab, name: 'Newland' },
]);

/** The scanner maker for a USB vendor ID, or undefined when it is not one we know. */
export function knownScannerVendor(vendorId: number, extra: readonly KnownVendor[] = []): KnownVendor | undefined {
  return extra.find((v) => v.vendorId === vendorId) ?? KNOWN_SCANNER_VENDORS.find((v) => v.vendorId === vendorId);
}

/** `0x05e0` style, for messages and the Settings screen. */
export function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
