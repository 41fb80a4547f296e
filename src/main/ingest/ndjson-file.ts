import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Db } from '../db/open';
import { LedgerRuleError, type Ledger } from '../ledger/append';
import { sha256Hex } from '../ledger/hash';
import type { QuarantineStore } from '../quarantine/store';
import { normalizeDrugRecord } from './drug-record';
import { readLines } from './line-reader';
import { isTransientSqliteError, withRetry } from './retry';

export interface FileProblem {
  line: number;
  reasons: string[];
  message: string;
  quarantine_id: number;
}

export interface FileResult {
  file: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  problems: FileProblem[];
}

export interface NdjsonDeps {
  db: Db;
  ledger: Ledger;
  quarantine: QuarantineStore;
  isKnownNdc?: (ndc11: string) => boolean;
  now?: () => Date;
  batchSize?: number;
  maxLineBytes?: number;
}

interface Pending {
  line: number;
  bytes: Buffer;
}

/**
 * `rxledger ingest` for NDJSON: each line is normalized and validated, then committed in
 * batches (one fsync per batch rather than per line). A line that fails is quarantined whole
 * with its line number and reason; a line seen before is counted as a duplicate. Lines
 * already committed stay committed whatever happens later in the file.
 */
export async function ingestNdjsonFile(file: string, deps: NdjsonDeps): Promise<FileResult> {
  const result: FileResult = { file, accepted: 0, duplicates: 0, rejected: 0, problems: [] };
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.batchSize ?? 500;
  let batch: Pending[] = [];

  const quarantine = (line: number, raw: Buffer | null, reasons: string[], issues: string[], extra: { rawRef?: string; sha256?: string } = {}) => {
    const id = deps.quarantine.put({
      source: `ndjson:${basename(file)}`,
      raw,
      rawRef: extra.rawRef ?? null,
      ...(extra.sha256 ? { sha256: extra.sha256 } : {}),
      reasons,
      issues,
      context: { file, line },
      correlationId: randomUUID(),
      receivedAt: now().toISOString(),
    });
    result.rejected++;
    result.problems.push({ line, reasons, message: issues.join('; '), quarantine_id: id });
  };

  const flush = async () => {
    if (!batch.length) return;
    const items = batch;
    batch = [];
    await withRetry(
      () =>
        deps.db.transaction(() => {
          const before = { ...result, problems: result.problems.length };
          try {
            for (const item of items) commitLine(item);
          } catch (err) {
            // The whole batch rolls back; restore the counts so a retry counts once.
            Object.assign(result, { accepted: before.accepted, duplicates: before.duplicates, rejected: before.rejected });
            result.problems.length = before.problems;
            throw err;
          }
        }).immediate(),
      isTransientSqliteError,
    );
  };

  const commitLine = ({ line, bytes }: Pending) => {
    const text = bytes.toString('utf8');
    const payloadSha256 = sha256Hex(bytes);
    const norm = normalizeDrugRecord(text, {
      correlationId: randomUUID(),
      payloadSha256,
      now: now(),
      ...(deps.isKnownNdc ? { isKnownNdc: deps.isKnownNdc } : {}),
    });
    if (!norm.ok) return quarantine(line, bytes, norm.reasons, norm.issues);
    try {
      const res = deps.ledger.trySavepoint(norm.entry, norm.fingerprint);
      if (res.status === 'committed') result.accepted++;
      else if (res.sameContent) result.duplicates++;
      else {
        quarantine(line, bytes, ['IDEMPOTENCY_CONFLICT'], [
          `idempotency_key was already used by entry ${res.existing.device_id}#${res.existing.seq} with different content`,
        ]);
      }
    } catch (err) {
      if (err instanceof LedgerRuleError) return quarantine(line, bytes, [err.code], [err.message]);
      throw err;
    }
  };

  for await (const line of readLines(file, deps.maxLineBytes)) {
    if (line.bytes === null) {
      await flush();
      deps.db.transaction(() =>
        quarantine(line.number, null, ['LINE_TOO_LONG'], [`line is ${line.length} bytes; the limit is ${deps.maxLineBytes ?? 1 << 20}`], {
          rawRef: `${file}#offset=${line.offset}&length=${line.length}`,
          sha256: line.sha256!,
        }),
      ).immediate();
      continue;
    }
    if (line.bytes.length === 0 || /^\s*$/.test(line.bytes.toString('latin1'))) continue;
    batch.push({ line: line.number, bytes: Buffer.from(line.bytes) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return result;
}
