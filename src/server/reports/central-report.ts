import { inventoryInstant } from '../../shared/reports/biennial';
import { CENTRAL_REPORT_KINDS, writeDeaRecord, type CentralReportKind } from '../../shared/reports/dea-record';
import { reportFileName } from '../../shared/reports/file-name';
import { resolvePeriod, type ResolvedPeriod } from '../../shared/reports/period';
import { ReportInputError, writeReport, type ReportContext, type WrittenReport } from '../../shared/reports/reader';
import { reportBytes } from '../../reports-pdf/report-bytes';
import type { LedgerHead, ReportRequest } from '../../shared/reports/types';
import { sha256Hex } from '../crypto';
import type { Sql, Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { facilityInfo } from '../routes/enroll';
import { ServerReader } from './server-reader';

export { CENTRAL_REPORT_KINDS, type CentralReportKind };

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
 * code (src/shared/reports), as CSV or PDF (the workstation's PDF writer, src/reports-pdf). Every read happens in one REPEATABLE READ snapshot, so the
 * figures and the heads printed with them belong together while pushes keep arriving.
 */
export async function centralReport(
  store: Store,
  facilityId: string,
  req: ReportRequest & { kind: CentralReportKind },
  opts: { now: Date; timeZone: string; generatedBy?: { user_id: string; name: string }; device?: string },
): Promise<CentralReport> {
  const facility = await facilityInfo(store, facilityId);
  // The biennial is of one day (--to); the workstation resolves its period the same way (compute.ts).
  const resolved = resolvePeriod({ from: req.from, to: req.to }, opts.timeZone, opts.now, req.kind === 'biennial' ? 'to' : 'none');
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
  const taken = req.taken ?? 'close';
  const { reader, at } = await store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const at = req.kind === 'biennial' ? await biennialInstant(tx, ctx, period, taken, opts.now) : null;
    return { reader: await ServerReader.load(tx, ctx, period, req, at), at };
  });
  let rendered: { result: WrittenReport; bytes: Buffer };
  try {
    // The workstation's own writer (src/reports-pdf): the same bytes for the same lines.
    rendered = await reportBytes(req.format, (sink) => writeReport(reader, sink, (notice) => writeDeaRecord(reader, sink, notice, req, at)));
  } catch (err) {
    if ((err as Error).name === 'ReportTooLargeError') throw new HttpError('BAD_REQUEST', (err as Error).message);
    throw err;
  }
  const { result: written, bytes } = rendered;
  return { ...written, period, bytes, sha256: sha256Hex(bytes), fileName: reportFileName(facilityId, req, { period }) };
}

/** The biennial's inventory instant, from the facility's first synced entry as the workstation finds it from its own. */
async function biennialInstant(tx: Sql, ctx: ReportContext, period: ResolvedPeriod, taken: 'opening' | 'close', now: Date): Promise<string> {
  const first = (await tx.query<{ t: string | null }>('SELECT MIN(event_time COLLATE "C") AS t FROM entries WHERE facility_id = $1', [ctx.facilityId])).rows[0]?.t ?? null;
  try {
    return inventoryInstant(first, ctx, period, taken, now);
  } catch (err) {
    if (err instanceof ReportInputError) throw new HttpError('BAD_REQUEST', err.message);
    throw err;
  }
}
