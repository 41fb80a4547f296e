import { existsSync, statSync } from 'node:fs';
import { ingestNdjsonFile, type FileResult } from '../../main/ingest/ndjson-file';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/**
 * rxledger ingest --data DIR FILE...: NDJSON drug records into the ledger. Per file:
 * accepted, duplicates, rejected (each rejected line quarantined whole, with its reason).
 */
export const ingestCommand: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (!positionals.length) throw new CliError('usage: rxledger ingest --data DIR FILE...');
  for (const f of positionals) {
    if (!existsSync(f)) throw new CliError(`${f}: no such file`);
    if (statSync(f).isDirectory()) throw new CliError(`${f} is a folder, not a file`);
  }
  return withWorkstation(values.data, io, async (ws) => {
    const results: FileResult[] = [];
    for (const file of positionals) {
      const r = await ingestNdjsonFile(file, { db: ws.db, ledger: ws.ledger, quarantine: ws.quarantine });
      results.push(r);
      for (const p of r.problems) io.stderr.write(`${file}:${p.line}: ${p.reasons.join(',')}: ${p.message} (quarantine #${p.quarantine_id})\n`);
      if (!values.json) io.stdout.write(`${file}: ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} rejected\n`);
    }
    if (values.json) {
      printJson(
        io,
        results.map((r) => ({ file: r.file, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected, quarantined: r.rejected })),
      );
    }
    return results.some((r) => r.rejected > 0) ? 1 : 0;
  });
};
