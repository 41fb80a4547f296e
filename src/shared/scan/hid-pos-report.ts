/**
 * HID POS (usage page 0x8C, "Bar Code Scanner") Scanned Data Report decoder.
 *
 * The report, as Honeywell, Zebra and Datalogic scanners in "USB HID POS" mode send it on the
 * interrupt IN endpoint (64 bytes, report ID first):
 *
 * | byte  | field                                                       | usage            |
 * |-------|-------------------------------------------------------------|------------------|
 * | 0     | report ID (0x02)                                            |                  |
 * | 1     | number of data bytes in *this* report (0–56)                | 0x01:0x3B Byte Count |
 * | 2–4   | AIM symbology identifier, e.g. `]` `d` `2` (zeros if off)   | 0x8C:0xFB–0xFD   |
 * | 5–60  | decoded data, zero padded                                   | 0x8C:0xFE        |
 * | 61–62 | vendor bytes (Honeywell code ID, reserved)                  | vendor page      |
 * | 63    | bit 0: Decode Data Continued — more reports follow          | 0x8C:0xFF        |
 *
 * When the interface's report descriptor is available, {@link layoutFromDescriptor} reads the
 * positions from it instead, so a scanner with a different arrangement still decodes.
 */
import { type HidReportDescriptor, USAGE_PAGE_BARCODE_SCANNER, USAGE_PAGE_GENERIC_DESKTOP } from './hid-report-descriptor';

export interface HidPosLayout {
  /** Report ID of the scanned data report; null when the interface has no report IDs. */
  reportId: number | null;
  /** Byte offsets are within the report as received, report ID byte included. */
  byteCountOffset: number | null;
  symbologyOffset: number | null;
  symbologyLength: number;
  dataOffset: number;
  dataCapacity: number;
  continuedOffset: number | null;
  continuedMask: number;
}

export const DEFAULT_HID_POS_LAYOUT: HidPosLayout = Object.freeze({
  reportId: 0x02,
  byteCountOffset: 1,
  symbologyOffset: 2,
  symbologyLength: 3,
  dataOffset: 5,
  dataCapacity: 56,
  continuedOffset: 63,
  continuedMask: 0x01,
});

/** One report's worth of a scan. */
export interface HidPosFragment {
  /** AIM symbology identifier (`]d2`), or null when the scanner sent none. */
  symbologyId: string | null;
  data: Uint8Array;
  /** More reports of the same scan follow. */
  continued: boolean;
  /** Something odd about this report (declared length too long, short report), or undefined. */
  problem?: string;
}

const USAGE_BYTE_COUNT = 0x3b;
const USAGE_SYMBOLOGY_1 = 0xfb;
const USAGE_SYMBOLOGY_3 = 0xfd;
const USAGE_DECODED_DATA = 0xfe;
const USAGE_DECODE_DATA_CONTINUED = 0xff;

/**
 * Positions of the scanned data report's fields, from the interface's report descriptor.
 * Returns null when the descriptor has no Decoded Data field (then use the default layout).
 */
export function layoutFromDescriptor(descriptor: HidReportDescriptor): HidPosLayout | null {
  const data = descriptor.inputs.find(
    (f) => f.usagePage === USAGE_PAGE_BARCODE_SCANNER && f.usages.includes(USAGE_DECODED_DATA) && f.bitSize === 8,
  );
  if (!data || data.bitOffset % 8 !== 0) return null;
  const sameReport = descriptor.inputs.filter((f) => f.reportId === data.reportId);
  const idBytes = descriptor.usesReportIds ? 1 : 0;
  const byteAt = (bitOffset: number): number => idBytes + Math.floor(bitOffset / 8);

  const count = sameReport.find(
    (f) => f.usagePage === USAGE_PAGE_GENERIC_DESKTOP && f.usages.includes(USAGE_BYTE_COUNT) && f.bitSize === 8,
  );
  const symbology = sameReport.filter(
    (f) =>
      f.usagePage === USAGE_PAGE_BARCODE_SCANNER &&
      f.bitSize === 8 &&
      f.usages.some((u) => u >= USAGE_SYMBOLOGY_1 && u <= USAGE_SYMBOLOGY_3),
  );
  const symbologyStart = symbology.length > 0 ? Math.min(...symbology.map((f) => f.bitOffset)) : null;
  const symbologyLength = symbology.reduce((n, f) => n + f.count, 0);
  const continued = sameReport.find(
    (f) => f.usagePage === USAGE_PAGE_BARCODE_SCANNER && f.usages.includes(USAGE_DECODE_DATA_CONTINUED),
  );
  const index = continued ? continued.usages.indexOf(USAGE_DECODE_DATA_CONTINUED) : 0;
  const continuedBit = continued ? continued.bitOffset + index * continued.bitSize : null;

  return {
    reportId: descriptor.usesReportIds ? data.reportId : null,
    byteCountOffset: count ? byteAt(count.bitOffset) : null,
    symbologyOffset: symbologyStart === null ? null : byteAt(symbologyStart),
    symbologyLength: Math.min(symbologyLength, 3),
    dataOffset: byteAt(data.bitOffset),
    dataCapacity: data.count,
    continuedOffset: continuedBit === null ? null : byteAt(continuedBit),
    continuedMask: continuedBit === null ? 0 : 1 << continuedBit % 8,
  };
}

