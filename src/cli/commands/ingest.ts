import { existsSync, statSync } from 'node:fs';
import { createGate } from '../../main/ingest/gate';
import { ingestNdjsonFile, type FileResult } from '../../main/ingest/ndjson-file';
import { fileLooksLikeX12, ingestX12File } from '../../main/ingest/x12-file';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/**
 * rxledger ingest --data DIR FILE...: NDJSON drug records and X12 852/846/856 files (told apart
 * by content) through the ingestion gate into the ledger. Per file: accepted, duplicates,
 * quarantined (each quarantined item kept whole, with its reasons). Exit 1 when anything was
 * quarantined.
 */
export const ingestCommand: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (!positionals.length) throw new CliError('usage: rxledger ingest --data DIR FILE...');
  for (const f of positionals) {
    if (!existsSync(f)) throw new CliError(`${f}: no such file`);
    if (statSync(f).isDirectory()) throw new CliError(`${f} is a folder, not a file`);
  }
  return withWorkstation(values.data, io, async (ws) => {
    const gate = createGate(ws);
    const isKnownNdc = gate.catalog ? (n: string) => gate.catalog!.isKnownNdc(n) : undefined;
    const results: FileResult[] = [];
    for (const file of positionals) {
      const r = fileLooksLikeX12(file)
        ? await ingestX12File(file, { gate, facilityId: ws.facilityId, ...(isKnownNdc ? { isKnownNdc } : {}) })
        : await ingestNdjsonFile(file, { gate, ...(isKnownNdc ? { isKnownNdc } : {}) });
      results.push(r);
      for (const p of r.problems) io.stderr.write(`${file}:${p.line}: ${p.reasons.join(',')}: ${p.message} (quarantine #${p.quarantine_id})\n`);
      if (!values.json) {
        io.stdout.write(
          `${file}${r.format === 'x12' ? ' (X12)' : ''}: ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} quarantined` +
            (r.ignored ? `, ${r.ignored} report lines not recorded` : '') +
            '\n',
        );
      }
    }
    if (values.json) {
      printJson(
        io,
        results.map((r) =>
          r.format === 'x12'
            ? { file: r.file, accepted: r.accepted, duplicates: r.duplicates, quarantined: r.rejected, ignored: r.ignored ?? 0 }
            : { file: r.file, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected, quarantined: r.rejected },
        ),
      );
    }
    return results.some((r) => r.rejected > 0) ? 1 : 0;
  });
};
