/**
 * Keyboard-wedge fallback: a scanner left in USB keyboard mode "types" its code. This tells a
 * scanner's burst of keys from a person typing, from keydown events alone, with no DOM
 * dependency: feed it `{ key, code, timeStamp, ctrlKey, altKey, metaKey, repeat }` objects
 * (a KeyboardEvent has all of these).
 *
 * A scan is: at least `minLength` characters, each key at most `maxInterKeyMs` (default 40 ms)
 * after the one before, ended by Enter (or Tab, or a configured key) that also comes within
 * the gap. People type 80–250 ms between keys, scanners 1–20 ms. A slower gap restarts the
 * burst from that key, so a person typing and then a scan in the same field still works.
 *
 * GS (ASCII 0x1D, FNC1 of GS1 codes) arrives in keyboard mode in one of these ways, all read
 * as `\u001d`:
 * - Ctrl+] (`ctrlKey` with key `]` or code `BracketRight`; Chromium reports key `]`, or
 *   `Unidentified`/`\u001d` on some layouts — all accepted);
 * - key `Unidentified` in the middle of a burst (scanners that send a keycode the layout has
 *   no character for) — with `unidentifiedIsGs: false` such keys are skipped instead;
 * - Alt + keypad 0029 (Windows "ALT mode": digits with `altKey` and code `Numpad…`);
 * - a key you program the scanner to send for GS, listed in `gsKeys` (e.g. `['F8']`).
 * Not supported: GS sent as a dead key or IME composition, layouts other than the one the OS
 * uses (the browser already maps keys to characters with the OS layout, so a scanner set to
 * a different layout than the OS gives wrong characters — set both to the same layout).
 */
import { leadingSymbologyId, type ScanEvent } from '../../shared/scan/types';

export interface WedgeKeyEvent {
  key: string;
  code?: string;
  /** Milliseconds, any monotonic origin (KeyboardEvent.timeStamp is fine). */
  timeStamp: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  metaKey?: boolean;
  repeat?: boolean;
}

export interface WedgeOptions {
  /** Longest gap between two keys of a scan. Default 40 ms. */
  maxInterKeyMs?: number;
  /** Fewest characters a scan has. Default 4 (shorter bursts are left as typing). */
  minLength?: number;
  /** Keys that end a scan. Default ['Enter', 'Tab']. */
  terminators?: string[];
  /** Keys the scanner is programmed to send for GS, e.g. ['F8']. Default none. */
  gsKeys?: string[];
  /** Read `Unidentified` inside a burst as GS. Default true. */
  unidentifiedIsGs?: boolean;
  /** scannerId put on scans from the wedge. Default 'wedge'. */
  scannerId?: string;
  /** Wall clock for receivedAt (timeStamp is not wall time). */
  now?: () => Date;
}

export type WedgeResult =
  | {
      kind: 'scan';
      scan: ScanEvent;
      /**
       * Printable characters of the scan the browser will already have typed into a focused
       * text field; the caller removes them (and calls preventDefault on the terminator so a
       * form is not submitted).
       */
      charsTyped: number;
      durationMs: number;
    }
  /** This key may be part of a scan: let it through, but a scan may still claim it. */
  | { kind: 'pending' }
  /** Ordinary typing. */
  | { kind: 'none' };

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'OS', 'Fn']);
const GS = '\u001d';

export class KeyboardWedge {
  private buffer = '';
  private typed = 0;
  private firstTs = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  private altCode: string | null = null;
  private readonly maxGap: number;
  private readonly minLength: number;
  private readonly terminators: Set<string>;
  private readonly gsKeys: Set<string>;
  private readonly unidentifiedIsGs: boolean;
  private readonly scannerId: string;
  private readonly now: () => Date;

  constructor(options: WedgeOptions = {}) {
    this.maxGap = options.maxInterKeyMs ?? 40;
    this.minLength = options.minLength ?? 4;
    this.terminators = new Set(options.terminators ?? ['Enter', 'Tab']);
    this.gsKeys = new Set(options.gsKeys ?? []);
    this.unidentifiedIsGs = options.unidentifiedIsGs ?? true;
    this.scannerId = options.scannerId ?? 'wedge';
    this.now = options.now ?? (() => new Date());
  }

