import type { ResolvedPeriod } from './period';
import type { ReportRequest } from './types';

/** A file name that says what it is: rxledger-cii-log-MAIN01-2026-11-01_2026-11-30.csv */
export function reportFileName(facilityId: string, req: Pick<ReportRequest, 'kind' | 'format'>, outcome: { period: ResolvedPeriod }): string {
  const p = outcome.period;
  const range = req.kind === 'biennial' ? p.toDate : `${p.fromDate ?? 'start'}_${p.toDate}`;
  return `rxledger-${req.kind}-${facilityId}-${range}.${req.format}`;
}
