import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corporaPresent, corporaSkipReason, corpusPath } from '../../testing/corpora';
import { decodeKeyboardReports, HidKeyboardDecoder, parseReportDump } from './hid-keyboard-report';

const CORPUS = 'hid/node-hid_issue323_keyboard_wedge_reports.txt';

/** A boot keyboard report: modifiers, then key usages. */
const kb = (modifiers: number, ...keys: number[]): Uint8Array => {
  const r = new Uint8Array(8);
  r[0] = modifiers;
  keys.slice(0, 6).forEach((k, i) => (r[2 + i] = k));
  return r;
};
const UP = kb(0);
const SHIFT = 0x02;
const CTRL = 0x01;
const ALT = 0x04;
const ENTER = 0x28;

describe.skipIf(!corporaPresent)(`recorded keyboard-mode scan (${corporaPresent ? CORPUS : corporaSkipReason})`, () => {
  const reports = corporaPresent ? parseReportDump(readFileSync(corpusPath(CORPUS), 'utf8')) : [];

  it('reads all 33 recorded reports', () => {
    expect(reports).toHaveLength(33);
    expect(reports.every((r) => r.length === 8)).toBe(true);
  });

  it('decodes to 6957842208856 and ignores the Ctrl+Shift+J suffix after Enter', () => {
    expect(decodeKeyboardReports(reports)).toEqual(['6957842208856']);
  });

  it('keeps every report of the scan for quarantine, and leaves nothing pending after the suffix', () => {
    const decoder = new HidKeyboardDecoder();
    const scans = reports.flatMap((r) => decoder.push(r));
    expect(scans).toHaveLength(1);
    expect(scans[0]!.terminator).toBe('enter');
    // 13 digit presses + Enter, plus the release reports between them
    expect(scans[0]!.reports.length).toBeGreaterThanOrEqual(14);
    expect(decoder.pending().text).toBe('');
  });

  it('decodes the same scan twice in a row (the suffix does not leak into the next scan)', () => {
    expect(decodeKeyboardReports([...reports, ...reports])).toEqual(['6957842208856', '6957842208856']);
  });
});

describe('HID boot keyboard reports', () => {
  it('applies Shift for letters and symbols (US layout)', () => {
    // "A-b!" : Shift+a, -, b, Shift+1, Enter
    const seq = [kb(SHIFT, 0x04), UP, kb(0, 0x2d), UP, kb(0, 0x05), UP, kb(SHIFT, 0x1e), UP, kb(0, ENTER), UP];
    expect(decodeKeyboardReports(seq)).toEqual(['A-b!']);
  });

  it('does not repeat a key that stays pressed across reports (rollover)', () => {
    // '1' held while '2' is pressed: two characters, not three
    const seq = [kb(0, 0x1e), kb(0, 0x1e, 0x1f), kb(0, 0x1f), UP, kb(0, ENTER), UP];
    expect(decodeKeyboardReports(seq)).toEqual(['12']);
  });

  it('treats ErrorRollOver reports as noise, not as keys', () => {
    const seq = [kb(0, 0x1e), kb(0, 1, 1, 1, 1, 1, 1), UP, kb(0, ENTER), UP];
    expect(decodeKeyboardReports(seq)).toEqual(['1']);
  });

  it('turns Ctrl+] inside a scan into GS (0x1D), as scanners send FNC1 in keyboard mode', () => {
    // ]d2 01 … GS 10 AB
    const seq = [
      kb(0, 0x30), UP, kb(0, 0x07), UP, kb(0, 0x1f), UP, // ] d 2
      kb(0, 0x27), UP, kb(0, 0x1e), UP, // 0 1
      kb(CTRL, 0x30), kb(0), // Ctrl+]
      kb(0, 0x1e), UP, kb(0, 0x27), UP, kb(SHIFT, 0x04), UP, kb(SHIFT, 0x05), UP, // 1 0 A B
      kb(0, ENTER), UP,
    ];
    expect(decodeKeyboardReports(seq)).toEqual([']d201\u001d10AB']);
  });

  it('turns Alt+0029 on the keypad into GS', () => {
    const seq = [
      kb(0, 0x1e), UP, // 1
      kb(ALT), kb(ALT, 0x62), kb(ALT), kb(ALT, 0x62), kb(ALT), kb(ALT, 0x5a), kb(ALT), kb(ALT, 0x61), kb(ALT), kb(0), // Alt+0029
      kb(0, 0x1f), UP, kb(0, ENTER), UP,
    ];
    expect(decodeKeyboardReports(seq)).toEqual(['1\u001d2']);
  });

  it('ignores an Enter with nothing before it and a Ctrl prefix before the data', () => {
    const seq = [kb(0, ENTER), UP, kb(CTRL | SHIFT, 0x0d), UP, kb(0, 0x20), UP, kb(0, ENTER), UP];
    expect(decodeKeyboardReports(seq)).toEqual(['3']);
  });

  it('ends a scan on Tab only when asked to', () => {
    const seq = [kb(0, 0x1e), UP, kb(0, 0x2b), UP];
    expect(decodeKeyboardReports(seq)).toEqual([]);
    expect(decodeKeyboardReports(seq, { tabTerminates: true })).toEqual(['1']);
  });

  it('strips a report ID and skips reports with another ID', () => {
    const withId = (id: number, r: Uint8Array): Uint8Array => Uint8Array.from([id, ...r]);
    const seq = [withId(1, kb(0, 0x1e)), withId(1, UP), withId(3, kb(0, 0x1f)), withId(1, kb(0, ENTER)), withId(1, UP)];
    expect(decodeKeyboardReports(seq, { reportId: 1 })).toEqual(['1']);
  });
});
