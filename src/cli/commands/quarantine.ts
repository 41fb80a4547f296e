import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUARANTINE_FILES_DIR } from '../../main/ingest/kept-files';
import { can } from '../../shared/domain/roles';
import { hexDump, QuarantineDecisionError, rejectQuarantined, replayQuarantined } from '../../main/quarantine/decide';
import type { Workstation } from '../../main/workstation';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { refuseUntilPasswordChanged } from '../acting-user';
import { investigationSteps, recordInvestigationStep } from '../../main/quarantine/investigation';
import { summarize } from '../../main/quarantine/summary';

const USAGE = `usage: rxledger quarantine list [--status open|replayed|rejected] [--json]
       rxledger quarantine show ID [--hex] [--json]
       rxledger quarantine reject ID --reason TEXT --user ID --password-stdin
       rxledger quarantine replay ID [--fixed FILE] [--note TEXT] --user ID --password-stdin
       rxledger quarantine investigate ID --note TEXT --user PHARMACIST --password-stdin
       rxledger quarantine clear ID --note TEXT --user PHARMACIST --password-stdin
       rxledger quarantine illegitimate ID --note TEXT --fda-3911-date YYYY-MM-DD --partner-notice-date YYYY-MM-DD --user PHARMACIST --password-stdin

Items are never deleted. A decision (replay or reject) is final and goes to the audit trail
with the person who made it: a pharmacist, manager or administrator (quarantine.decide) named
with --user, whose password is read from the first line of stdin (or asked for, with echo off,
on a terminal). A wrong password counts toward the account's lockout.

A DSCSA suspect product (a duplicate or unknown serial, a failed verification) is neither
replayed nor rejected until its investigation ends: each step (investigate: a finding; clear:
legitimate, back to replay/reject; illegitimate: with the dates FDA Form 3911 and the notice
to the trading partners were sent, within 24 hours of the determination) is signed by a
pharmacist with --user and the password (Part 11 §11.200) and audited. docs/dscsa-suspect.md`;

/** The user deciding: authenticated (failures count toward lockout) and allowed to decide. */
async function deciderFor(ws: Workstation, sub: string, values: { user?: string | undefined; 'password-stdin'?: boolean | undefined }, io: CliIO): Promise<string> {
  if (!values.user) throw new CliError(`quarantine ${sub} needs --user ID --password-stdin: a decision names the pharmacist, manager or administrator who made it`);
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError(`give the password of ${values.user} on standard input with --password-stdin`);
  const password = await readPassword(io, `Password for ${values.user}: `);
  const auth = ws.users.authenticate(values.user, password, 'signature');
  if (!auth.ok) throw new CliError(auth.message, 1);
  refuseUntilPasswordChanged(auth.user, 'Nothing was decided.');
  if (!can(auth.user.role, 'quarantine.decide')) {
    throw new CliError(`${auth.user.user_id} is a ${auth.user.role}: only a pharmacist, manager or administrator may decide on quarantine items (quarantine.decide)`, 1);
  }
  return auth.user.user_id;
}

function idOf(text: string | undefined): number {
  const id = Number(text);
  if (!text || !Number.isSafeInteger(id) || id <= 0) throw new CliError(`${USAGE}\n\nID must be a quarantine item number`);
  return id;
}

