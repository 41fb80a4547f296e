import { describe, expect, it } from 'vitest';
import { KeyboardWedge, type WedgeKeyEvent, type WedgeResult } from './wedge';

/** keydown events for a string typed with `gapMs` between keys, starting at `t0`. */
function typed(text: string, t0: number, gapMs: number): WedgeKeyEvent[] {
  return [...text].map((key, i) => ({ key, code: `Key${key.toUpperCase()}`, timeStamp: t0 + i * gapMs }));
}
const at = (key: string, timeStamp: number, extra: Partial<WedgeKeyEvent> = {}): WedgeKeyEvent => ({ key, timeStamp, ...extra });

function feed(wedge: KeyboardWedge, events: WedgeKeyEvent[]): WedgeResult[] {
  return events.map((e) => wedge.handle(e));
}
const scans = (results: WedgeResult[]) => results.filter((r) => r.kind === 'scan');

describe('keyboard wedge', () => {
  it('recognises a scanner burst ended by Enter', () => {
    const w = new KeyboardWedge({ now: () => new Date('2025-01-01T00:00:00Z') });
    const keys = [...typed('0300123456789', 1000, 8), at('Enter', 1000 + 13 * 8)];
    const out = scans(feed(w, keys));
    expect(out).toHaveLength(1);
    const r = out[0]!;
    if (r.kind !== 'scan') throw new Error('unreachable');
    expect(r.scan).toMatchObject({ raw: '0300123456789', source: 'wedge', scannerId: 'wedge', complete: true, receivedAt: '2025-01-01T00:00:00.000Z' });
    expect(r.charsTyped).toBe(13);
    expect(r.durationMs).toBe(104);
  });

  it('leaves a person typing alone, Enter included', () => {
    const w = new KeyboardWedge();
    const results = feed(w, [...typed('0300123456789', 0, 120), at('Enter', 13 * 120)]);
    expect(scans(results)).toEqual([]);
    expect(results.at(-1)).toEqual({ kind: 'none' });
  });

  it('finds the scan after some slow typing in the same field', () => {
    const w = new KeyboardWedge();
    const events = [...typed('qty', 0, 150), ...typed('12345678', 1000, 10), at('Enter', 1080)];
    const out = scans(feed(w, events));
    expect(out.map((r) => r.kind === 'scan' && r.scan.raw)).toEqual(['12345678']);
  });

  it('does not take a short fast burst (two keys pressed together) for a scan', () => {
    const w = new KeyboardWedge();
    expect(scans(feed(w, [...typed('ab', 0, 5), at('Enter', 10)]))).toEqual([]);
  });

  it('restarts the burst at a pause, and needs the terminator within the gap', () => {
    const w = new KeyboardWedge();
    expect(scans(feed(w, [...typed('1234', 0, 10), ...typed('5678', 300, 10), at('Enter', 340)])).map((r) => r.kind === 'scan' && r.scan.raw)).toEqual(['5678']);
    expect(scans(feed(w, [...typed('12345678', 1000, 10), at('Enter', 1500)]))).toEqual([]);
  });

  it('ignores Shift keydowns the scanner sends for capitals', () => {
    const w = new KeyboardWedge();
    const events: WedgeKeyEvent[] = [
      at('Shift', 0), at('A', 2, { shiftKey: true }), at('B', 4, { shiftKey: true }),
      at('1', 8), at('2', 12), at('Shift', 14), at('C', 16, { shiftKey: true }), at('Enter', 20),
    ];
    const out = scans(feed(w, events));
    expect(out.map((r) => r.kind === 'scan' && r.scan.raw)).toEqual(['AB12C']);
  });

  it('reads GS sent as Ctrl+], as Ctrl+Unidentified on BracketRight, and as Unidentified mid-burst', () => {
    const w = new KeyboardWedge();
    const gsWays: WedgeKeyEvent[][] = [
      [at(']', 0, { ctrlKey: true, code: 'BracketRight' })],
      [at('Unidentified', 0, { ctrlKey: true, code: 'BracketRight' })],
      [at('Unidentified', 0, { code: '' })],
      [at('\u001d', 0)],
    ];
    for (const gs of gsWays) {
      const events = [
        ...typed('0103001234567892', 0, 5),
        ...gs.map((e) => ({ ...e, timeStamp: 85 })),
        ...typed('10LOT1', 90, 5),
        at('Enter', 125),
      ];
      const out = scans(feed(w, events));
      expect(out).toHaveLength(1);
      const r = out[0]!;
      if (r.kind !== 'scan') throw new Error('unreachable');
      expect(r.scan.raw).toBe('0103001234567892\u001d10LOT1');
      expect(r.charsTyped).toBe(22); // GS typed nothing into the field
    }
  });

  it('reads GS sent as Alt+0029 on the keypad and as a programmed F8', () => {
    const w = new KeyboardWedge({ gsKeys: ['F8'] });
    const alt = (d: string, t: number) => at(d, t, { altKey: true, code: `Numpad${d}` });
    const viaAlt = [...typed('0112', 0, 5), at('Alt', 20), alt('0', 22), alt('0', 24), alt('2', 26), alt('9', 28), ...typed('10AB', 32, 5), at('Enter', 55)];
    const viaF8 = [...typed('0112', 100, 5), at('F8', 120), ...typed('10AB', 125, 5), at('Enter', 145)];
    const out = scans([...feed(w, viaAlt), ...feed(w, viaF8)]);
    expect(out.map((r) => r.kind === 'scan' && r.scan.raw)).toEqual(['0112\u001d10AB', '0112\u001d10AB']);
  });

  it('skips Unidentified instead of reading GS when turned off, and ignores it outside a burst', () => {
    const off = new KeyboardWedge({ unidentifiedIsGs: false });
    const out = scans(feed(off, [...typed('0112', 0, 5), at('Unidentified', 20), ...typed('10AB', 25, 5), at('Enter', 45)]));
    expect(out.map((r) => r.kind === 'scan' && r.scan.raw)).toEqual(['011210AB']);
    const on = new KeyboardWedge();
    expect(feed(on, [at('Unidentified', 0)])).toEqual([{ kind: 'none' }]);
  });

  it('keeps a transmitted AIM identifier and reports it', () => {
    const w = new KeyboardWedge();
    const out = scans(feed(w, [...typed(']d2010030012345678', 0, 4), at('Tab', 80)]));
    if (out[0]?.kind !== 'scan') throw new Error('no scan');
    expect(out[0].scan.raw).toBe(']d2010030012345678');
    expect(out[0].scan.symbologyId).toBe(']d2');
  });

  it('breaks a burst on Backspace or key repeat (a person editing)', () => {
    const w = new KeyboardWedge();
    expect(scans(feed(w, [...typed('1234', 0, 5), at('Backspace', 22), ...typed('5678', 24, 5), at('Enter', 30)]))).toHaveLength(0);
    expect(scans(feed(w, [...typed('1234', 100, 5), at('4', 121, { repeat: true }), at('Enter', 124)]))).toEqual([]);
  });

  it('ends a burst without a terminator on flush after it goes idle', () => {
    const w = new KeyboardWedge();
    feed(w, typed('0300123456789', 0, 5));
    expect(w.flush(70).kind).toBe('pending');
    const r = w.flush(200);
    expect(r.kind === 'scan' && r.scan.raw).toBe('0300123456789');
    expect(w.flush(300)).toEqual({ kind: 'none' });
  });
});
