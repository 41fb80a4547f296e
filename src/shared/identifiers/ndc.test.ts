import { describe, expect, it } from 'vitest';
import { IdentifierError } from './identifier-issue';
import { candidatesForNdc10, ndcKey, normalizeNdc, parseNdc, resolveNdc10, toNdc10 } from './ndc';

describe('normalizeNdc', () => {
  it.each([
    ['0002-1200-30', '4-4-2', '00002-1200-30'],
    ['55111-124-05', '5-3-2', '55111-0124-05'],
    ['50090-1234-5', '5-4-1', '50090-1234-05'],
    ['00002-1200-30', '5-4-2', '00002-1200-30'],
    ['00002120030', '5-4-2', '00002-1200-30'],
    ['NDC 0002-1200-30', '4-4-2', '00002-1200-30'],
    [' 0002 - 1200 - 30 ', '4-4-2', '00002-1200-30'],
  ])('reads %s (%s) as %s', (input, layout, ndc11) => {
    const ndc = normalizeNdc(input);
    expect(ndc.layout).toBe(layout);
    expect(ndc.ndc11).toBe(ndc11);
    expect(ndc.digits).toBe(ndc11.replace(/-/g, ''));
  });

  it('splits the 11-digit form into labeler, product and package', () => {
    expect(normalizeNdc('0002-1200-30')).toMatchObject({
      ndc11: '00002-1200-30',
      digits: '00002120030',
      labeler: '00002',
      product: '1200',
      package: '30',
      layout: '4-4-2',
      ndc10: '0002-1200-30',
      ndc12: '000002-1200-30',
    });
  });

  it('keeps a 12-digit 6-4-2 NDC with a 6-digit labeler as 12 digits, with no 11-digit form', () => {
    const ndc = normalizeNdc('123456-7890-12');
    expect(ndc).toMatchObject({ ndc11: null, digits: '123456789012', labeler: '123456', layout: '6-4-2', ndc12: '123456-7890-12' });
    expect(ndcKey(ndc)).toBe('123456-7890-12');
    expect(normalizeNdc('123456789012').ndc12).toBe('123456-7890-12');
  });

  it('maps a 12-digit NDC of a padded 5-digit labeler onto the same 11-digit NDC', () => {
    expect(normalizeNdc('000002-1200-30').ndc11).toBe('00002-1200-30');
    expect(normalizeNdc('000002120030').ndc11).toBe('00002-1200-30');
  });

  it('refuses a hyphenless 10-digit NDC without a catalog and names the candidates', () => {
    const result = parseNdc('0002120030');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('ndc-ambiguous');
    expect(result.issue.candidates).toEqual(['00002-1200-30', '00021-0200-30', '00021-2003-00']);
    expect(result.error).toContain('hyphens');
    expect(() => normalizeNdc('0002120030')).toThrow(IdentifierError);
  });

  it.each([
    ['', 'empty'],
    ['0002-120-30', 'bad-ndc'],
    ['12345', 'bad-ndc'],
    ['0002-1200-3O', 'bad-ndc'],
  ])('refuses %j with %s', (input, code) => {
    const result = parseNdc(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issue.code).toBe(code);
  });

  it('says how many digits were typed when the count is wrong', () => {
    const result = parseNdc('123456789');
    expect(!result.ok && result.error).toMatch(/9 digits; an NDC has 10, 11 or 12/);
  });
});

describe('candidatesForNdc10 / resolveNdc10', () => {
  it('gives the three 11-digit forms in 4-4-2, 5-3-2, 5-4-1 order', () => {
    expect(candidatesForNdc10('5511112405')).toEqual(['05511-1124-05', '55111-0124-05', '55111-1240-05']);
  });

  it('resolves when exactly one candidate is in the catalog', () => {
    const catalog = new Set(['55111-0124-05']);
    const result = resolveNdc10('5511112405', (n) => catalog.has(n));
    expect(result.ok && result.ndc11).toBe('55111-0124-05');
    expect(result.ok && result.layout).toBe('5-3-2');
    expect(result.ok && result.ndc10).toBe('55111-124-05');
  });

  it('reports an unknown NDC with every form it tried', () => {
    const result = resolveNdc10('5511112405', () => false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('ndc-unknown');
    expect(result.error).toContain('05511-1124-05');
    expect(result.error).toContain('not in the drug catalog');
  });

  it('reports an ambiguous NDC naming the catalog products it matches', () => {
    const catalog = new Set(['05511-1124-05', '55111-1240-05']);
    const result = resolveNdc10('5511112405', (n) => catalog.has(n));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.code).toBe('ndc-ambiguous');
    expect(result.issue.candidates).toEqual(['05511-1124-05', '55111-1240-05']);
  });

  it('parseNdc uses the catalog when given one', () => {
    const result = parseNdc('0002120030', { isKnown: (n) => n === '00002-1200-30' });
    expect(result.ok && result.ndc11).toBe('00002-1200-30');
  });
});

describe('toNdc10', () => {
  it('goes back to the layout the NDC was written in', () => {
    expect(toNdc10(normalizeNdc('55111-124-05')).ndc10).toBe('55111-124-05');
  });

  it('converts an 11-digit NDC to the layout asked for', () => {
    expect(toNdc10('00002-1200-30', '4-4-2')).toEqual({ ndc10: '0002-1200-30', digits: '0002120030', layout: '4-4-2' });
    expect(toNdc10('50090-1234-05', '5-4-1').ndc10).toBe('50090-1234-5');
  });

  it('infers the layout when only one padding zero exists', () => {
    expect(toNdc10('55111-0124-15').layout).toBe('5-3-2');
  });

  it('refuses a layout the digits cannot have, and a guess between several', () => {
    expect(() => toNdc10('55111-1240-15', '4-4-2')).toThrow(/cannot be written in the 4-4-2 layout/);
    expect(() => toNdc10('00002-0120-30')).toThrow(/4-4-2 or 5-3-2/);
    expect(() => toNdc10('123456-7890-12')).toThrow(/6-digit labeler/);
  });
});
