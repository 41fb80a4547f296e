/**
 * Decoder for USB HID boot-keyboard input reports (8 bytes: modifiers, reserved, six key usages
 * from the Keyboard/Keypad page 0x07), as sent by a barcode scanner in USB keyboard mode.
 *
 * US layout. What it does:
 * - a key counts when it is newly pressed (present in this report, absent from the previous
 *   one), so held keys, releases (all-zero reports), modifier-only reports and ErrorRollOver
 *   reports (all slots 0x01) produce nothing;
 * - Shift selects the shifted character;
 * - Ctrl + key inside a scan gives the ASCII control character (Ctrl+] = GS 0x1D, the way
 *   scanners in "Ctrl+ASCII"/function-key mode send FNC1), and Alt + keypad digits gives the
 *   character with that decimal code (Alt+0029 = GS, "ALT mode");
 * - Enter (main or keypad) ends a scan; Tab too when `tabTerminates` is set;
 * - keys pressed with Ctrl, Alt or GUI while no scan is in progress — a suffix after Enter such
 *   as Ctrl+Shift+J, or a prefix — are ignored, and so is an Enter with nothing before it.
 */

/** [unshifted, shifted] characters for Keyboard page usages 0x04–0x38 (US layout). */
const MAIN_KEYS: Record<number, readonly [string, string]> = {};
for (let u = 0x04; u <= 0x1d; u++) {
  const c = String.fromCharCode(0x61 + u - 0x04);
  MAIN_KEYS[u] = [c, c.toUpperCase()];
}
const DIGITS = '1234567890';
const SHIFTED_DIGITS = '!@#$%^&*()';
for (let i = 0; i < 10; i++) MAIN_KEYS[0x1e + i] = [DIGITS[i]!, SHIFTED_DIGITS[i]!];
const PUNCT: Array<[number, string, string]> = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x32, '#', '~'], // non-US # and ~; US keyboards do not send it, scanners rarely do
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
];
for (const [u, a, b] of PUNCT) MAIN_KEYS[u] = [a, b];

/** Keypad usages (NumLock assumed on, as scanners send them). */
const KEYPAD: Record<number, string> = {
  0x54: '/',
  0x55: '*',
  0x56: '-',
  0x57: '+',
  0x59: '1',
  0x5a: '2',
  0x5b: '3',
  0x5c: '4',
  0x5d: '5',
  0x5e: '6',
  0x5f: '7',
  0x60: '8',
  0x61: '9',
  0x62: '0',
  0x63: '.',
};

export const KEY_ENTER = 0x28;
export const KEY_TAB = 0x2b;
export const KEY_KEYPAD_ENTER = 0x58;
const ERROR_ROLLOVER = 0x01;

const MOD_CTRL = 0x01 | 0x10;
const MOD_SHIFT = 0x02 | 0x20;
const MOD_ALT = 0x04 | 0x40;
const MOD_GUI = 0x08 | 0x80;

export interface KeyboardScan {
  /** The characters before the terminator; GS as `\u001d`. */
  text: string;
  terminator: 'enter' | 'tab';
  /** Every report that contributed, including the terminator's, for quarantine. */
  reports: Uint8Array[];
}

export interface HidKeyboardDecoderOptions {
  /** When the interface uses report IDs, the ID of the keyboard input report (stripped first). */
  reportId?: number;
  /** Tab also ends a scan (some scanners are set to a Tab suffix). Default false. */
  tabTerminates?: boolean;
}

/** Control character for Ctrl + the key with this usage, or null. */
function ctrlChar(usage: number): string | null {
  if (usage >= 0x04 && usage <= 0x1d) return String.fromCharCode(usage - 0x04 + 1); // Ctrl+A..Z = 0x01..0x1A
  switch (usage) {
    case 0x2f:
      return '\u001b'; // Ctrl+[
    case 0x31:
      return '\u001c'; // Ctrl+\
    case 0x30:
      return '\u001d'; // Ctrl+] = GS
    case 0x23:
      return '\u001e'; // Ctrl+^ (6)
    case 0x2d:
      return '\u001f'; // Ctrl+_ (-)
    case 0x1f:
      return '\u0000'; // Ctrl+@ (2)
    default:
      return null;
  }
}

/** Stateful decoder: feed it every input report in order. */
export class HidKeyboardDecoder {
  private previous = new Set<number>();
  private text = '';
  private reports: Uint8Array[] = [];
  private altDigits: string | null = null;

  constructor(private readonly options: HidKeyboardDecoderOptions = {}) {}

  /** Characters typed so far for a scan not yet ended, and the reports they came in. */
  pending(): { text: string; reports: Uint8Array[] } {
    return { text: this.text, reports: [...this.reports] };
  }

