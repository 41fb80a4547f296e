import { describe, expect, it } from 'vitest';
import { describeSource, filterItems, hasEncryptedOriginal, reasonLabel, replayableText } from './quarantine-view';

const item = (over = {}) => ({
  id: 3,
  source: 'pos:dispense',
  sha256: 'ab'.repeat(32),
  reasons: ['INSUFFICIENT_STOCK'],
  issues: [],
  received_at: '2026-11-01T10:00:00.000Z',
  status: 'open' as const,
  correlation_id: 'c',
  raw_ref: null,
  context: {},
  ...over,
});

describe('quarantine view helpers', () => {
  it('names sources and reasons for people', () => {
    expect(describeSource('ndjson:orders.ndjson')).toBe('NDJSON file orders.ndjson');
    expect(describeSource('edi:asn.edi')).toBe('X12 file asn.edi');
    expect(reasonLabel('INSUFFICIENT_STOCK')).toMatch(/more than is on hand/);
    expect(reasonLabel('AK5:4')).toMatch(/X12 acknowledgment/);
    expect(reasonLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
  it('offers replay text only when the whole item is readable text', () => {
    expect(replayableText(item(), { text: '{}', validUtf8: true, truncated: false })).toBe('{}');
    expect(replayableText(item(), { text: '\ufffd', validUtf8: false, truncated: false })).toBeNull();
    expect(replayableText(item(), null)).toBeNull();
    expect(hasEncryptedOriginal(item({ raw_ref: 'phi:pos-request:x' }))).toBe(true);
  });
  it('filters by id, source, reason and status', () => {
    const items = [item(), item({ id: 4, source: 'ndjson:a.ndjson', reasons: ['MALFORMED_JSON'] })];
    expect(filterItems(items, 'malformed').map((i) => i.id)).toEqual([4]);
    expect(filterItems(items, ' ').length).toBe(2);
  });
});