/**
 * The AIM identifier from the symbology bytes: `]d2` as is, `d2` (no bracket) gets one; anything
 * else (zeros, a vendor code) is not an AIM identifier and gives null.
 */
export function normaliseSymbologyId(text: string): string | null {
  if (/^\][A-Za-z][0-9A-Za-z]$/.test(text)) return text;
  if (/^[A-Za-z][0-9A-Za-z]$/.test(text)) return `]${text}`;
  return null;
}

/**
 * Decode one input report. Returns null for reports that are not scanned data (another report
 * ID, such as a trigger or status report).
 */
export function parseHidPosReport(report: Uint8Array, layout: HidPosLayout = DEFAULT_HID_POS_LAYOUT): HidPosFragment | null {
  if (layout.reportId !== null && report[0] !== layout.reportId) return null;
  const problems: string[] = [];
  const end = layout.dataOffset + layout.dataCapacity;
  if (report.length < layout.dataOffset) {
    return { symbologyId: null, data: new Uint8Array(0), continued: false, problem: `report too short (${report.length} bytes)` };
  }
  if (report.length < end) problems.push(`report shorter than its layout (${report.length} of ${end} bytes)`);

  let symbologyId: string | null = null;
  if (layout.symbologyOffset !== null && layout.symbologyLength > 0) {
    const bytes = report.subarray(layout.symbologyOffset, layout.symbologyOffset + layout.symbologyLength);
    symbologyId = normaliseSymbologyId(String.fromCharCode(...bytes.filter((b) => b !== 0)));
  }

  const available = Math.max(0, Math.min(report.length, end) - layout.dataOffset);
  let length: number;
  if (layout.byteCountOffset !== null) {
    const declared = report[layout.byteCountOffset] ?? 0;
    if (declared > available) {
      problems.push(`report declares ${declared} data bytes but holds ${available}`);
      length = available;
    } else length = declared;
  } else {
    // No byte count field: the data is zero padded; trailing zeros are padding.
    length = available;
    while (length > 0 && report[layout.dataOffset + length - 1] === 0) length--;
  }
  const data = Uint8Array.from(report.subarray(layout.dataOffset, layout.dataOffset + length));
  const continued =
    layout.continuedOffset !== null && ((report[layout.continuedOffset] ?? 0) & layout.continuedMask) !== 0;
  const fragment: HidPosFragment = { symbologyId, data, continued };
  if (problems.length > 0) fragment.problem = problems.join('; ');
  return fragment;
}

/** Build a scanned data report (default layout); used by tests and the fake transport. */
export function buildHidPosReport(symbologyId: string | null, data: Uint8Array, continued: boolean): Uint8Array {
  const L = DEFAULT_HID_POS_LAYOUT;
  if (data.length > L.dataCapacity) throw new RangeError(`at most ${L.dataCapacity} data bytes per report`);
  const report = new Uint8Array(64);
  report[0] = L.reportId ?? 0;
  report[1] = data.length;
  if (symbologyId) for (let i = 0; i < 3; i++) report[2 + i] = symbologyId.charCodeAt(i) || 0;
  report.set(data, L.dataOffset);
  report[63] = continued ? 0x01 : 0x00;
  return report;
}

/** Split a scan into as many reports as it needs (default layout), the way a scanner does. */
export function buildHidPosReports(symbologyId: string | null, data: Uint8Array): Uint8Array[] {
  const cap = DEFAULT_HID_POS_LAYOUT.dataCapacity;
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length || out.length === 0; at += cap) {
    const chunk = data.subarray(at, at + cap);
    out.push(buildHidPosReport(symbologyId, chunk, at + cap < data.length));
  }
  return out;
}