  reset(): void {
    this.buffer = '';
    this.typed = 0;
    this.altCode = null;
    this.lastTs = Number.NEGATIVE_INFINITY;
  }

  /** Feed one keydown. */
  handle(ev: WedgeKeyEvent): WedgeResult {
    if (ev.repeat) {
      this.reset();
      return { kind: 'none' };
    }
    if (MODIFIER_KEYS.has(ev.key)) return this.buffer || this.altCode !== null ? { kind: 'pending' } : { kind: 'none' };

    const gap = ev.timeStamp - this.lastTs;
    const inBurst = (this.buffer.length > 0 || this.altCode !== null) && gap >= 0 && gap <= this.maxGap;
    if (!inBurst) {
      this.buffer = '';
      this.typed = 0;
      this.altCode = null;
    }

    // Alt + keypad digits (Windows ALT mode): collect until a key without Alt.
    if (ev.altKey && !ev.ctrlKey && ev.code?.startsWith('Numpad') && /^[0-9]$/.test(ev.key)) {
      if (this.buffer.length === 0 && this.altCode === null) this.firstTs = ev.timeStamp;
      this.altCode = (this.altCode ?? '') + ev.key;
      this.lastTs = ev.timeStamp;
      return { kind: 'pending' };
    }
    if (this.altCode !== null) this.flushAltCode();

    if (this.terminators.has(ev.key)) {
      const result = this.finish(ev.timeStamp, inBurst);
      this.reset();
      return result;
    }

    if (ev.key === 'Unidentified' && !ev.ctrlKey && !this.unidentifiedIsGs) {
      // Told not to read it as GS: skip it without breaking the burst.
      if (inBurst) this.lastTs = ev.timeStamp;
      return inBurst ? { kind: 'pending' } : { kind: 'none' };
    }
    const ch = this.charOf(ev, inBurst);
    if (ch === null) {
      // Navigation, Backspace, Escape, function keys: a person at work.
      this.reset();
      return { kind: 'none' };
    }
    if (this.buffer.length === 0) this.firstTs = ev.timeStamp;
    this.buffer += ch.char;
    if (ch.typed) this.typed++;
    this.lastTs = ev.timeStamp;
    return { kind: 'pending' };
  }

  /**
   * For scanners with no terminator: call from a timer. Ends a burst idle for more than
   * `idleMs` (default 3 × maxInterKeyMs) as a scan when it is long enough.
   */
  flush(timeStamp: number, idleMs = this.maxGap * 3): WedgeResult {
    if (this.altCode !== null) this.flushAltCode();
    if (this.buffer.length === 0 || timeStamp - this.lastTs < idleMs) return { kind: this.buffer ? 'pending' : 'none' };
    const result = this.finish(this.lastTs, true);
    this.reset();
    return result;
  }

  private flushAltCode(): void {
    const code = Number.parseInt(this.altCode ?? '', 10);
    this.altCode = null;
    if (code > 0 && code <= 0xff) this.buffer += String.fromCharCode(code);
  }

  private charOf(ev: WedgeKeyEvent, inBurst: boolean): { char: string; typed: boolean } | null {
    const bracket = ev.key === ']' || ev.code === 'BracketRight';
    if (ev.ctrlKey && !ev.altKey && !ev.metaKey && (bracket || ev.key === GS)) return { char: GS, typed: false };
    if (ev.key === GS) return { char: GS, typed: false };
    if (this.gsKeys.has(ev.key)) return { char: GS, typed: false };
    if (ev.key === 'Unidentified') return this.unidentifiedIsGs && inBurst ? { char: GS, typed: false } : null;
    if (ev.ctrlKey || ev.metaKey || (ev.altKey && !ev.ctrlKey)) return null;
    if ([...ev.key].length === 1) return { char: ev.key, typed: true };
    return null;
  }

  private finish(timeStamp: number, inBurst: boolean): WedgeResult {
    if (!inBurst || this.buffer.length < this.minLength) return { kind: 'none' };
    const raw = this.buffer;
    return {
      kind: 'scan',
      scan: {
        scannerId: this.scannerId,
        raw,
        symbologyId: leadingSymbologyId(raw),
        receivedAt: this.now().toISOString(),
        source: 'wedge',
        complete: true,
      },
      charsTyped: this.typed,
      durationMs: timeStamp - this.firstTs,
    };
  }
}
