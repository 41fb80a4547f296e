import { describe, expect, it } from 'vitest';
import { wallClockText, wallClockWithZone } from './wall-clock';

describe('wall clock in the facility zone', () => {
  it('reads an instant in the zone, across a DST change', () => {
    expect(wallClockText('2026-01-15T14:05:09Z', 'America/New_York')).toBe('2026-01-15 09:05:09');
    expect(wallClockText('2026-07-15T14:05:09Z', 'America/New_York')).toBe('2026-07-15 10:05:09');
    expect(wallClockText('2026-07-15T14:05:09.123Z', 'Asia/Kolkata')).toBe('2026-07-15 19:35:09');
  });
  it('crosses midnight into the local date', () => {
    expect(wallClockText('2026-11-26T02:30:00Z', 'America/Los_Angeles', false)).toBe('2026-11-25 18:30');
  });
  it('names the zone once for a message', () => {
    expect(wallClockWithZone('2026-11-26T09:15:00.000Z', 'America/New_York')).toBe('2026-11-26 04:15 (America/New_York)');
  });
  it('keeps what is not a time as it came, and reads an unknown zone as UTC', () => {
    expect(wallClockText('not a time', 'UTC')).toBe('not a time');
    expect(wallClockText('2026-11-26T09:15:00Z', 'Mars/Olympus')).toBe('2026-11-26 09:15:00');
  });
});
