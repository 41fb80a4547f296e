import { describe, expect, it } from 'vitest';
import { drugRecordLine } from '../../testing/drug-records';
import { normalizeDrugRecord } from './drug-record';

const supplier = { name: 'Acme Drug Wholesale', address: '9 Depot Way, Memphis, TN', dea_number: 'RA1234563' };

describe('normalizeDrugRecord: the receipt data 21 CFR 1304.22(c) asks for', () => {
  it("dates a receipt by the facility's calendar (1304.21(d)): 20:30 in New York is that day, not the next as in UTC", () => {
    const line = drugRecordLine({ timestamp_utc: '2026-11-21T01:30:00Z', supplier });
    const dateReceived = (timeZone?: string) => {
      const c = normalizeDrugRecord(line, { correlationId: 'c-1', payloadSha256: 'a'.repeat(64), ...(timeZone ? { timeZone } : {}) });
      if (!c.ok) throw new Error(`refused: ${JSON.stringify(c)}`);
      return (c.event.data as Record<string, unknown>).date_received;
    };
    expect(dateReceived('America/New_York')).toBe('2026-11-20');
    expect(dateReceived('Asia/Tokyo')).toBe('2026-11-21');
    expect(dateReceived()).toBe('2026-11-21'); // no zone given: UTC, as before
  });
});