  /** Forget a scan in progress (after reporting it as incomplete, for example). */
  reset(): void {
    this.previous.clear();
    this.text = '';
    this.reports = [];
    this.altDigits = null;
  }

  /** Decode one report; returns the scans it ended (zero or one, in practice). */
  push(input: Uint8Array): KeyboardScan[] {
    let report = input;
    if (this.options.reportId !== undefined) {
      if (report[0] !== this.options.reportId) return [];
      report = report.subarray(1);
    }
    if (report.length < 3) return [];
    const modifiers = report[0] ?? 0;
    const keys = [...report.subarray(2, 8)].filter((k) => k !== 0);
    if (keys.length > 0 && keys.every((k) => k === ERROR_ROLLOVER)) return []; // phantom state: keep previous
    const pressed = keys.filter((k) => !this.previous.has(k));
    this.previous = new Set(keys);

    const inScan = this.text.length > 0 || this.altDigits !== null;
    if (inScan || pressed.length > 0) this.reports.push(Uint8Array.from(input));

    // Alt released after Alt+keypad digits: emit the character with that decimal code.
    if (this.altDigits !== null && (modifiers & MOD_ALT) === 0) this.flushAlt();

    const out: KeyboardScan[] = [];
    for (const usage of pressed) {
      const scan = this.key(usage, modifiers);
      if (scan) out.push(scan);
    }
    if (this.text.length === 0 && this.altDigits === null && out.length === 0) this.reports = [];
    return out;
  }

  private flushAlt(): void {
    const digits = this.altDigits;
    this.altDigits = null;
    if (digits) {
      const code = Number.parseInt(digits, 10);
      if (code > 0 && code <= 0xff) this.text += String.fromCharCode(code);
    }
  }

  private key(usage: number, modifiers: number): KeyboardScan | null {
    const ctrl = (modifiers & MOD_CTRL) !== 0;
    const alt = (modifiers & MOD_ALT) !== 0;
    const gui = (modifiers & MOD_GUI) !== 0;
    const shift = (modifiers & MOD_SHIFT) !== 0;

    if (usage === KEY_ENTER || usage === KEY_KEYPAD_ENTER || (usage === KEY_TAB && this.options.tabTerminates)) {
      if (this.altDigits !== null) this.flushAlt();
      if (this.text.length === 0 || ctrl || alt || gui) {
        this.reports = [];
        return null;
      }
      const scan: KeyboardScan = {
        text: this.text,
        terminator: usage === KEY_TAB ? 'tab' : 'enter',
        reports: this.reports,
      };
      this.text = '';
      this.reports = [];
      return scan;
    }

    if (alt && !ctrl && !gui) {
      const digit = KEYPAD[usage];
      if (digit !== undefined && /[0-9]/.test(digit)) {
        this.altDigits = (this.altDigits ?? '') + digit;
        return null;
      }
    }

    const inScan = this.text.length > 0;
    if (ctrl || alt || gui) {
      // Outside a scan these are a prefix/suffix (e.g. Ctrl+Shift+J after Enter): ignore.
      // Inside a scan, Ctrl+key is a control character (Ctrl+] = GS).
      if (inScan && ctrl && !alt && !gui) {
        const c = ctrlChar(usage);
        if (c !== null) this.text += c;
      }
      return null;
    }

    const main = MAIN_KEYS[usage];
    if (main) {
      this.text += shift ? main[1] : main[0];
      return null;
    }
    const pad = KEYPAD[usage];
    if (pad !== undefined) this.text += pad;
    // Anything else (F-keys, arrows, Escape, Backspace) is not barcode data.
    return null;
  }
}

/** Decode a whole recorded sequence of reports to the scans it contains. */
export function decodeKeyboardReports(reports: Iterable<Uint8Array>, options?: HidKeyboardDecoderOptions): string[] {
  const decoder = new HidKeyboardDecoder(options);
  const out: string[] = [];
  for (const r of reports) for (const scan of decoder.push(r)) out.push(scan.text);
  return out;
}

/** Parse lines like `<Buffer 00 00 23 00 00 00 00 00>` or `00 00 23 …` into reports; other lines are skipped. */
export function parseReportDump(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trimStart().startsWith('#')) continue;
    const m = /^\s*(?:<Buffer\s+)?((?:[0-9a-fA-F]{2}\s*)+)>?\s*$/.exec(line);
    if (!m || !m[1]) continue;
    const bytes = m[1].trim().split(/\s+/).map((h) => Number.parseInt(h, 16));
    out.push(Uint8Array.from(bytes));
  }
  return out;
}
