import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseReportDump } from '../../shared/scan/hid-keyboard-report';
import { buildHidPosReports } from '../../shared/scan/hid-pos-report';
import type { ScanEvent } from '../../shared/scan/types';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import {
  FAKE_HID_POS_REPORT_DESCRIPTOR,
  FAKE_KEYBOARD_REPORT_DESCRIPTOR,
  FAKE_MOUSE_REPORT_DESCRIPTOR,
  type FakeDeviceOptions,
  FakeUsbTransport,
  hidInterface,
} from './fake-transport';
import { ScannerManager, type ScannerManagerOptions } from './scanner-manager';
import { UsbUnavailableError } from './transport';

const enc = new TextEncoder();
const GS1 =
  '0103001234567892' + '21SN-000000000000000000001' + '\u001d10LOT-ABCDEFGHIJ12345' + '\u001d17270331' + '\u001d7003' + '2503011200' + '\u001d240' + 'X'.repeat(30);

const honeywellHidPos = (over: Partial<FakeDeviceOptions> = {}): FakeDeviceOptions => ({
  handle: 'h1',
  vendorId: 0x0c2e,
  productId: 0x0b8f,
  productName: 'Voyager 1400g',
  serialNumber: 'SN1',
  interfaces: [hidInterface(0)],
  reportDescriptors: { 0: FAKE_HID_POS_REPORT_DESCRIPTOR },
  ...over,
});

async function waitFor(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const managers: ScannerManager[] = [];
function startManager(transport: FakeUsbTransport, opts: ScannerManagerOptions = {}) {
  const scans: ScanEvent[] = [];
  const manager = new ScannerManager({ transport, readTimeoutMs: 20, ...opts });
  manager.on('scan', (s) => scans.push(s));
  managers.push(manager);
  return { manager, scans };
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

describe('scanner manager with HID POS scanners', () => {
  it('claims a Honeywell HID POS scanner (detaching the kernel driver on Linux) and joins a scan spanning 3 reports', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add(honeywellHidPos());
    const { manager, scans } = startManager(t);
    const status = await manager.start();

    expect(status.usbAvailable).toBe(true);
    expect(status.scanners).toEqual([
      expect.objectContaining({ id: '0x0c2e:0x0b8f:SN1', vendorName: expect.stringMatching(/Honeywell/), product: 'Voyager 1400g', state: 'claimed', mode: 'hid-pos' }),
    ]);
    expect(dev.calls.slice(0, 3)).toEqual(['open', 'detach:0', 'claim:0']);

    const reports = buildHidPosReports(']d2', enc.encode(GS1));
    expect(reports).toHaveLength(3);
    dev.send(...reports);
    await waitFor(() => scans.length === 1, 'the scan');
    expect(scans[0]).toMatchObject({ scannerId: '0x0c2e:0x0b8f:SN1', raw: GS1, symbologyId: ']d2', source: 'usb-hid-pos', complete: true });
    expect(scans[0]!.raw.match(/\u001d/g)).toHaveLength(4);
    expect(scans[0]!.receivedAt).toMatch(/Z$/);
    expect(manager.list()[0]!.lastScanAt).toBe(scans[0]!.receivedAt);
  });

  it('gives the interface back to the OS on stop, and reports a scan in progress as incomplete', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add(honeywellHidPos());
    const { manager, scans } = startManager(t, { incompleteScanTimeoutMs: 60_000 });
    await manager.start();
    dev.send(buildHidPosReports(']d2', enc.encode(GS1))[0]!);
    await waitFor(() => dev.calls.length > 0 && manager.list()[0]!.state === 'claimed', 'claim');
    await new Promise((r) => setTimeout(r, 30));
    await manager.stop();

    expect(dev.isClaimed(0)).toBe(false);
    expect(dev.isDetached(0)).toBe(false);
    expect(dev.calls.slice(-3)).toEqual(['release:0', 'attach:0', 'close']);
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ complete: false, raw: GS1.slice(0, 56) });
    expect(scans[0]!.problem).toMatch(/incomplete scan: the scanner service stopped/);
    expect(manager.status().usbAvailable).toBe(false);
  });

  it('follows hot-plug: connect, scan, unplug mid-scan (partial kept as incomplete), reconnect', async () => {
    const t = new FakeUsbTransport();
    const { manager, scans } = startManager(t, { incompleteScanTimeoutMs: 60_000 });
    await manager.start();
    expect(manager.list()).toEqual([]);

    let dev = t.plug(honeywellHidPos({ handle: 'bus1-port2' }));
    await waitFor(() => manager.list()[0]?.state === 'claimed', 'claim after connect');
    dev.send(...buildHidPosReports(']E0', enc.encode('0300123456789')));
    await waitFor(() => scans.length === 1, 'first scan');
    expect(scans[0]).toMatchObject({ raw: '0300123456789', symbologyId: ']E0', complete: true });

    const parts = buildHidPosReports(']d2', enc.encode(GS1));
    dev.send(parts[0]!, parts[1]!);
    await new Promise((r) => setTimeout(r, 40));
    t.unplug('bus1-port2');
    await waitFor(() => scans.length === 2, 'the incomplete scan');
    const partial = scans[1]!;
    expect(partial.complete).toBe(false);
    expect(partial.problem).toMatch(/unplugged mid-scan/);
    expect(partial.raw).toBe(GS1.slice(0, 112));
    expect(partial.rawBytesHex).toBe(Buffer.from(GS1.slice(0, 112)).toString('hex'));
    expect(partial.symbologyId).toBe(']d2');
    await waitFor(() => manager.list()[0]?.state === 'disconnected', 'disconnected state');
    expect(manager.list()).toHaveLength(1);

    dev = t.plug(honeywellHidPos({ handle: 'bus1-port2#2' }));
    await waitFor(() => manager.list()[0]?.state === 'claimed', 'claim after reconnect');
    expect(manager.list()).toHaveLength(1); // same scanner id: same row in Settings
    dev.send(...buildHidPosReports(']d2', enc.encode(GS1)));
    await waitFor(() => scans.length === 3, 'scan after reconnect');
    expect(scans[2]).toMatchObject({ raw: GS1, complete: true });
    expect(scans.filter((s) => !s.complete)).toHaveLength(1);
  });

  it('reports a scan whose continuation never comes as incomplete after the timeout', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add(honeywellHidPos());
    const { manager, scans } = startManager(t, { incompleteScanTimeoutMs: 50 });
    await manager.start();
    dev.send(buildHidPosReports(']d2', enc.encode(GS1))[0]!);
    await waitFor(() => scans.length === 1, 'incomplete scan');
    expect(scans[0]).toMatchObject({ complete: false, raw: GS1.slice(0, 56) });
    expect(scans[0]!.problem).toMatch(/no further report within 50 ms/);
  });

  it('puts a scanner whose interface is busy in state error with a clear message, and gives the driver back', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add(honeywellHidPos({ errors: { claimInterface: new Error('claimInterface error: Device or resource busy (os error 16)') } }));
    const { manager, scans } = startManager(t);
    const status = await manager.start();

    expect(status.usbAvailable).toBe(true);
    const row = status.scanners[0]!;
    expect(row.state).toBe('error');
    expect(row.error).toMatch(/interface is busy: another program/);
    expect(dev.calls).toEqual(['open', 'detach:0', 'claim:0', 'attach:0', 'close']);
    expect(dev.isDetached(0)).toBe(false);
    expect(scans).toEqual([]);

    // the other program lets go; "Rescan" in Settings takes the scanner
    dev.setError('claimInterface', undefined);
    const again = await manager.rescan();
    expect(again.scanners[0]).toMatchObject({ state: 'claimed', mode: 'hid-pos' });
    expect(again.scanners[0]!.error).toBeUndefined();
    expect(dev.isClaimed(0)).toBe(true);
  });

  it('says how to fix missing permission (udev rule) when the device cannot be opened', async () => {
    const t = new FakeUsbTransport();
    t.add(honeywellHidPos({ errors: { getInterfaces: new Error('open error: Permission denied (os error 13)') } }));
    const { manager } = startManager(t);
    const row = (await manager.start()).scanners[0]!;
    expect(row.state).toBe('error');
    expect(row.error).toMatch(/udev rule/);
  });

  it('does not detach kernel drivers on other systems', async () => {
    const t = new FakeUsbTransport({ platform: 'darwin' });
    const dev = t.add(honeywellHidPos());
    const { manager } = startManager(t);
    await manager.start();
    expect(dev.calls).not.toContain('detach:0');
    expect(dev.calls).toContain('claim:0');
  });
});

