import { describe, expect, it } from 'vitest';
import { entryDocument } from './entry-document';

const source = { kind: 'count', correlation_id: 'C-1', payload_sha256: null } as const;

describe('the document line behind an entry', () => {
  it("gives a count's expected quantity and variance with their unit, as the records give every quantity", () => {
    const count = { type: 'COUNT' as const, corrects: null, source, data: { count_id: 'C-1', expected: 100, variance: -50, outcome: 'hold' } };
    expect(entryDocument(count, 'TABLET')).toBe('count C-1; expected 100 tablets; variance -50 tablets; hold');
    expect(entryDocument({ ...count, data: { ...count.data, expected: 30, variance: 2 } }, 'mL')).toBe('count C-1; expected 30 mL; variance +2 mL; hold');
    // A unit the catalog does not name is still said as units, never a bare number.
    expect(entryDocument(count, null)).toBe('count C-1; expected 100 units; variance -50 units; hold');
  });

  it('gives the variance that placed a hold with its unit', () => {
    expect(entryDocument({ type: 'HOLD_PLACED', corrects: null, source, data: { hold_id: 'H-1', variance: -1 } }, 'PATCH')).toBe('hold H-1 placed; variance -1 patch');
  });
});
