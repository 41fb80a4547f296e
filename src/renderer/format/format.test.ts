import { describe, expect, it } from 'vitest';
import { formatAge, formatLastSync, formatOutbox, idleLogoffMessage } from './age';
import { formatSignedDelta } from './time';

describe('formatAge', () => {
  it('reads at a glance', () => {
    expect(formatAge(0)).toBe('0 s');
    expect(formatAge(59_999)).toBe('59 s');
    expect(formatAge(3 * 60_000 + 10_000)).toBe('3 min');
    expect(formatAge(60 * 60_000)).toBe('1 h');
    expect(formatAge(125 * 60_000)).toBe('2 h 5 min');
    expect(formatAge(3 * 86_400_000)).toBe('3 days');
    expect(formatAge(-5)).toBe('0 s');
  });
});

describe('formatOutbox', () => {
  const now = '2025-03-01T12:00:00.000Z';
  it('counts and ages against the server clock', () => {
    expect(formatOutbox(12, '2025-03-01T11:57:00.000Z', now)).toBe('12 waiting, oldest 3 min');
    expect(formatOutbox(1200, '2025-03-01T11:59:30.000Z', now)).toBe('1,200 waiting, oldest 30 s');
  });
  it('says when nothing waits or the age is unknown', () => {
    expect(formatOutbox(0, null, now)).toBe('Outbox empty');
    expect(formatOutbox(3, null, now)).toBe('3 waiting');
  });
  it('last sync', () => {
    expect(formatLastSync(null, now)).toBe('Last sync: never');
    expect(formatLastSync('2025-03-01T10:00:00.000Z', now)).toBe('Last sync: 2 h ago');
  });
});

describe('idleLogoffMessage', () => {
  it('uses minutes for whole minutes, seconds otherwise', () => {
    expect(idleLogoffMessage(600)).toBe('Signed off after 10 minutes without activity');
    expect(idleLogoffMessage(60)).toBe('Signed off after 1 minute without activity');
    expect(idleLogoffMessage(5)).toBe('Signed off after 5 seconds without activity');
    expect(idleLogoffMessage(null)).toBe('Signed off after a period without activity');
  });
});

describe('formatSignedDelta', () => {
  it('always shows the sign', () => {
    expect(formatSignedDelta(30)).toBe('+30');
    expect(formatSignedDelta(-1500)).toBe('\u22121,500');
    expect(formatSignedDelta(0)).toBe('0');
  });
});
