/**
 * Joins the reports of one scan into one ScanEvent. A long code (a GS1 DataMatrix with serial,
 * lot and expiry easily passes 56 bytes) arrives in several HID POS reports, each flagged
 * "continued" but the last. Bytes are copied as they are: GS (0x1D) and any AIM identifier the
 * scanner put in the data stay intact.
 *
 * A scan whose last report never comes (scanner unplugged, a report lost) is not dropped:
 * {@link ScanAssembler.abort} turns what arrived into an event with `complete: false`, a
 * `problem` in words, and every byte in `rawBytesHex`.
 */
import type { HidPosFragment } from './hid-pos-report';
import { bytesToText, leadingSymbologyId, type ScanEvent, type ScanSource, toHex } from './types';

export interface ScanAssemblerOptions {
  scannerId: string;
  source: ScanSource;
  /** Longest scan accepted, in bytes; longer ones are cut and flagged. Default 8 KiB. */
  maxBytes?: number;
}

/** Build a ScanEvent from the bytes of a scan. */
export function scanEventFromBytes(args: {
  scannerId: string;
  source: ScanSource;
  bytes: Uint8Array;
  symbologyId: string | null;
  receivedAt: Date;
  complete: boolean;
  problem?: string;
}): ScanEvent {
  const raw = bytesToText(args.bytes);
  const event: ScanEvent = {
    scannerId: args.scannerId,
    raw,
    symbologyId: args.symbologyId ?? leadingSymbologyId(raw),
    receivedAt: args.receivedAt.toISOString(),
    source: args.source,
    complete: args.complete,
    rawBytesHex: toHex(args.bytes),
  };
  if (args.problem) event.problem = args.problem;
  return event;
}

export class ScanAssembler {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private symbologyId: string | null = null;
  private problems: string[] = [];
  private started: Date | null = null;
  private readonly maxBytes: number;

  constructor(private readonly options: ScanAssemblerOptions) {
    this.maxBytes = options.maxBytes ?? 8192;
  }

  /** When the scan in progress started, or null when none is. */
  get pendingSince(): Date | null {
    return this.started;
  }

  get pendingBytes(): number {
    return this.size;
  }

  /** Add one report's fragment; returns the finished scan after its last report, else null. */
  push(fragment: HidPosFragment, at: Date): ScanEvent | null {
    if (this.started === null) this.started = at;
    if (this.symbologyId === null && fragment.symbologyId !== null) this.symbologyId = fragment.symbologyId;
    else if (fragment.symbologyId !== null && fragment.symbologyId !== this.symbologyId) {
      this.problems.push(`symbology changed mid-scan (${this.symbologyId} then ${fragment.symbologyId})`);
    }
    if (fragment.problem) this.problems.push(fragment.problem);
    if (this.size + fragment.data.length > this.maxBytes) {
      this.problems.push(`scan longer than ${this.maxBytes} bytes: cut`);
      const room = this.maxBytes - this.size;
      if (room > 0) this.add(fragment.data.subarray(0, room));
    } else this.add(fragment.data);

    if (fragment.continued) return null;
    const problem = this.problems.length > 0 ? this.problems.join('; ') : undefined;
    return this.finish(at, true, problem);
  }

  /**
   * End a scan in progress without its last report. Returns the incomplete scan, or null when
   * nothing was pending.
   */
  abort(reason: string, at: Date): ScanEvent | null {
    if (this.started === null) return null;
    return this.finish(at, false, [`incomplete scan: ${reason}`, ...this.problems].join('; '));
  }

  private add(bytes: Uint8Array): void {
    this.chunks.push(Uint8Array.from(bytes));
    this.size += bytes.length;
  }

  private finish(at: Date, complete: boolean, problem: string | undefined): ScanEvent {
    const bytes = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    const args: Parameters<typeof scanEventFromBytes>[0] = {
      scannerId: this.options.scannerId,
      source: this.options.source,
      bytes,
      symbologyId: this.symbologyId,
      receivedAt: at,
      complete,
    };
    if (problem !== undefined) args.problem = problem;
    const event = scanEventFromBytes(args);
    this.chunks = [];
    this.size = 0;
    this.symbologyId = null;
    this.problems = [];
    this.started = null;
    return event;
  }
}
