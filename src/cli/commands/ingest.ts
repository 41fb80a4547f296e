import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createGate } from '../../main/ingest/gate';
import { handlerPolicy, IngestSettingError, INGEST_SETTINGS, requireCatalog, setIngestSetting } from '../../main/ingest/settings';
import { ingestNdjsonFile, type FileResult } from '../../main/ingest/ndjson-file';
import { fileLooksBinary, ingestBinaryFile } from '../../main/ingest/binary-file';
import { fileLooksLikeX12, ingestX12File, QUARANTINE_FILES_DIR } from '../../main/ingest/x12-file';
import { CliError, printJson, type Command } from '../io';
import { exitCodeOf } from '../../shared/errors/error-codes';
import { isStorageFullError } from '../../main/db/storage-full';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { authenticateActor, readCredentials } from '../acting-user';

const USAGE =
  'usage: rxledger ingest --data DIR --as USER FILE... | ingest --data DIR --settings | ingest --data DIR --as USER --set KEY=VALUE | ingest --data DIR --as USER --unset KEY\n' +
  '(--as: the password of USER on the first line of standard input)';

/**
 * rxledger ingest --data DIR FILE...: NDJSON drug records and X12 852/846/856 files (told apart
 * by content) through the ingestion gate into the ledger. Per file: accepted, duplicates,
 * quarantined (each quarantined item kept whole, with its reasons). Exit 1 when anything was
 * quarantined.
 *
 * The entries name USER (--as, proven by password) as their actor; a record's handler_id is
 * kept as data.claimed_handler_id. X12 entries name the EDI sender, listed in ingest.edi_senders.
 *
 * --settings prints the gate's settings; --set KEY=VALUE / --unset KEY change one (a manager or
 * administrator), with an audit row (ingest.handler_policy=open and ingest.require_catalog=false
 * are not for production).
 */
export const ingestCommand: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { as: { type: 'string' }, settings: { type: 'boolean', default: false }, set: { type: 'string' }, unset: { type: 'string' } },
    true,
  );
  const changing = values.set !== undefined || values.unset !== undefined;
  if (values.settings || changing) {
    if (positionals.length) throw new CliError(`--settings, --set and --unset take no files. ${USAGE}`);
    const creds = changing ? await readCredentials(io, values.as, { flag: '--as', doing: 'ingest --set/--unset' }) : null;
    return withWorkstation(values.data, io, (ws) => {
      if (creds) {
        const who = authenticateActor(ws, creds, { permission: 'facility.manage', act: 'change the ingestion settings', nothing: 'Nothing was changed.' });
        const eq = values.set?.indexOf('=') ?? -1;
        if (values.set !== undefined && eq < 1) throw new CliError(`--set needs KEY=VALUE. ${USAGE}`);
        const [key, value] = values.set !== undefined ? [values.set.slice(0, eq), values.set.slice(eq + 1)] : [values.unset!, null];
        try {
          const r = setIngestSetting(ws, key, value, who.user_id);
          if (values.json) printJson(io, r);
          else io.stdout.write(`${r.key}: ${r.from ?? '(not set)'} -> ${r.to ?? '(not set: strict default)'}${r.relaxed ? ' — WARNING: relaxes the ingestion gate, not for production' : ''} (audited)\n`);
          return 0;
        } catch (err) {
          if (err instanceof IngestSettingError) throw new CliError(err.message, 2);
          throw err;
        }
      }
      const get = (k: string) => ws.setting(k);
      const current = Object.fromEntries(Object.keys(INGEST_SETTINGS).map((k) => [k, get(k)]));
      const effective = { handler_policy: handlerPolicy(get), require_catalog: requireCatalog(get) };
      if (values.json) printJson(io, { settings: current, effective });
      else {
        for (const [k, v] of Object.entries(current)) io.stdout.write(`${k}: ${v ?? '(not set)'}\n`);
        io.stdout.write(`handlers: ${effective.handler_policy === 'open' ? 'any id (open — not for production)' : 'active users and ingest.handler_ids only; EDI files from the senders of ingest.edi_senders only'}\n`);
        io.stdout.write(`catalog: ${effective.require_catalog ? 'every NDC must be in the catalog' : 'not checked while the catalog is empty (not for production)'}\n`);
      }
      return 0;
    });
  }
  if (!positionals.length) throw new CliError(USAGE);
  for (const f of positionals) {
    if (!existsSync(f)) throw new CliError(`${f}: no such file`);
    if (statSync(f).isDirectory()) throw new CliError(`${f} is a folder, not a file`);
  }
  const creds = await readCredentials(io, values.as, { flag: '--as', doing: 'ingest' });
  return withWorkstation(values.data, io, async (ws) => {
    const submitter = authenticateActor(ws, creds, { permission: 'ledger.append', act: 'import stock records', nothing: 'Nothing was imported.' }).user_id;
    const gate = createGate(ws);
    const isKnownNdc = gate.catalog ? (n: string) => gate.catalog!.isKnownNdc(n) : undefined;
    const results: FileResult[] = [];
    for (const file of positionals) {
      const keepDir = join(ws.dataDir, QUARANTINE_FILES_DIR);
      // Counted as the gate reports each outcome, so a failure part-way (a full disk) can say
      // how much of the file is in the ledger: those records stay committed.
      const done = { committed: 0, duplicates: 0, quarantined: 0 };
      const onOutcome = (_ref: unknown, o: { status: string }) => {
        if (o.status === 'committed') done.committed++;
        else if (o.status === 'duplicate') done.duplicates++;
        else if (o.status === 'quarantined') done.quarantined++;
      };
      let r: FileResult;
      try {
        r = fileLooksLikeX12(file)
          ? await ingestX12File(file, { gate, facilityId: ws.facilityId, keepDir, onOutcome, ...(isKnownNdc ? { isKnownNdc } : {}) })
          : fileLooksBinary(file)
            ? await ingestBinaryFile(file, { gate, keepDir })
            : await ingestNdjsonFile(file, { gate, submitter, keepDir, onOutcome, timeZone: ws.timeZone(), ...(isKnownNdc ? { isKnownNdc } : {}) });
      } catch (err) {
        const full = isStorageFullError(err);
        const so = `${done.committed} record(s) of it committed before the failure (they stay in the ledger; ${done.duplicates} duplicate(s), ${done.quarantined} quarantined)`;
        const earlier = results.length ? `; ${results.length} earlier file(s) completed` : '';
        const msg = full
          ? `${file}: the disk is full (${(err as { code?: string }).code}): ${so}${earlier}. Free space and run the same command again: what was committed is recognised as duplicates.`
          : `${file}: ${(err as Error).message}: ${so}${earlier}.`;
        if (values.json) printJson(io, { file, error: full ? 'STORAGE_FULL' : 'INTERNAL', message: msg, committed: done.committed, duplicates: done.duplicates, quarantined: done.quarantined });
        throw new CliError(msg, full ? exitCodeOf('STORAGE_FULL') : 1);
      }
      results.push(r);
      for (const p of r.problems) io.stderr.write(`${file}:${p.line}: ${p.reasons.join(',')}: ${p.message} (quarantine #${p.quarantine_id})\n`);
      if (!values.json) {
        io.stdout.write(
          `${file}${r.format === 'x12' ? ' (X12)' : ''}: ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} quarantined` +
            (r.ignored ? `, ${r.ignored} report lines not stock movements (kept in the audit trail, ingest.edi.report)` : '') +
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
