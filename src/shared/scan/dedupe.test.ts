import { describe, expect, it } from 'vitest';
import { ScanDeduper } from './dedupe';
import type { ScanEvent } from './types';

const scan = (scannerId: string, raw: string, atMs: number, complete = true): ScanEvent => ({
  scannerId,
  raw,
  symbologyId: null,
  receivedAt: new Date(Date.UTC(2025, 0, 1) + atMs).toISOString(),
  source: 'test',
  complete,
});

describe('dedupe window', () => {
  it('treats a repeat of one code from one scanner within 600 ms as one scan', () => {
    const d = new ScanDeduper();
    expect(d.check(scan('a', 'X', 0)).duplicate).toBe(false);
    const r = d.check(scan('a', 'X', 300));
    expect(r.duplicate).toBe(true);
    expect(r.duplicateOf).toBe(new Date(Date.UTC(2025, 0, 1)).toISOString());
  });

  it('accepts the same code again once the window from the accepted scan has passed', () => {
    const d = new ScanDeduper(1500);
    expect(d.check(scan('a', 'X', 0)).duplicate).toBe(false);
    expect(d.check(scan('a', 'X', 1000)).duplicate).toBe(true);
    expect(d.check(scan('a', 'X', 1600)).duplicate).toBe(false);
  });

  it('does not merge the same code from two scanners, nor two codes from one', () => {
    const d = new ScanDeduper();
    expect(d.check(scan('a', 'X', 0)).duplicate).toBe(false);
    expect(d.check(scan('b', 'X', 10)).duplicate).toBe(false);
    expect(d.check(scan('a', 'Y', 20)).duplicate).toBe(false);
  });

  it('never suppresses an incomplete scan', () => {
    const d = new ScanDeduper();
    d.check(scan('a', 'X', 0));
    expect(d.check(scan('a', 'X', 10, false)).duplicate).toBe(false);
  });

  it('is configurable, and 0 turns it off', () => {
    const d = new ScanDeduper(0);
    d.check(scan('a', 'X', 0));
    expect(d.check(scan('a', 'X', 1)).duplicate).toBe(false);
    const long = new ScanDeduper(5000);
    long.check(scan('a', 'X', 0));
    expect(long.check(scan('a', 'X', 4000)).duplicate).toBe(true);
  });
});
