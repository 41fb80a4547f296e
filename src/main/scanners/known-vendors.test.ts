import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { knownScannerVendor } from './known-vendors';
import { parseUsbDeviceDescriptor } from './usb-device-descriptor';

const CORPUS = 'hid/zebra_symbol_ds6708_device_descriptor.txt';

/** The bytes of the "Data (HexDump)" block of a USBView-style dump. */
function hexDumpBytes(text: string): Uint8Array {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /Data \(HexDump\)\s*:/.test(l));
  if (start < 0) throw new Error('no HexDump block');
  const bytes: number[] = [];
  for (const [i, line] of lines.slice(start).entries()) {
    const body = i === 0 ? line.slice(line.indexOf(':') + 1) : line;
    const m = /^\s*((?:[0-9A-Fa-f]{2}\s+)+)/.exec(body + ' ');
    if (!m || !m[1]) break;
    bytes.push(...m[1].trim().split(/\s+/).map((h) => Number.parseInt(h, 16)));
  }
  return Uint8Array.from(bytes);
}

describe.skipIf(!corporaPresent)(`Zebra DS6708 device descriptor (${corporaPresent ? CORPUS : corporaSkipReason})`, () => {
  const text = corporaPresent ? readFileSync(corpusPath(CORPUS), 'utf8') : '';

  it('parses the recorded descriptor and recognises the maker as Zebra', () => {
    const bytes = hexDumpBytes(text);
    expect(bytes).toHaveLength(18);
    const d = parseUsbDeviceDescriptor(bytes);
    expect(d.vendorId).toBe(0x05e0);
    expect(d.productId).toBe(0x1200);
    expect(d.deviceClass).toBe(0); // class is per interface: HID
    expect(knownScannerVendor(d.vendorId)?.name).toMatch(/Zebra/);
  });
});

describe('known scanner vendors', () => {
  it('knows all six vendor IDs of issue 3 and nothing else by default', () => {
    for (const vid of [0x05e0, 0x0c2e, 0x0536, 0x05f9, 0x080c, 0x1eab]) expect(knownScannerVendor(vid)).toBeDefined();
    expect(knownScannerVendor(0x046d)).toBeUndefined(); // Logitech: a keyboard, not a scanner
  });

  it('accepts extra vendors from configuration', () => {
    expect(knownScannerVendor(0x1234, [{ vendorId: 0x1234, name: 'Acme' }])?.name).toBe('Acme');
  });

  it('rejects bytes that are not a device descriptor', () => {
    expect(() => parseUsbDeviceDescriptor(Uint8Array.from([9, 2, 0]))).toThrow(/not a USB device descriptor/);
  });
});
