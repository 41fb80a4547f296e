/** The 18-byte USB standard device descriptor (USB 2.0 §9.6.1). */
export interface UsbDeviceDescriptor {
  bcdUSB: number;
  deviceClass: number;
  deviceSubclass: number;
  deviceProtocol: number;
  maxPacketSize0: number;
  vendorId: number;
  productId: number;
  bcdDevice: number;
  manufacturerIndex: number;
  productIndex: number;
  serialNumberIndex: number;
  numConfigurations: number;
}

export function parseUsbDeviceDescriptor(bytes: Uint8Array): UsbDeviceDescriptor {
  if (bytes.length < 18 || bytes[0] !== 18 || bytes[1] !== 0x01) {
    throw new Error(`not a USB device descriptor (length ${bytes.length}, bLength ${bytes[0]}, type ${bytes[1]})`);
  }
  const u16 = (at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  return {
    bcdUSB: u16(2),
    deviceClass: bytes[4]!,
    deviceSubclass: bytes[5]!,
    deviceProtocol: bytes[6]!,
    maxPacketSize0: bytes[7]!,
    vendorId: u16(8),
    productId: u16(10),
    bcdDevice: u16(12),
    manufacturerIndex: bytes[14]!,
    productIndex: bytes[15]!,
    serialNumberIndex: bytes[16]!,
    numConfigurations: bytes[17]!,
  };
}
