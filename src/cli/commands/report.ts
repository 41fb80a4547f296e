import { ndc11Of } from '../../shared/counts';
import { headText, REPORT_KINDS, REPORT_SCHEDULES, ReportKind, ReportSchedules, type ReportRequest } from '../../shared/reports/types';
import { exportReportToFile, ReportRefusedError, type Exporter } from '../../main/reports/export';
import type { Workstation } from '../../main/workstation';
import { CliError, printJson, type Command } from '../io';
import { authenticateActor, readCredentials, type Credentials } from '../acting-user';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

const USAGE =
  `usage: rxledger report ${REPORT_KINDS.join('|')} --data DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] --format csv|pdf --out FILE\n` +
  '       [--schedules cii|ciii-v|all] [--taken opening|close] (biennial)  [--ndc NDC]... (cii-log)  --user U --password-stdin [--json]';

/**
 * rxledger report KIND --format csv|pdf --out FILE: computes a DEA record or the audit trail
 * from the ledger (in a worker thread), writes it, and records the export in the audit trail
 * with the file's sha256 and the user who exported it (--user, proven by the password on the
 * first line of stdin: an export names a person, §11.10(e)). Exit codes: 0 written; 2 bad arguments, an empty period or an output
 * path that cannot be written; 4 not allowed or wrong password; 5 the registrant (DEA number)
 * is not set.
 */
export const reportCommand: Command = async (argv, io) => {
  const [kindText, ...rest] = argv;
  const kind = ReportKind.safeParse(kindText);
  if (!kind.success) throw new CliError(kindText ? `unknown report "${kindText}". ${USAGE}` : USAGE);
  const { values } = parseCommandArgs(rest, {
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    taken: { type: 'string' },
    ndc: { type: 'string', multiple: true },
    schedules: { type: 'string' },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  });
  if (values.format !== 'csv' && values.format !== 'pdf') throw new CliError(`--format csv or --format pdf is required. ${USAGE}`);
  if (!values.out) throw new CliError(`--out FILE is required. ${USAGE}`);
  if (values.taken !== undefined && values.taken !== 'opening' && values.taken !== 'close') throw new CliError('--taken is opening or close (of business)');
  if (values.taken && kind.data !== 'biennial') throw new CliError('--taken applies to the biennial inventory only');
  if (values.ndc?.length && kind.data !== 'cii-log') throw new CliError('--ndc applies to the cii-log report only');
  const schedules = values.schedules === undefined ? undefined : ReportSchedules.safeParse(values.schedules);
  if (schedules && !schedules.success) throw new CliError(`--schedules is ${REPORT_SCHEDULES.join(', ')} (21 CFR 1304.04(h): Schedule II apart from III–V)`);
  if (schedules?.data && schedules.data !== 'all' && kind.data === 'audit') throw new CliError('--schedules applies to the DEA records, not to the audit trail');
  const creds = await readCredentials(io, values.user, { flag: '--user', doing: 'report', passwordStdin: values['password-stdin'] });

  return withWorkstation(values.data, io, async (ws) => {
    const who = exporter(ws, creds);
    const ndcs = values.ndc?.map((n) => {
      const r = ndc11Of(n);
      if (!r.ok) throw new CliError(`--ndc ${n}: ${r.message}`);
      return r.ndc;
    });
    const req: ReportRequest = {
      kind: kind.data,
      format: values.format as 'csv' | 'pdf',
      from: values.from ?? null,
      to: values.to ?? null,
      ...(values.taken ? { taken: values.taken as 'opening' | 'close' } : {}),
      ...(ndcs?.length ? { ndcs } : {}),
      ...(schedules?.data ? { schedules: schedules.data } : {}),
    };
    let lastPhase = '';
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    try {
      const r = await exportReportToFile(ws, req, who, values.out!, (p) => {
        if (!tty) return;
        const pct = p.total ? Math.floor((p.done / p.total) * 100) : 0;
        io.stderr.write(`\r${p.phase} ${pct}%   `);
        if (p.phase !== lastPhase) lastPhase = p.phase;
      });
      if (tty) io.stderr.write('\r\x1b[K');
      const local = r.heads.find((h) => h.local) ?? r.heads[0]!;
      if (values.json) {
        printJson(io, { file: r.path, kind: req.kind, format: req.format, sha256: r.sha256, bytes: r.bytes.length, lines: r.lines, period: { from: r.period.fromDate, to: r.period.toDate }, notices: r.notices, ledger_heads: r.heads, audit_id: r.auditId, exported_by: who.user_id });
      } else {
        io.stdout.write(`wrote ${r.path}: ${r.lines} line(s), ${r.bytes.length} bytes, sha256 ${r.sha256}\ncomputed from ledger head ${headText(local)}\n`);
        for (const n of r.notices) io.stdout.write(`note: ${n}\n`);
        io.stdout.write(`export recorded in the audit trail (record ${r.auditId}, by ${who.user_id})\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof ReportRefusedError) throw new CliError(err.message, err.reason === 'NO_REGISTRANT' ? 5 : 2);
      throw err;
    }
  });
};

/** The CLI has no session: the exporter is a user proven by their password. */
function exporter(ws: Workstation, creds: Credentials): Exporter {
  const user = authenticateActor(ws, creds, { permission: 'reports.export', act: 'export reports', nothing: 'Nothing was exported.' });
  return { user_id: user.user_id, name: user.name };
}
