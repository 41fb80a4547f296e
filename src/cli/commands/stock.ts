import { formatUnits } from '../../shared/units/unit-names';
import { CatalogStore } from '../../main/catalog/store';
import { iterateLedger } from '../../main/ledger/query';
import { listStock } from '../../main/ledger/stock-query';
import type { Workstation } from '../../main/workstation';
import { parseNdc } from '../../shared/identifiers';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/**
 * --ndc in any written form: with hyphens in any layout (the 10-digit form printed on the
 * label, e.g. 65162-047-10), 11 or 12 digits, or a hyphenless 10-digit NDC when exactly one of
 * its layouts is in the catalog or in stock. A malformed or ambiguous one is refused (exit 2).
 */
function stockNdcFilter(ws: Workstation, text: string): string {
  const catalog = new CatalogStore(ws.db);
  const inStock = ws.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM stock WHERE ndc = ? LIMIT 1');
  const r = parseNdc(text, { isKnown: (n) => catalog.isKnownNdc(n) || inStock.get(n) !== undefined });
  if (!r.ok) throw new CliError(`--ndc: ${r.error}`);
  return r.ndc11 ?? r.ndc12;
}

/** rxledger stock [--ndc NDC] --json */
export const stockCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { ndc: { type: 'string' } });
  return withWorkstation(values.data, io, (ws) => {
    const ndc = values.ndc === undefined ? undefined : stockNdcFilter(ws, values.ndc);
    const { rows } = listStock(ws.db, { ndc, limit: 1_000_000 });
    if (values.json) printJson(io, rows);
    else for (const r of rows) io.stdout.write(`${r.ndc}\t${r.lot || '-'}\t${r.schedule ?? ''}\t${formatUnits(r.on_hand, r.unit)}\n`);
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
