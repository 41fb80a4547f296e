import { describe, expect, it } from 'vitest';
import {
  buildHidPosReport,
  buildHidPosReports,
  DEFAULT_HID_POS_LAYOUT,
  layoutFromDescriptor,
  parseHidPosReport,
} from './hid-pos-report';
import { classifyHidInterface, parseHidReportDescriptor } from './hid-report-descriptor';

const ascii = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/**
 * A HID POS scanner report descriptor written for these tests from the HID Point of Sale usage
 * tables: Bar Code Scanner application collection, Scanned Data Report (ID 2) with Byte Count,
 * three symbology identifier bytes, 56 data bytes, two vendor bytes and the continued flag.
 */
const HID_POS_DESCRIPTOR = Uint8Array.from([
  0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, // page 0x8C, Bar Code Scanner, Application
  0x09, 0x12, 0xa1, 0x02, 0x85, 0x02, // Scanned Data Report, Logical, Report ID 2
  0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x01,
  0x05, 0x01, 0x09, 0x3b, 0x81, 0x02, // Generic Desktop Byte Count
  0x95, 0x03, 0x05, 0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81, 0x02, // Symbology Identifier 1..3
  0x95, 0x38, 0x09, 0xfe, 0x82, 0x02, 0x01, // 56 × Decoded Data
  0x06, 0x66, 0xff, 0x95, 0x02, 0x09, 0x04, 0x09, 0x00, 0x81, 0x02, // vendor bytes
  0x05, 0x8c, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xff, 0x81, 0x02, // Decode Data Continued
  0xc0, 0xc0,
]);

/** A plain boot keyboard descriptor (Generic Desktop / Keyboard). */
const KEYBOARD_DESCRIPTOR = Uint8Array.from([
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95,
  0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07,
  0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
]);

describe('HID POS scanned data reports', () => {
  it('reads the AIM identifier and exactly the declared number of data bytes', () => {
    const f = parseHidPosReport(buildHidPosReport(']E0', ascii('0300123456789'), false))!;
    expect(f.symbologyId).toBe(']E0');
    expect(text(f.data)).toBe('0300123456789');
    expect(f.continued).toBe(false);
    expect(f.problem).toBeUndefined();
  });

  it('keeps GS bytes and a trailing zero-looking digit', () => {
    const data = ascii('0103001234567890\u001d10A0');
    const f = parseHidPosReport(buildHidPosReport(']d2', data, false))!;
    expect(text(f.data)).toBe('0103001234567890\u001d10A0');
  });

  it('sees the continued flag and splits a long code over several reports', () => {
    const long = ascii('x'.repeat(130));
    const reports = buildHidPosReports(']d2', long);
    expect(reports).toHaveLength(3);
    const fragments = reports.map((r) => parseHidPosReport(r)!);
    expect(fragments.map((f) => f.continued)).toEqual([true, true, false]);
    expect(fragments.map((f) => f.data.length)).toEqual([56, 56, 18]);
  });

  it('ignores reports with another report ID (trigger, status)', () => {
    const r = buildHidPosReport(null, ascii('1'), false);
    r[0] = 0x04;
    expect(parseHidPosReport(r)).toBeNull();
  });

  it('flags a report whose byte count is larger than the report can hold', () => {
    const r = buildHidPosReport(null, ascii('12'), false);
    r[1] = 200;
    const f = parseHidPosReport(r)!;
    expect(f.problem).toMatch(/declares 200 data bytes/);
    expect(f.data.length).toBe(56);
  });

  it('reports no symbology when the scanner sends zeros or non-AIM bytes there, and adds a missing bracket', () => {
    expect(parseHidPosReport(buildHidPosReport(null, ascii('1'), false))!.symbologyId).toBeNull();
    const junk = buildHidPosReport(null, ascii('1'), false);
    junk.set([0x01, 0xff, 0x20], 2);
    expect(parseHidPosReport(junk)!.symbologyId).toBeNull();
    const bare = buildHidPosReport(null, ascii('1'), false);
    bare.set(ascii('Q3'), 2);
    expect(parseHidPosReport(bare)!.symbologyId).toBe(']Q3');
  });
});

describe('HID report descriptors', () => {
  it('classifies a HID POS scanner and a keyboard', () => {
    expect(classifyHidInterface(parseHidReportDescriptor(HID_POS_DESCRIPTOR))).toBe('hid-pos');
    expect(classifyHidInterface(parseHidReportDescriptor(KEYBOARD_DESCRIPTOR))).toBe('keyboard');
  });

  it('derives the same field positions as the documented default layout', () => {
    const layout = layoutFromDescriptor(parseHidReportDescriptor(HID_POS_DESCRIPTOR));
    expect(layout).toEqual(DEFAULT_HID_POS_LAYOUT);
  });

  it('follows a descriptor with a different layout (no byte count, no report ID)', () => {
    const d = Uint8Array.from([
      0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x75, 0x08, 0x95, 0x03, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81, 0x02,
      0x95, 0x10, 0x09, 0xfe, 0x81, 0x02, 0x75, 0x01, 0x95, 0x01, 0x09, 0xff, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, 0xc0,
    ]);
    const layout = layoutFromDescriptor(parseHidReportDescriptor(d))!;
    expect(layout).toMatchObject({ reportId: null, byteCountOffset: null, symbologyOffset: 0, dataOffset: 3, dataCapacity: 16, continuedOffset: 19 });
    const report = new Uint8Array(20);
    report.set(ascii(']C1'), 0);
    report.set(ascii('0112345'), 3);
    report[19] = 1;
    const f = parseHidPosReport(report, layout)!;
    expect(f).toMatchObject({ symbologyId: ']C1', continued: true });
    expect(text(f.data)).toBe('0112345');
  });

  it('rejects a truncated descriptor with a clear error', () => {
    expect(() => parseHidReportDescriptor(Uint8Array.from([0x05, 0x8c, 0x26, 0xff]))).toThrow(/truncated at byte 2/);
  });
});