describe('scanner discovery', () => {
  it('finds an unknown-vendor scanner by usage page 0x8C, and leaves a mouse and a keyboard alone', async () => {
    const t = new FakeUsbTransport();
    const scanner = t.add({ handle: 'x', vendorId: 0x1234, productId: 1, manufacturerName: 'Acme', interfaces: [hidInterface(0)], reportDescriptors: { 0: FAKE_HID_POS_REPORT_DESCRIPTOR } });
    const gadget = t.add({ handle: 'g', vendorId: 0x4321, productId: 2, interfaces: [hidInterface(0)], reportDescriptors: { 0: FAKE_MOUSE_REPORT_DESCRIPTOR } });
    const keyboard = t.add({ handle: 'k', vendorId: 0x046d, productId: 3, interfaces: [hidInterface(0, { boot: 'keyboard' })], reportDescriptors: { 0: FAKE_KEYBOARD_REPORT_DESCRIPTOR } });
    const { manager } = startManager(t);
    const { scanners } = await manager.start();

    expect(scanners.map((s) => [s.vendorName, s.state, s.mode])).toEqual([['Acme', 'claimed', 'hid-pos']]);
    expect(scanner.isClaimed(0)).toBe(true);
    // the non-scanner HID device was probed and given straight back; the keyboard never touched
    expect(gadget.calls).toEqual(['open', 'detach:0', 'claim:0', 'release:0', 'attach:0', 'close']);
    expect(keyboard.calls).toEqual([]);
  });

  it('prefers the HID POS interface of a scanner that also has a keyboard interface', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add(
      honeywellHidPos({
        interfaces: [hidInterface(0, { boot: 'keyboard' }), hidInterface(1)],
        reportDescriptors: { 0: FAKE_KEYBOARD_REPORT_DESCRIPTOR, 1: FAKE_HID_POS_REPORT_DESCRIPTOR },
      }),
    );
    const { manager } = startManager(t);
    const row = (await manager.start()).scanners[0]!;
    expect(row.mode).toBe('hid-pos');
    expect(dev.isClaimed(1)).toBe(true);
    expect(dev.isClaimed(0)).toBe(false);
  });

  it('tells the user to change the mode of a known scanner with no HID interface', async () => {
    const t = new FakeUsbTransport();
    t.add({ handle: 'z', vendorId: 0x05e0, productId: 0x1900, interfaces: [{ interfaceNumber: 0, interfaceClass: 0xff, interfaceSubclass: 0, interfaceProtocol: 0, endpoints: [] }] });
    const { manager } = startManager(t);
    const row = (await manager.start()).scanners[0]!;
    expect(row).toMatchObject({ state: 'error', vendorName: expect.stringMatching(/Zebra/) });
    expect(row.error).toMatch(/HID POS or USB keyboard mode/);
  });
});

