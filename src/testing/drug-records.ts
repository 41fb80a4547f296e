/** A DrugRecord (an NDJSON line of `rxledger ingest`), with the fields a test is about overridden. */
export function drugRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ndc: '0002-1200-30',
    schedule: 'II',
    lot_number: 'A123',
    quantity: 100,
    facility_id: 'MAIN01',
    handler_id: 'tech01',
    transaction_type: 'RECEIPT',
    timestamp_utc: '2026-11-01T10:00:00Z',
    ...over,
  };
}

export const drugRecordLine = (over: Record<string, unknown> = {}): string => JSON.stringify(drugRecord(over));
