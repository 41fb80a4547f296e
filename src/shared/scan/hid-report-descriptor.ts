/**
 * A small HID report descriptor parser: enough to tell a HID POS barcode scanner (usage page
 * 0x8C) from a keyboard, and to find where the fields of an input report sit.
 * Short items only are interpreted; long items are skipped.
 */

export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_PAGE_KEYBOARD = 0x07;
export const USAGE_PAGE_BARCODE_SCANNER = 0x8c;
export const USAGE_KEYBOARD = 0x06;

export interface HidCollection {
  /** 0 physical, 1 application, 2 logical, … */
  type: number;
  usagePage: number;
  usage: number;
  depth: number;
}

export interface HidInputField {
  /** Report ID, or 0 when the descriptor declares none. */
  reportId: number;
  /** Bit offset of the field inside the report, not counting the report ID byte. */
  bitOffset: number;
  bitSize: number;
  count: number;
  usagePage: number;
  /** Usages in order (may be shorter than count: the last one repeats), or empty for padding. */
  usages: number[];
  usageMinimum?: number;
  usageMaximum?: number;
  /** The Input item's data bits: bit 0 constant, bit 1 variable, … */
  flags: number;
}

export interface HidReportDescriptor {
  collections: HidCollection[];
  inputs: HidInputField[];
  /** True when any Report ID item appeared: every report then starts with its ID byte. */
  usesReportIds: boolean;
}

function readUnsigned(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v |= (bytes[at + i] ?? 0) << (8 * i);
  return v >>> 0;
}

export class HidDescriptorError extends Error {}

export function parseHidReportDescriptor(bytes: Uint8Array): HidReportDescriptor {
  const collections: HidCollection[] = [];
  const inputs: HidInputField[] = [];
  let usesReportIds = false;

  let g = { usagePage: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: (typeof g)[] = [];
  let usages: number[] = [];
  let usagePagesOfUsages: (number | null)[] = [];
  let usageMinimum: number | undefined;
  let usageMaximum: number | undefined;
  let depth = 0;
  const bitOffsets = new Map<number, number>();

  const clearLocal = (): void => {
    usages = [];
    usagePagesOfUsages = [];
    usageMinimum = undefined;
    usageMaximum = undefined;
  };

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i]!;
    if (prefix === 0xfe) {
      const size = bytes[i + 1] ?? 0;
      i += 3 + size;
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    if (i + 1 + size > bytes.length) throw new HidDescriptorError(`report descriptor truncated at byte ${i}`);
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    const value = readUnsigned(bytes, i + 1, size);
    i += 1 + size;

    if (type === 1) {
      // Global
      switch (tag) {
        case 0x0:
          g.usagePage = value;
          break;
        case 0x7:
          g.reportSize = value;
          break;
        case 0x8:
          g.reportId = value;
          usesReportIds = true;
          break;
        case 0x9:
          g.reportCount = value;
          break;
        case 0xa:
          stack.push({ ...g });
          break;
        case 0xb:
          g = stack.pop() ?? g;
          break;
        default:
          break;
      }
    } else if (type === 2) {
      // Local
      const page = size === 4 ? value >>> 16 : null;
      const id = size === 4 ? value & 0xffff : value;
      if (tag === 0x0) {
        usages.push(id);
        usagePagesOfUsages.push(page);
      } else if (tag === 0x1) usageMinimum = id;
      else if (tag === 0x2) usageMaximum = id;
    } else if (type === 0) {
      // Main
      if (tag === 0xa) {
        const explicitPage = usagePagesOfUsages[0];
        collections.push({
          type: value,
          usagePage: explicitPage ?? g.usagePage,
          usage: usages[0] ?? usageMinimum ?? 0,
          depth,
        });
        depth++;
      } else if (tag === 0xc) {
        depth = Math.max(0, depth - 1);
      } else if (tag === 0x8 || tag === 0x9 || tag === 0xb) {
        const bits = g.reportSize * g.reportCount;
        if (tag === 0x8) {
          const offset = bitOffsets.get(g.reportId) ?? 0;
          const field: HidInputField = {
            reportId: g.reportId,
            bitOffset: offset,
            bitSize: g.reportSize,
            count: g.reportCount,
            usagePage: usagePagesOfUsages[0] ?? g.usagePage,
            usages: [...usages],
            flags: value,
          };
          if (usageMinimum !== undefined) field.usageMinimum = usageMinimum;
          if (usageMaximum !== undefined) field.usageMaximum = usageMaximum;
          inputs.push(field);
          bitOffsets.set(g.reportId, offset + bits);
        }
      }
      clearLocal();
    }
  }
  return { collections, inputs, usesReportIds };
}

/** What an interface is, judged by its report descriptor. */
export type HidInterfaceKind = 'hid-pos' | 'keyboard' | 'other';

export function classifyHidInterface(descriptor: HidReportDescriptor): HidInterfaceKind {
  const apps = descriptor.collections.filter((c) => c.type === 1);
  if (apps.some((c) => c.usagePage === USAGE_PAGE_BARCODE_SCANNER)) return 'hid-pos';
  if (apps.some((c) => c.usagePage === USAGE_PAGE_GENERIC_DESKTOP && c.usage === USAGE_KEYBOARD)) return 'keyboard';
  return 'other';
}

/** Report ID of the keyboard input report (for keyboards that use report IDs), or undefined. */
export function keyboardReportId(descriptor: HidReportDescriptor): number | undefined {
  if (!descriptor.usesReportIds) return undefined;
  const field = descriptor.inputs.find((f) => f.usagePage === USAGE_PAGE_KEYBOARD);
  return field?.reportId;
}
