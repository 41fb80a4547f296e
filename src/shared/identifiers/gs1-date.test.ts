import { describe, expect, it } from 'vitest';
import { parseGs1Date, resolveGs1Year } from './gs1-date';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe('GS1 century rule (§7.12)', () => {
  it('puts years up to 50 ahead in this century and 51+ ahead in the last', () => {
    const now = at('2026-11-26');
    expect(resolveGs1Year(26, now)).toBe(2026);
    expect(resolveGs1Year(76, now)).toBe(2076); // +50: still ahead
    expect(resolveGs1Year(77, now)).toBe(1977); // +51: 49 years past
    expect(resolveGs1Year(0, now)).toBe(2000);
  });

  it('rolls into the next century near its end', () => {
    const now = at('2080-06-01');
    expect(resolveGs1Year(30, now)).toBe(2130); // -50 → next century
    expect(resolveGs1Year(31, now)).toBe(2031); // -49 → this century
    expect(resolveGs1Year(99, now)).toBe(2099);
  });

  it('follows the injected clock, not the machine clock', () => {
    expect(parseGs1Date('990101', 'yymmd0', at('2026-01-01'))).toEqual({ ok: true, iso: '1999-01-01' });
    expect(parseGs1Date('990101', 'yymmd0', at('2060-01-01'))).toEqual({ ok: true, iso: '2099-01-01' });
  });
});

describe('parseGs1Date', () => {
  const now = at('2026-11-26');
  it.each([
    ['270331', '2027-03-31'],
    ['270200', '2027-02-28'],
    ['280200', '2028-02-29'],
    ['271200', '2027-12-31'],
    ['270400', '2027-04-30'],
  ])('reads %s as %s (day 00 = last day of the month)', (value, iso) => {
    expect(parseGs1Date(value, 'yymmd0', now)).toEqual({ ok: true, iso });
  });

  it.each([
    ['251332', /month 13/],
    ['250000', /month 00/],
    ['250230', /no day 30/],
    ['270229', /no day 29/],
    ['2503', /6 digits/],
    ['25O331', /6 digits/],
  ])('refuses %s', (value, reason) => {
    const result = parseGs1Date(value, 'yymmd0', now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses day 00 where the AI does not allow it', () => {
    expect(parseGs1Date('270200', 'yymmdd', now).ok).toBe(false);
    expect(parseGs1Date('2702001200', 'yymmddhhmm', now).ok).toBe(false);
  });

  it('reads AI 7003 date and time, refusing impossible times', () => {
    expect(parseGs1Date('2703311430', 'yymmddhhmm', now)).toEqual({ ok: true, iso: '2027-03-31T14:30' });
    expect(parseGs1Date('2703312400', 'yymmddhhmm', now).ok).toBe(false);
    expect(parseGs1Date('2703311260', 'yymmddhhmm', now).ok).toBe(false);
  });
});
