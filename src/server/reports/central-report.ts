import { ciiLogReport } from '../../shared/reports/cii-log';
import { dispensingReport } from '../../shared/reports/dispensing';
import { reportFileName } from '../../shared/reports/file-name';
import { form106Report } from '../../shared/reports/form106';
import { form41Report } from '../../shared/reports/form41';
import { resolvePeriod, type ResolvedPeriod } from '../../shared/reports/period';
import { writeReport, type ReportContext } from '../../shared/reports/reader';
import { receiptsReport } from '../../shared/reports/receipts';
import { returnsReport } from '../../shared/reports/returns';
import { CsvSink, type LedgerHead, type ReportRequest } from '../../shared/reports/types';
import { sha256Hex } from '../crypto';
import type { Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { facilityInfo } from '../routes/enroll';
import { ServerReader } from './server-reader';

/**
 * The reports the central server computes. The audit trail is not among them: the audit log
 * stays on each workstation (it is not synced), so only a workstation can export it.
 */
export const CENTRAL_REPORT_KINDS = ['cii-log', 'receipts', 'dispensing', 'form41', 'returns', 'form106'] as const;
export type CentralReportKind = (typeof CENTRAL_REPORT_KINDS)[number];

export interface CentralReport {
  bytes: Buffer;
  sha256: string;
  fileName: string;
  lines: number;
  notices: string[];
  heads: LedgerHead[];
  period: ResolvedPeriod;
}

/** Who a report made with the administrator token names as its generator: the token is nobody's. */
export const CENTRAL_GENERATOR = { user_id: 'central-office', name: 'Central office (administrator token)' };

/**
 * A facility's DEA record computed from its synced entries with the workstation's own report
 * code (src/shared/reports), as CSV. Every read happens in one REPEATABLE READ snapshot, so the
 * figures and the heads printed with them belong together while pushes keep arriving.
 */
export async function centralReport(
  store: Store,
  facilityId: string,
  req: ReportRequest & { kind: CentralReportKind },
  opts: { now: Date; timeZone: string; generatedBy?: { user_id: string; name: string }; device?: string },
): Promise<CentralReport> {
  if (req.format !== 'csv') throw new HttpError('BAD_REQUEST', 'the central server exports CSV only (format=csv); PDF is made on a workstation');
  const facility = await facilityInfo(store, facilityId);
  const resolved = resolvePeriod({ from: req.from, to: req.to }, opts.timeZone, opts.now, 'none');
  if (!resolved.ok) throw new HttpError('BAD_REQUEST', resolved.message);
  const period = resolved.period;
  if (opts.device) {
    const known = await store.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM devices WHERE device_id = $1 AND facility_id = $2', [opts.device, facilityId]);
    if (Number(known.rows[0]?.n ?? 0) === 0) throw new HttpError('BAD_REQUEST', `device ${opts.device} is not enrolled at facility ${facilityId}`);
  }
  const ctx: ReportContext = {
    facilityId,
    // A workstation prints its own chain's head first; naming it here gives the bytes of its export.
    localDeviceId: opts.device ?? '',
    timeZone: opts.timeZone,
    now: opts.now.toISOString(),
    generatedBy: opts.generatedBy ?? CENTRAL_GENERATOR,
    registrant: { name: facility.name, address: facility.address, dea_number: facility.dea_number },
  };
  const reader = await store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return ServerReader.load(tx, ctx, period, req);
  });
  const parts: Buffer[] = [];
  const sink = new CsvSink((text) => parts.push(Buffer.from(text, 'utf8')));
  const written = writeReport(reader, sink, (notice) => {
    switch (req.kind) {
      case 'cii-log':
        return ciiLogReport(reader, sink, notice, req.ndcs ?? null);
      case 'receipts':
        return receiptsReport(reader, sink, notice);
      case 'dispensing':
        return dispensingReport(reader, sink, notice);
      case 'form41':
        return form41Report(reader, sink, notice);
      case 'returns':
        return returnsReport(reader, sink, notice);
      case 'form106':
        return form106Report(reader, sink, notice);
    }
  });
  for (const t of sink.text()) parts.push(Buffer.from(t, 'utf8'));
  const bytes = Buffer.concat(parts);
  return { ...written, period, bytes, sha256: sha256Hex(bytes), fileName: reportFileName(facilityId, req, { period }) };
}