describe.skipIf(!corporaPresent)(`keyboard-mode scanner over USB (${corporaPresent ? 'recorded reports' : corporaSkipReason})`, () => {
  const reports = corporaPresent ? parseReportDump(readFileSync(corpusPath('hid/node-hid_issue323_keyboard_wedge_reports.txt'), 'utf8')) : [];

  it('decodes the recorded keyboard reports of a known-vendor scanner to 6957842208856', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add({ handle: 'kb', vendorId: 0x05e0, productId: 0x1200, productName: 'Symbol Bar Code Scanner', interfaces: [hidInterface(0, { boot: 'keyboard', packetSize: 8 })], reportDescriptors: { 0: FAKE_KEYBOARD_REPORT_DESCRIPTOR } });
    const { manager, scans } = startManager(t);
    const row = (await manager.start()).scanners[0]!;
    expect(row).toMatchObject({ state: 'claimed', mode: 'keyboard' });
    dev.send(...reports);
    await waitFor(() => scans.length === 1, 'keyboard scan');
    await new Promise((r) => setTimeout(r, 60));
    expect(scans).toHaveLength(1); // the Ctrl+Shift+J suffix makes no second scan
    expect(scans[0]).toMatchObject({ raw: '6957842208856', source: 'usb-keyboard', complete: true, symbologyId: null });
    // the raw HID reports are kept: from the first key-down ('6') to the Enter report
    expect(scans[0]!.rawBytesHex).toMatch(/^0000230000000000/);
    expect(scans[0]!.rawBytesHex).toContain('0000280000000000');
  });

  it('can leave a keyboard-mode scanner to the OS (wedge) when configured', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add({ handle: 'kb', vendorId: 0x05e0, productId: 0x1200, interfaces: [hidInterface(0, { boot: 'keyboard' })], reportDescriptors: { 0: FAKE_KEYBOARD_REPORT_DESCRIPTOR } });
    const { manager } = startManager(t, { claimKeyboardModeScanners: false });
    const row = (await manager.start()).scanners[0]!;
    expect(row).toMatchObject({ state: 'connected', mode: 'keyboard' });
    expect(row.error).toMatch(/keyboard wedge/);
    expect(dev.isClaimed(0)).toBe(false);
    expect(dev.isDetached(0)).toBe(false);
  });
});

describe('without USB access', () => {
  it('reports usbAvailable false with the reason and keeps working', async () => {
    const t = new FakeUsbTransport({ unavailable: 'getDevices error: /sys/bus/usb/devices/ not found (errno 2)' });
    const { manager } = startManager(t);
    const status = await manager.start();
    expect(status.usbAvailable).toBe(false);
    expect(status.usbError).toBe('No USB access: getDevices error: /sys/bus/usb/devices/ not found (errno 2)');
    expect(status.scanners).toEqual([]);

    // USB comes back (rule installed, container restarted with the bus): rescan picks scanners up
    t.unavailable = undefined;
    t.add(honeywellHidPos());
    const again = await manager.rescan();
    expect(again.usbAvailable).toBe(true);
    expect(again.scanners[0]?.state).toBe('claimed');
  });

  it('survives a USB module that fails to load', async () => {
    const manager = new ScannerManager({
      transport: () => Promise.reject(new UsbUnavailableError('the USB module could not be loaded: no prebuilt binary')),
    });
    managers.push(manager);
    const status = await manager.start();
    expect(status).toMatchObject({ usbAvailable: false, scanners: [] });
    expect(status.usbError).toMatch(/could not be loaded/);
    await expect(manager.stop()).resolves.toBeUndefined();
  });

  it('starts on this machine with the real usb package without throwing', async () => {
    const manager = new ScannerManager({ readTimeoutMs: 20 });
    managers.push(manager);
    const status = await manager.start();
    expect(typeof status.usbAvailable).toBe('boolean');
    if (!status.usbAvailable) expect(status.usbError).toMatch(/No USB access/);
  });
});
