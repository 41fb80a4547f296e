import { describe, expect, it } from 'vitest';
import { describeSource, fieldOfMessage, filterItems, hasEncryptedOriginal, reasonLabel, replayableText, statusLabel } from './quarantine-view';

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
  it('finds items by drug, lot and serial, and says a suspect product\'s state first', () => {
    const summary = { drug_name: 'Oxymorphone', ndc: '00002-1200-30', lot: 'A123', serial: 'SN9', expiry: null, source_label: 'x', plain_reasons: ['r'], suspect: true, investigation: 'none' as const };
    const items = [item({ summary }), item({ id: 5, summary: { ...summary, serial: 'OTHER', suspect: false } })];
    expect(filterItems(items, 'sn9').map((i) => i.id)).toEqual([3]);
    expect(statusLabel({ status: 'open', summary })).toBe('Suspect — investigate');
    expect(statusLabel({ status: 'open', summary: { ...summary, investigation: 'cleared' } })).toBe('Cleared — decide replay or reject');
    expect(statusLabel({ status: 'rejected', summary: { ...summary, investigation: 'illegitimate' } })).toBe('Illegitimate — rejected');
    expect(statusLabel({ status: 'open', summary: { ...summary, suspect: false } })).toBe('Waiting for a decision');
  });
  it('puts a refusal beside the field its message names', () => {
    expect(fieldOfMessage('FDA Form 3911 notification date: required — FDA must be notified')).toBe('fda3911Date');
    expect(fieldOfMessage('Trading-partner notice date: 2030-01-01 is in the future')).toBe('partnerNoticeDate');
    expect(fieldOfMessage('Wrong user ID or password. Nothing was signed.')).toBe('password');
    expect(fieldOfMessage('quarantine item #3 was already cleared by Robin')).toBeNull();
  });
});
