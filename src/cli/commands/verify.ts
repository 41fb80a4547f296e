import { AuditTrail } from '../../main/audit/trail';
import { resolveDataDir } from '../../main/data-dir';
import { openDatabase } from '../../main/db/open';
import { rebuildStock } from '../../main/ledger/stock';
import { BadAnchorError, verifyFolder } from '../../main/ledger/verify-folder';
import { join } from 'node:path';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { authenticateActor, readCredentials } from '../acting-user';

/**
 * rxledger verify: exit 0 when every entry holds, 3 when any fails (naming device, seq and reason).
 * --anchor HEAD_HASH or DEVICE:SEQ:HASH (repeatable) and the central server's accepted head
 * anchor the chain from outside the folder; --server-key checks the pinned server key.
 * With --rebuild-stock, a stock projection that disagrees with an intact ledger is rebuilt from
 * the ledger (audited, by the user of --as, whose password is the first line of stdin) and
 * checked again; a broken chain is never used to rebuild anything. Checking alone writes nothing
 * and needs no user.
 */
export const verifyCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    as: { type: 'string' },
    'rebuild-stock': { type: 'boolean', default: false },
    anchor: { type: 'string', multiple: true },
    'server-key': { type: 'string' },
  });
  const creds = values['rebuild-stock'] ? await readCredentials(io, values.as, { flag: '--as', doing: 'verify --rebuild-stock' }) : null;
  const dir = resolveDataDir(values.data, io.env);
  const check = () => {
    try {
      return verifyFolder(dir, undefined, { anchors: values.anchor, serverKey: values['server-key'] });
    } catch (err) {
      if (err instanceof BadAnchorError) throw new CliError(err.message);
      throw err;
    }
  };
  let report = check();
  if (values['rebuild-stock'] && !report.failure && report.stockMismatches.length) {
    await withWorkstation(values.data, io, (ws) => {
      const who = authenticateActor(ws, creds!, { permission: 'ledger.verify', act: 'rebuild the stock projection', nothing: 'Nothing was rebuilt.' });
      rebuildStock(ws.db);
      ws.audit.record({ actor: who.user_id, action: 'STOCK_REBUILT', details: { mismatches: report.stockMismatches.length } });
    });
    io.stderr.write(`stock projection rebuilt from the ledger (${report.stockMismatches.length} row(s) were wrong)\n`);
    report = check();
  }
  let audit: { ok: boolean; checked: number; firstBadId: number | null; error?: string };
  try {
    const db = openDatabase(join(dir, 'rxledger.db'), { readonly: true });
    try {
      audit = new AuditTrail(db).verify();
    } finally {
      db.close();
    }
  } catch (err) {
    audit = { ok: false, checked: 0, firstBadId: null, error: (err as Error).message };
  }
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
  if (!audit.ok) io.stderr.write(`audit trail broken${audit.firstBadId ? ` at record ${audit.firstBadId}` : ''}${audit.error ? `: ${audit.error}` : ''}\n`);
  return ok ? 0 : 3;
};
