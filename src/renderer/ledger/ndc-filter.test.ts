import { describe, expect, it } from 'vitest';
import { ndcFilterFrom, verifySummary } from './ndc-filter';

describe('ndcFilterFrom', () => {
  it('normalizes the forms people type', () => {
    expect(ndcFilterFrom('')).toEqual({ ok: true, ndc: undefined });
    expect(ndcFilterFrom('00406-0552-01')).toEqual({ ok: true, ndc: '00406-0552-01' });
    expect(ndcFilterFrom('00406055201')).toEqual({ ok: true, ndc: '00406-0552-01' });
    expect(ndcFilterFrom('0002-1200-30')).toEqual({ ok: true, ndc: '00002-1200-30' });
  });
  it('explains an ambiguous or malformed NDC', () => {
    const r = ndcFilterFrom('0002120030');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/hyphens/);
    expect(ndcFilterFrom('abc').ok).toBe(false);
  });
});

describe('verifySummary', () => {
  it('reads as the brief says', () => {
    expect(verifySummary(12345)).toBe('Ledger verified: 12345 entries, every hash and signature holds');
  });
});
