import { describe, expect, it } from 'vitest';
import { readContainers } from './containers-form';

describe('containers panel', () => {
  it('reads sealed containers × the catalog size + opened ones', () => {
    expect(readContainers({ full: '1', size: 'ignored', partials: '20' }, 30, 'tablets')).toEqual({ ok: true, value: { full: 1, size: 30, partials: [20] }, problems: {} });
    expect(readContainers({ full: '', size: '60', partials: '27, 13' }, null, 'tablets')).toEqual({ ok: true, value: { full: 0, size: 60, partials: [27, 13] }, problems: {} });
  });

  it('puts each problem at its own field', () => {
    expect(readContainers({ full: 'x', size: '0', partials: '2.5' }, null, 'tablets')).toEqual({
      ok: false,
      problems: { full: expect.stringMatching(/^Numbers only/), size: 'A container holds at least 1 unit.', partials: expect.stringMatching(/^Whole units in an opened container only/) },
    });
    expect(readContainers({ full: '', size: '', partials: '' }, 30, 'tablets')).toEqual({ ok: false, problems: { full: 'Enter the sealed containers (0 if none) or the units in an opened one.' } });
    expect(readContainers({ full: '2', size: '', partials: '' }, null, 'capsules')).toEqual({ ok: false, problems: { size: 'Enter the number of capsules per container.' } });
  });
});