export const quarantineCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE + '\n');
    return sub ? 0 : 2;
  }
  const { values, positionals } = parseCommandArgs(
    rest,
    {
      status: { type: 'string' },
      hex: { type: 'boolean', default: false },
      reason: { type: 'string' },
      fixed: { type: 'string' },
      note: { type: 'string' },
      user: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      'fda-3911-date': { type: 'string' },
      'partner-notice-date': { type: 'string' },
    },
    true,
  );
  return withWorkstation(values.data, io, async (ws) => {
    try {
      switch (sub) {
        case 'list': {
          const status = values.status;
          if (status && !['open', 'replayed', 'rejected'].includes(status)) throw new CliError('--status is open, replayed or rejected');
          const items = ws.quarantine.list(status ? { status: status as 'open' } : {});
          if (values.json) {
            printJson(io, items.map((i) => ({ id: i.id, source: i.source, sha256: i.sha256, reasons: i.reasons, received_at: i.received_at, status: i.status })));
          } else {
            if (!items.length) io.stdout.write('The quarantine is empty.\n');
            for (const i of items) io.stdout.write(`#${i.id}  ${i.status.padEnd(8)}  ${i.received_at}  ${i.source}  ${i.reasons.join(',')}\n`);
          }
          return 0;
        }
        case 'show': {
          const id = idOf(positionals[0]);
          const item = ws.quarantine.get(id);
          if (!item) throw new CliError(`quarantine item #${id} does not exist`, 1);
          const raw = ws.quarantine.raw(id);
          const decisions = ws.quarantine.decisions(id);
          const summary = summarize(ws, item);
          const steps = investigationSteps(ws, id);
          if (values.json) {
            printJson(io, { ...item, summary, investigation: steps, raw_base64: raw ? raw.toString('base64') : null, raw_bytes: raw?.length ?? null, decisions });
            return 0;
          }
          const product = [summary.drug_name, summary.ndc && `NDC ${summary.ndc}`, summary.lot && `lot ${summary.lot}`, summary.serial && `serial ${summary.serial}`].filter(Boolean).join(', ');
          io.stdout.write(
            `${summary.plain_reasons.join('\n')}\n` +
              (product ? `${product} — ${summary.source_label}\n` : `${summary.source_label}\n`) +
              (summary.suspect ? `DSCSA suspect product — investigation: ${summary.investigation}\n` : '') +
              steps.map((st) => `  ${st.signed_at} ${st.step} signed by ${st.printed_name} (${st.signed_by}): ${st.note}${st.step === 'illegitimate' ? ` [FDA 3911 ${st.fda_3911_date}, partners ${st.partner_notice_date}]` : ''}\n`).join('') +
              `\n#${item.id} ${item.status} — ${item.source}, received ${item.received_at}\n` +
              `sha256 ${item.sha256}\ncorrelation ${item.correlation_id}\nreasons ${item.reasons.join(', ')}\n` +
              item.issues.map((s) => `  - ${s}\n`).join('') +
              (Object.keys(item.context).length ? `context ${JSON.stringify(item.context)}\n` : '') +
              (item.raw_ref ? (item.raw_ref.startsWith('kept:') ? `raw kept as a file: ${join(ws.dataDir, QUARANTINE_FILES_DIR, item.raw_ref.slice(5))}\n` : `raw kept by reference: ${item.raw_ref}\n`) : ''),
          );
          for (const d of decisions) io.stdout.write(`${d.decision} by ${d.decided_by} at ${d.decided_at}: ${d.reason}${d.entry_ref ? ` ${d.entry_ref}` : ''}\n`);
          if (raw) io.stdout.write(`--- raw (${raw.length} bytes) ---\n${values.hex ? hexDump(raw) : raw.toString('utf8')}\n`);
          return 0;
        }
        case 'reject': {
          const id = idOf(positionals[0]);
          if (!values.reason) throw new CliError('reject needs --reason TEXT');
          const actor = await deciderFor(ws, sub, values, io);
          const r = rejectQuarantined(ws, id, { actor, reason: values.reason });
          if (values.json) printJson(io, { ...r, status: 'rejected', decided_by: actor });
          else io.stdout.write(`#${id} rejected by ${actor}: ${values.reason}\n`);
          return 0;
        }
        case 'replay': {
          const id = idOf(positionals[0]);
          const fixedText = values.fixed ? readFileSync(values.fixed, 'utf8').replace(/\r?\n$/, '') : null;
          const actor = await deciderFor(ws, sub, values, io);
          const r = replayQuarantined(ws, id, { actor, fixedText, ...(values.note ? { note: values.note } : {}) });
          if (values.json) printJson(io, { ...r, status: 'replayed', decided_by: actor });
          else io.stdout.write(`#${id} replayed by ${actor}: ${r.committed.length} committed, ${r.duplicates} duplicates\n`);
          return 0;
        }
        case 'investigate':
        case 'clear':
        case 'illegitimate': {
          const id = idOf(positionals[0]);
          if (!values.note) throw new CliError(`${sub} needs --note TEXT: ${sub === 'investigate' ? 'what was checked and found' : sub === 'clear' ? 'why the product is legitimate' : 'why the product is illegitimate'}`);
          if (!values.user) throw new CliError(`quarantine ${sub} needs --user PHARMACIST --password-stdin: each step is signed (21 CFR Part 11 §11.200)`);
          if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError(`give the password of ${values.user} on standard input with --password-stdin`);
          const password = await readPassword(io, `Password for ${values.user}: `);
          const step = sub === 'investigate' ? 'finding' : sub === 'clear' ? 'cleared' : 'illegitimate';
          const s = recordInvestigationStep(ws, id, {
            step,
            note: values.note,
            fda3911Date: values['fda-3911-date'] ?? null,
            partnerNoticeDate: values['partner-notice-date'] ?? null,
            signer: { userId: values.user, password },
          });
          const { public_key: _k, signature: _s, ...shown } = s;
          if (values.json) printJson(io, { ...shown, status: ws.quarantine.get(id)!.status });
          else io.stdout.write(`#${id} ${step === 'finding' ? 'investigation step recorded' : step === 'cleared' ? 'cleared: it can now be replayed or rejected' : 'marked illegitimate and rejected'}, signed by ${s.printed_name} (${s.signed_by}) at ${s.signed_at}\n`);
          return 0;
        }
        default:
          throw new CliError(`unknown subcommand "${sub}"\n${USAGE}`);
      }
    } catch (err) {
      if (err instanceof QuarantineDecisionError) throw new CliError(err.message, 1);
      throw err;
    }
  });
};
