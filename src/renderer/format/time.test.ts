import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalDateTime, setDisplayTimeZone } from './time';

afterEach(() => setDisplayTimeZone(null));

describe('times on screen', () => {
  it('are read in the facility zone once app.info has named it, whatever the computer is set to', () => {
    setDisplayTimeZone('America/Chicago');
    expect(formatLocalDateTime('2026-11-26T15:04:05Z')).toBe('2026-11-26 09:04:05');
    setDisplayTimeZone('Europe/Berlin');
    expect(formatLocalDateTime('2026-11-26T15:04:05Z')).toBe('2026-11-26 16:04:05');
  });
  it('take an explicit zone, and keep text that is not a time', () => {
    expect(formatLocalDateTime('2026-06-01T00:30:00Z', 'America/Denver')).toBe('2026-05-31 18:30:00');
    expect(formatLocalDateTime('soon', 'UTC')).toBe('soon');
  });
});
