import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { deaNumberProblem, registrantProblem, type Registrant, type ReportRequest } from '../../shared/reports/types';
import { signingTimeZone } from '../holds/signatures';
import type { Workstation } from '../workstation';
import { ReportInputError, type Progress, type ReportContext } from './compute';
import { ReportTooLargeError } from '../../reports-pdf/pdf';
import type { RenderedReport } from './render';
import { runReportInWorker } from './worker-client';

/** Why an export was refused; the message says what to fix. Nothing is written or audited. */
export class ReportRefusedError extends Error {
  constructor(
    readonly reason: 'NO_REGISTRANT' | 'BAD_REQUEST' | 'OUTPUT' | 'TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

export interface Exporter {
  user_id: string;
  name: string;
}

export function registrantOf(ws: Workstation): Registrant {
  return { name: ws.setting('facility_name'), address: ws.setting('facility_address'), dea_number: ws.setting('facility_dea_number') };
}

/**
 * Sets the DEA registrant the records are kept for. The DEA number must be two letters and
 * seven digits whose last is the check digit ((d1+d3+d5) + 2×(d2+d4+d6), last digit = d7).
 * Audited with the old and new values.
 */
export function setRegistrant(ws: Workstation, input: { name: string; address: string; deaNumber: string }, actor: string): Registrant {
  const name = input.name.trim();
  const address = input.address.trim();
  const dea = input.deaNumber.trim().toUpperCase();
  if (!name) throw new ReportRefusedError('BAD_REQUEST', 'the registrant name is empty: give the name on the DEA registration');
  if (!address) throw new ReportRefusedError('BAD_REQUEST', 'the registrant address is empty: give the registered location address');
  const bad = deaNumberProblem(dea);
  if (bad) throw new ReportRefusedError('BAD_REQUEST', bad);
  const before = registrantOf(ws);
  ws.db
    .transaction(() => {
      ws.setSetting('facility_name', name);
      ws.setSetting('facility_address', address);
      ws.setSetting('facility_dea_number', dea);
      ws.audit.record({ actor, action: 'FACILITY_REGISTRANT_SET', target: ws.facilityId, details: { before, after: { name, address, dea_number: dea } } });
    })
    .immediate();
  return registrantOf(ws);
}

export function reportContext(ws: Workstation, who: Exporter): ReportContext {
  return {
    facilityId: ws.facilityId,
    localDeviceId: ws.deviceId,
    timeZone: signingTimeZone(ws),
    now: ws.clock.now().toISOString(),
    generatedBy: who,
    registrant: registrantOf(ws),
  };
}

/** DEA records need the registrant; the audit trail (Part 11) does not. */
export function assertCanReport(ws: Workstation, req: ReportRequest): void {
  if (req.kind === 'audit') return;
  const problem = registrantProblem(registrantOf(ws));
  if (problem) {
    throw new ReportRefusedError(
      'NO_REGISTRANT',
      `${problem}: DEA records must name the registrant. Set it with "rxledger facility set --data DIR --name NAME --address ADDRESS --dea-number AB1234563 --as USER" ` +
        '(or Settings › DEA registrant), or enroll this workstation with the central server, which sends it. Nothing was exported.',
    );
  }
}

/** Computes a report in the worker and records the export (who, what, the file's sha256, the ledger head). */
export async function produceReport(
  ws: Workstation,
  req: ReportRequest,
  who: Exporter,
  onProgress?: (p: Progress) => void,
  destination: { kind: 'file'; path: string } | { kind: 'download' } = { kind: 'download' },
  beforeAudit?: (r: RenderedReport) => void,
): Promise<RenderedReport & { auditId: number }> {
  assertCanReport(ws, req);
  let r: RenderedReport;
  try {
    r = await runReportInWorker(ws, reportContext(ws, who), req, onProgress);
  } catch (err) {
    if (err instanceof ReportInputError) throw new ReportRefusedError('BAD_REQUEST', err.message);
    if (err instanceof ReportTooLargeError) throw new ReportRefusedError('TOO_LARGE', err.message);
    throw err;
  }
  beforeAudit?.(r);
  const row = ws.audit.record({
    actor: who.user_id,
    action: 'REPORT_EXPORTED',
    target: req.kind,
    details: {
      kind: req.kind,
      format: req.format,
      file: destination.kind === 'file' ? destination.path : r.fileName,
      destination: destination.kind,
      sha256: r.sha256,
      bytes: r.bytes.length,
      lines: r.lines,
      period: { from: r.period.fromDate, to: r.period.toDate },
      ...(req.taken ? { taken: req.taken } : {}),
      ...(req.ndcs ? { ndcs: req.ndcs } : {}),
      ledger_heads: r.heads.map((h) => ({ device_id: h.device_id, seq: h.seq, hash: h.hash })),
      notices: r.notices.length,
    },
  });
  return { ...r, auditId: row.id };
}

/**
 * Writes a report to a file: the path is checked before anything is computed (a folder that
 * does not exist, no permission, a read-only disk), the bytes go to a temporary file beside it
 * that is renamed over the target once complete, and the export is audited only after that.
 */
export async function exportReportToFile(ws: Workstation, req: ReportRequest, who: Exporter, out: string, onProgress?: (p: Progress) => void): Promise<RenderedReport & { auditId: number; path: string }> {
  const path = resolve(out);
  assertCanReport(ws, req);
  const tmp = `${path}.${randomBytes(4).toString('hex')}.partial`;
  let fd: number;
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    fd = openSync(tmp, 'wx', 0o600);
  } catch (err) {
    throw new ReportRefusedError('OUTPUT', outputProblem(path, err));
  }
  let written = false;
  try {
    const r = await produceReport(ws, req, who, onProgress, { kind: 'file', path }, (rendered) => {
      try {
        let off = 0;
        while (off < rendered.bytes.length) off += writeSync(fd, rendered.bytes, off, rendered.bytes.length - off);
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, path);
        written = true;
      } catch (err) {
        throw new ReportRefusedError('OUTPUT', outputProblem(path, err));
      }
    });
    return { ...r, path };
  } finally {
    if (!written) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
      try {
        unlinkSync(tmp);
      } catch {
        /* not created */
      }
    }
  }
}

function outputProblem(path: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  const dir = dirname(path);
  const why =
    code === 'ENOENT'
      ? `the folder ${dir} does not exist`
      : code === 'EACCES' || code === 'EPERM'
        ? `no permission to write in ${dir}`
        : code === 'EISDIR'
          ? `${path} is a folder: give a file name, e.g. ${path}/${'report.csv'}`
          : code === 'EROFS'
            ? `${dir} is on a read-only disk`
            : code === 'ENOSPC'
              ? `the disk holding ${dir} is full`
              : code === 'ENOTDIR'
                ? `a part of ${dir} is a file, not a folder`
                : ((err as Error).message ?? String(err));
  return `cannot write ${basename(path)}: ${why}. Choose another --out path; nothing was exported.`;
}
