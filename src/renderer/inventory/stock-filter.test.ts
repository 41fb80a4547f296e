import { describe, expect, it } from 'vitest';
import type { StockRow } from '../../shared/ipc/contract';
import { filterStock, indexStock } from './stock-filter';

const row = (ndc: string, lot: string, name: string | null, schedule: StockRow['schedule'] = null): StockRow => ({
  facility_id: 'F1',
  ndc,
  lot,
  schedule,
  on_hand: 10,
  last_event_time: '2025-01-01T00:00:00Z',
  name,
  unit: 'TABLET',
  units_per_container: 100,
  expiry: null,
  hold_id: null,
});

const ROWS = [
  row('00406-0552-01', 'A123', 'Oxycodone HCl 5 mg tablet', 'CII'),
  row('00002-1200-30', 'B77', 'Example insulin', null),
  row('59762-3721-01', '552', 'Alprazolam 0.5 mg', 'CIV'),
];
const idx = indexStock(ROWS);
const lots = (q: string) => filterStock(idx, q).map((r) => r.lot);

describe('filterStock', () => {
  it('returns everything for an empty query', () => {
    expect(lots('  ')).toEqual(['A123', 'B77', '552']);
  });
  it('matches NDCs with or without hyphens', () => {
    expect(lots('00406-0552-01')).toEqual(['A123']);
    expect(lots('00406055201')).toEqual(['A123']);
    expect(lots('0406 0552')).toEqual(['A123']);
  });
  it('pads a 10-digit package NDC to the stored 11-digit form', () => {
    expect(lots('0002-1200-30')).toEqual(['B77']);
  });
  it('matches lot, name and schedule, all terms required', () => {
    expect(lots('b77')).toEqual(['B77']);
    expect(lots('oxycodone')).toEqual(['A123']);
    expect(lots('cii')).toEqual(['A123']);
    expect(lots('mg 0.5')).toEqual(['552']);
    expect(lots('552')).toEqual(['A123', '552']);
  });
  it('stays fast on 10,000 rows', () => {
    const many = indexStock(Array.from({ length: 10_000 }, (_, i) => row(`${String(i).padStart(5, '0')}-0001-01`, `L${i}`, `Drug ${i}`)));
    const t = performance.now();
    for (const q of ['0', '00012', 'drug 99', 'L9999']) filterStock(many, q);
    expect(performance.now() - t).toBeLessThan(200);
  });
});
