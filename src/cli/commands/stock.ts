import { iterateLedger } from '../../main/ledger/query';
import { listStock } from '../../main/ledger/stock-query';
import { printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/** rxledger stock [--ndc NDC] --json */
export const stockCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { ndc: { type: 'string' } });
  return withWorkstation(values.data, io, (ws) => {
    const { rows } = listStock(ws.db, { ndc: values.ndc, limit: 1_000_000 });
    if (values.json) printJson(io, rows);
    else for (const r of rows) io.stdout.write(`${r.ndc}\t${r.lot || '-'}\t${r.schedule ?? ''}\t${r.on_hand}\n`);
    return 0;
  });
};

/** rxledger ledger [--since SEQ] --json: entries oldest first, as JSON array. */
export const ledgerCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { since: { type: 'string' } });
  const since = values.since ? Number(values.since) : 0;
  return withWorkstation(values.data, io, (ws) => {
    if (values.json) {
      // Streamed as one JSON array so a large ledger never sits whole in memory.
      io.stdout.write('[');
      let first = true;
      for (const e of iterateLedger(ws.db, since)) {
        io.stdout.write((first ? '' : ',') + JSON.stringify(e));
        first = false;
      }
      io.stdout.write(']\n');
    } else {
      for (const e of iterateLedger(ws.db, since)) {
        io.stdout.write(`${e.seq}\t${e.recorded_at}\t${e.type}\t${e.ndc ?? ''}\t${e.lot ?? ''}\t${e.delta}\t${e.actor}\t${e.hash.slice(0, 12)}\n`);
      }
    }
    return 0;
  });
};
