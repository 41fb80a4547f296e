import { describe, expect, it } from 'vitest';
import { AI_TABLE, lookupAi, lookupAiPrefix, matchesCharset } from './gs1-ai-table';

describe('AI table', () => {
  it('covers the AIs receiving needs', () => {
    for (const ai of ['00', '01', '02', '10', '11', '12', '13', '15', '16', '17', '20', '21', '22', '30', '37', '240', '241', '7003', '710', '711', '712', '713', '714', '715']) {
      expect(lookupAi(ai), ai).toBeDefined();
    }
  });

  it('is prefix-free, so the first matching length is the only reading', () => {
    const ais = [...AI_TABLE.keys()];
    const clashes = ais.flatMap((a) => ais.filter((b) => a !== b && b.startsWith(a)).map((b) => `${a} < ${b}`));
    expect(clashes).toEqual([]);
  });

  it('knows lengths, FNC1 need and character sets', () => {
    expect(lookupAi('00')).toMatchObject({ minLength: 18, maxLength: 18, fixedLength: true, fnc1Required: false, checkDigitOver: 18 });
    expect(lookupAi('17')).toMatchObject({ fixedLength: true, fnc1Required: false, date: 'yymmd0' });
    expect(lookupAi('10')).toMatchObject({ minLength: 1, maxLength: 20, fixedLength: false, fnc1Required: true });
    expect(lookupAi('7003')).toMatchObject({ minLength: 10, maxLength: 10, fixedLength: true, fnc1Required: true, date: 'yymmddhhmm' });
    expect(lookupAi('30')?.components).toEqual([{ charset: 'N', min: 1, max: 8 }]);
    expect(lookupAi('8010')?.components[0]?.charset).toBe('Y');
    expect(lookupAi('253')).toMatchObject({ minLength: 13, maxLength: 30 });
  });

  it('finds 2-, 3- and 4-digit AIs at the start of data', () => {
    expect(lookupAiPrefix('0100300021200305')?.ai).toBe('01');
    expect(lookupAiPrefix('715123')?.ai).toBe('715');
    expect(lookupAiPrefix('70032703311430')?.ai).toBe('7003');
    expect(lookupAiPrefix('3103000123')?.ai).toBe('3103');
    expect(lookupAiPrefix('14')).toBeUndefined();
  });

  it('tells set 82 and set 39 apart', () => {
    expect(matchesCharset('AB-12/x_"%', 'X')).toBe(true);
    expect(matchesCharset('AB 12', 'X')).toBe(false);
    expect(matchesCharset('AB#12', 'X')).toBe(false);
    expect(matchesCharset('AB#12-/', 'Y')).toBe(true);
    expect(matchesCharset('ab', 'Y')).toBe(false);
  });
});
