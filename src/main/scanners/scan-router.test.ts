import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../shared/scan/types';
import { FakeUsbTransport, FAKE_HID_POS_REPORT_DESCRIPTOR, hidInterface } from './fake-transport';
import { buildHidPosReports } from '../../shared/scan/hid-pos-report';
import { startScannerService } from '.';
import { ScanRouter, type UnroutedScan } from './scan-router';

const fixedClock = (iso: string) => () => new Date(iso);

describe('scan router', () => {
  it('sends scans to the active workflow only', async () => {
    const router = new ScanRouter();
    const receiving: ScanEvent[] = [];
    const counts: ScanEvent[] = [];
    router.register('receiving', (s) => void receiving.push(s));
    router.register('counts', (s) => void counts.push(s));

    router.setActiveWorkflow('receiving');
    expect(await router.submit({ scannerId: 'a', raw: '0300123456789', source: 'test' })).toMatchObject({ status: 'routed', workflow: 'receiving' });
    router.setActiveWorkflow('counts');
    await router.submit({ scannerId: 'a', raw: '0300987654321', source: 'test' });
    expect(receiving.map((s) => s.raw)).toEqual(['0300123456789']);
    expect(counts.map((s) => s.raw)).toEqual(['0300987654321']);
  });

  it('keeps a scan with no active workflow and says why (not dropped)', async () => {
    const router = new ScanRouter();
    const unrouted: UnroutedScan[] = [];
    router.onUnrouted((u) => unrouted.push(u));
    const r = await router.submit({ scannerId: 'a', raw: '0300123456789', source: 'wedge' });
    expect(r.status).toBe('unrouted');
    expect(unrouted).toHaveLength(1);
    expect(unrouted[0]).toMatchObject({ reason: 'no-active-workflow', scan: { raw: '0300123456789', source: 'wedge' } });
    expect(unrouted[0]!.message).toMatch(/no receiving session or count open/);
  });

  it('backlogs unrouted scans until someone listens', async () => {
    const router = new ScanRouter();
    await router.submit({ scannerId: 'a', raw: 'ONE', source: 'test' });
    await router.submit({ scannerId: 'a', raw: 'TWO', source: 'test' });
    const seen: string[] = [];
    router.onUnrouted((u) => seen.push(u.scan.raw));
    expect(seen).toEqual(['ONE', 'TWO']);
    expect(router.takeUnrouted()).toEqual([]);
  });

  it('hands a scan whose workflow handler throws to unrouted, and one with no handler too', async () => {
    const router = new ScanRouter();
    const unrouted: UnroutedScan[] = [];
    router.onUnrouted((u) => unrouted.push(u));
    router.register('receiving', () => {
      throw new Error('db busy');
    });
    router.setActiveWorkflow('receiving');
    await router.submit({ scannerId: 'a', raw: 'X1', source: 'test' });
    router.setActiveWorkflow('counts');
    await router.submit({ scannerId: 'a', raw: 'X2', source: 'test' });
    expect(unrouted.map((u) => [u.reason, u.workflow, u.scan.raw])).toEqual([
      ['handler-failed', 'receiving', 'X1'],
      ['no-handler', 'counts', 'X2'],
    ]);
  });

  it('stamps every scan with a UTC time and a scanner id', async () => {
    const router = new ScanRouter({ clock: fixedClock('2025-06-01T12:00:00.000Z') });
    const got: ScanEvent[] = [];
    router.register('receiving', (s) => void got.push(s));
    router.setActiveWorkflow('receiving');
    await router.submit({ raw: ']d2010030012345678921ABC', source: 'wedge' });
    await router.submit({ scannerId: 'w1', raw: 'Y', source: 'wedge', receivedAt: '2025-06-01T14:00:00+02:00' });
    expect(got[0]).toMatchObject({ scannerId: 'wedge:unknown', receivedAt: '2025-06-01T12:00:00.000Z', symbologyId: ']d2', complete: true });
    expect(got[1]!.receivedAt).toBe('2025-06-01T12:00:00.000Z');
  });

  it('collapses a double read within the window into one scan and reports the repeat', async () => {
    let now = Date.parse('2025-06-01T12:00:00.000Z');
    const router = new ScanRouter({ clock: () => new Date(now) });
    const got: string[] = [];
    const dups: string[] = [];
    router.register('receiving', (s) => void got.push(s.raw));
    router.onDuplicate((s) => dups.push(s.raw));
    router.setActiveWorkflow('receiving');
    await router.submit({ scannerId: 'a', raw: 'SAME', source: 'usb-hid-pos' });
    now += 400;
    expect((await router.submit({ scannerId: 'a', raw: 'SAME', source: 'usb-hid-pos' })).status).toBe('duplicate');
    now += 2000;
    await router.submit({ scannerId: 'a', raw: 'SAME', source: 'usb-hid-pos' });
    expect(got).toEqual(['SAME', 'SAME']);
    expect(dups).toEqual(['SAME']);
  });

  it('keeps an invalid scan as unrouted with the reason instead of throwing', async () => {
    const router = new ScanRouter();
    const unrouted: UnroutedScan[] = [];
    router.onUnrouted((u) => unrouted.push(u));
    router.setActiveWorkflow('receiving');
    router.register('receiving', () => undefined);
    await router.submit({ scannerId: 'a', raw: 'x'.repeat(9000), source: 'wedge' });
    expect(unrouted[0]!.reason).toBe('invalid');
    expect(unrouted[0]!.scan.raw).toHaveLength(9000);
  });
});

describe('scanner service (manager + router)', () => {
  it('routes a USB scan to the active workflow and an unplug-cut scan to it as incomplete', async () => {
    const t = new FakeUsbTransport();
    const dev = t.add({ handle: 'h', vendorId: 0x1eab, productId: 0x0001, serialNumber: 'N1', interfaces: [hidInterface(0)], reportDescriptors: { 0: FAKE_HID_POS_REPORT_DESCRIPTOR } });
    const service = await startScannerService({ transport: t, readTimeoutMs: 20, incompleteScanTimeoutMs: 60_000 });
    try {
      const got: ScanEvent[] = [];
      service.router.register('receiving', (s) => void got.push(s));
      service.router.setActiveWorkflow('receiving');
      expect(service.status().scanners[0]).toMatchObject({ vendorName: 'Newland', state: 'claimed' });

      dev.send(...buildHidPosReports(']C1', new TextEncoder().encode('010030012345678921SER\u001d10LOT')));
      const long = new TextEncoder().encode('x'.repeat(100));
      dev.send(buildHidPosReports(']d2', long)[0]!);
      const until = Date.now() + 2000;
      while (got.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 30));
      t.unplug('h');
      while (got.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));

      expect(got.map((s) => [s.raw.slice(0, 10), s.complete, s.scannerId])).toEqual([
        ['0100300123', true, '0x1eab:0x0001:N1'],
        ['xxxxxxxxxx', false, '0x1eab:0x0001:N1'],
      ]);
      expect(got[0]!.raw).toContain('\u001d10LOT');
    } finally {
      await service.stop();
    }
  });
});
