import { z } from 'zod';

/** Where a scan came from; `keyed`: typed by hand at the Receiving screen (audited as such). */
export const scanSources = ['usb-hid-pos', 'usb-keyboard', 'wedge', 'keyed', 'test'] as const;
export type ScanSource = (typeof scanSources)[number];

/** The group separator, ASCII 0x1D, that stands for FNC1 inside a GS1 element string. */
export const GS = '\u001d';

/**
 * One barcode read, as the rest of the app sees it.
 *
 * - `raw` is the data exactly as the scanner sent it, bytes decoded as UTF-8 when valid and as
 *   Latin-1 otherwise; GS (0x1D) stays in the string as `\u001d`. A symbology identifier that
 *   the scanner put *inside* the data (keyboard mode with "transmit AIM ID") stays in `raw` too.
 * - `symbologyId` is the AIM symbology identifier (`]d2`, `]C1`, `]E0`, …) when the scanner
 *   told us one — a separate field in HID POS reports, or a prefix detected at the start of the
 *   data — or null. Use {@link scanText} to get the string a GS1 parser expects.
 * - `receivedAt` is UTC ISO 8601 (`2025-01-02T03:04:05.678Z`), stamped when the last byte
 *   arrived.
 * - `complete` is false when the scan was cut short (scanner unplugged mid-scan, a missing
 *   continuation report); `problem` then says why and `rawBytesHex` keeps what did arrive.
 */
export interface ScanEvent {
  scannerId: string;
  raw: string;
  symbologyId: string | null;
  receivedAt: string;
  source: ScanSource;
  complete: boolean;
  /** Why the scan is incomplete or suspicious, in words a technician can read. */
  problem?: string;
  /** Every data byte received for this scan, lowercase hex without separators (USB sources). */
  rawBytesHex?: string;
}

const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'UTC ISO timestamp ending in Z');

/** Schema of a ScanEvent crossing a process boundary (IPC, browser-mode test hook). */
export const scanEventSchema = z.object({
  scannerId: z.string().min(1).max(200),
  raw: z.string().max(8192),
  symbologyId: z.string().regex(/^\][A-Za-z0-9][0-9A-Za-z]$/).nullable(),
  receivedAt: isoUtc,
  source: z.enum(scanSources),
  complete: z.boolean(),
  problem: z.string().max(500).optional(),
  rawBytesHex: z.string().regex(/^([0-9a-f]{2})*$/).max(16384).optional(),
});

/** AIM symbology identifier: `]`, a code character, a modifier character. */
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/** The AIM symbology identifier at the start of `text`, or null. */
export function leadingSymbologyId(text: string): string | null {
  const m = AIM_PREFIX.exec(text);
  return m ? m[0] : null;
}

/**
 * The scan as one string with its symbology identifier in front (the form a GS1 parser takes,
 * e.g. `]d2010030012345678…`). Does not add the identifier twice when `raw` already starts with it.
 */
export function scanText(event: Pick<ScanEvent, 'raw' | 'symbologyId'>): string {
  if (!event.symbologyId || event.raw.startsWith(event.symbologyId)) return event.raw;
  return event.symbologyId + event.raw;
}

/** Bytes to lowercase hex (one implementation, with the ledger's other text forms). */
export { toHex } from '../ledger/encoding';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Scanner bytes to a string: UTF-8 when the bytes are valid UTF-8, otherwise Latin-1 (one char per byte). */
export function bytesToText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let out = '';
    for (const b of bytes) out += String.fromCharCode(b);
    return out;
  }
}

/** A clock returning the current time; injected so tests are deterministic. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
