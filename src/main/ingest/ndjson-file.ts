import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { sha256Hex } from '../ledger/hash';
import { normalizeDrugRecord } from './drug-record';
import type { GateOutcome, IngestGate } from './gate';
import { keepRaw } from './kept-files';
import { readLines } from './line-reader';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from './retry';

export interface FileProblem {
  line: number;
  reasons: string[];
  message: string;
  quarantine_id: number;
}

export interface FileResult {
  file: string;
  format: 'ndjson' | 'x12' | 'binary';
  accepted: number;
  duplicates: number;
  /** Items quarantined (the CLI prints it as both "rejected" and "quarantined"). */
  rejected: number;
  /**
   * X12 only: report lines that are not stock movements (on hand, inventory advice (846),
   * on order, planning). Not dropped: each set's are kept in the audit trail
   * (`ingest.edi.report`, raw text and quantities); `report_audit_ids` names those rows.
   */
  ignored?: number;
  report_audit_ids?: number[];
  problems: FileProblem[];
}

export interface NdjsonDeps {
  gate: IngestGate;
  /** The proven user importing the file: every entry's actor (a line's handler_id is only its claim). */
  submitter: string;
  /** Where a line too large for a quarantine row (over 16 MB) is kept (the workstation's quarantine-files folder). */
  keepDir?: string;
  isKnownNdc?: (ndc11: string) => boolean;
  /** The facility's time zone, for a receipt's date received (NormalizeContext.timeZone). */
  timeZone?: string;
  batchSize?: number;
  maxLineBytes?: number;
  retry?: RetryPolicy;
  /** Called with every line's outcome, in order (the fuzz tests account for each line). */
  onOutcome?: (line: number, outcome: GateOutcome) => void;
}

interface Pending {
  line: number;
  bytes: Buffer;
}

/**
 * `rxledger ingest` for NDJSON: each line goes through the ingestion gate; lines are committed
 * in batches (one fsync per batch, each line in its own savepoint). A line that fails is
 * quarantined whole with its line number and reasons; a line seen before is a duplicate.
 * A busy database is retried with backoff and jitter; when it stays busy the batch's lines are
 * quarantined with TRANSIENT_FAILURE, or — when even that cannot be written — the error is
 * thrown and nothing of the batch was written. Lines committed before stay committed.
 */
export async function ingestNdjsonFile(file: string, deps: NdjsonDeps): Promise<FileResult> {
  const result: FileResult = { file, format: 'ndjson', accepted: 0, duplicates: 0, rejected: 0, problems: [] };
  const gate = deps.gate;
  const db = gate.db;
  const batchSize = deps.batchSize ?? 500;
  const source = `ndjson:${basename(file)}`;
  let batch: Pending[] = [];

  const count = (line: number, out: GateOutcome) => {
    if (out.status === 'committed') result.accepted++;
    else if (out.status === 'duplicate') result.duplicates++;
    else if (out.status === 'quarantined') {
      result.rejected++;
      result.problems.push({ line, reasons: out.reasons, message: out.issues.join('; '), quarantine_id: out.quarantineId });
    }
    deps.onOutcome?.(line, out);
  };

  const unitsOf = (n: string) => deps.gate.catalog?.unitsOf?.(n) ?? null;
  const inputFor = ({ line, bytes }: Pending) => {
    const correlationId = randomUUID();
    const payloadSha256 = sha256Hex(bytes);
    return {
      source,
      raw: bytes,
      rawSha256: payloadSha256,
      correlationId,
      submitter: deps.submitter,
      context: { file, line },
      candidate: normalizeDrugRecord(bytes.toString('utf8'), {
        correlationId,
        payloadSha256,
        ref: `${basename(file)}:${line}`,
        ...(deps.isKnownNdc ? { isKnownNdc: deps.isKnownNdc } : {}),
        ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
        unitsOf: unitsOf,
      }),
    };
  };

  const flush = async () => {
    if (!batch.length) return;
    const items = batch.map((p) => ({ line: p.line, input: inputFor(p) }));
    batch = [];
    let outcomes: GateOutcome[];
    try {
      outcomes = await withRetry(
        () => db.transaction(() => items.map((i) => gate.processInTransaction(i.input))).immediate(),
        isTransientSqliteError,
        deps.retry ?? DEFAULT_RETRY,
      );
    } catch (err) {
      if (!isTransientSqliteError(err)) throw err;
      const issues = [`the database stayed busy after every retry: ${(err as Error).message}`];
      try {
        outcomes = db
          .transaction(() =>
            items.map(
              (i): GateOutcome => ({
                status: 'quarantined',
                quarantineId: gate.quarantineInTransaction(i.input, ['TRANSIENT_FAILURE'], issues, i.input.correlationId),
                reasons: ['TRANSIENT_FAILURE'],
                issues,
                correlationId: i.input.correlationId,
              }),
            ),
          )
          .immediate();
      } catch {
        throw err;
      }
    }
    outcomes.forEach((o, k) => count(items[k]!.line, o));
  };

  for await (const line of readLines(file, deps.maxLineBytes)) {
    if (line.bytes === null) {
      await flush();
      const limit = deps.maxLineBytes ?? 1 << 20;
      const issues = [`line is ${line.length} bytes; the limit is ${limit}`];
      // Up to 16 MB the line goes into the quarantine row; above, it is copied into keepDir.
      const kept = await keepRaw(file, line.offset, line.offset + line.length, line.sha256!, deps.keepDir);
      const input = {
        source,
        raw: kept.raw ?? Buffer.alloc(0),
        rawSha256: kept.sha256,
        correlationId: randomUUID(),
        context: { file, line: line.number, offset: line.offset, length: line.length },
        candidate: { ok: false as const, reasons: ['LINE_TOO_LONG'], issues },
        ...(kept.raw ? {} : { quarantineCopy: { raw: null, rawRef: kept.ref } }),
      };
      const out = await withRetry(() => db.transaction(() => gate.processInTransaction(input)).immediate(), isTransientSqliteError, deps.retry ?? DEFAULT_RETRY);
      count(line.number, out);
      continue;
    }
    if (line.bytes.length === 0 || /^\s*$/.test(line.bytes.toString('latin1'))) continue;
    batch.push({ line: line.number, bytes: Buffer.from(line.bytes) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return result;
}
