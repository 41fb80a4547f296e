import { describe, expect, it } from 'vitest';
import { startBanner } from './start-banner';

describe('start banner', () => {
  it('ends with the one address to open, alone on its line', () => {
    const url = 'http://127.0.0.1:5123/#token=abc';
    const text = startBanner({ facilityId: 'MAIN01', dataDir: '/d', url, serviceLines: ['POS API for the pharmacy system (not for a browser) on 127.0.0.1:7420'] });
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(url);
    // No other line offers an address a person could open by mistake.
    expect(lines.slice(0, -1).filter((l) => /https?:\/\//.test(l))).toEqual([]);
  });
});
