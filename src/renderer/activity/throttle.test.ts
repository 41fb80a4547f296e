import { describe, expect, it } from 'vitest';
import { activityIntervalFor, createActivityReporter } from './throttle';

describe('activity reporter', () => {
  it('sends the first input at once and then at most once per interval', () => {
    let t = 1_000_000;
    let sent = 0;
    const r = createActivityReporter({ send: () => sent++, intervalMs: () => 20_000, now: () => t });
    r.note();
    expect(sent).toBe(1);
    for (let i = 0; i < 50; i++) {
      t += 300;
      r.note();
    }
    expect(sent).toBe(1);
    t += 5_000;
    r.note();
    expect(sent).toBe(2);
  });

  it('reset lets the next input through', () => {
    let t = 0;
    let sent = 0;
    const r = createActivityReporter({ send: () => sent++, intervalMs: () => 20_000, now: () => t });
    r.note();
    t += 1;
    r.reset();
    r.note();
    expect(sent).toBe(2);
  });

  it('interval follows short idle timeouts', () => {
    expect(activityIntervalFor(600)).toBe(20_000);
    expect(activityIntervalFor(20)).toBe(5_000);
    expect(activityIntervalFor(null)).toBe(20_000);
  });
});
