import { printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/** rxledger verify: exit 0 when every entry holds, 3 when any fails (naming device, seq and reason). */
export const verifyCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {});
  return withWorkstation(values.data, io, (ws) => {
    const report = ws.verify();
    const audit = ws.audit.verify();
    const ok = report.ok && audit.ok;
    if (values.json) {
      printJson(io, { ok, checked: report.checked, failure: report.failure, stock_mismatches: report.stockMismatches, devices: report.devices, audit });
    } else if (ok) {
      io.stdout.write(`Ledger verified: ${report.checked} entries, every hash and signature holds; stock matches the ledger; audit trail (${audit.checked} records) intact.\n`);
    }
    if (report.failure) io.stderr.write(`verification failed at device ${report.failure.device_id} seq ${report.failure.seq}: ${report.failure.reason}\n`);
    for (const m of report.stockMismatches) {
      io.stderr.write(`stock projection wrong for ${m.ndc} lot ${m.lot || '(none)'}: shows ${m.projected}, the ledger sums to ${m.fromLedger}\n`);
    }
    if (!audit.ok) io.stderr.write(`audit trail broken at record ${audit.firstBadId}\n`);
    return ok ? 0 : 3;
  });
};
