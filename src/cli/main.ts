import { translateSqliteError } from '../main/db/open';
import { CliError, type CliIO, type Command } from './io';
import { exitCodeOf, RxError } from '../shared/errors/error-codes';

/** Commands load on demand so `rxledger barcode` does not open SQLite or load USB. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: { summary: 'create a workstation: data folder, database, device key, administrator', load: async () => (await import('./commands/init')).initCommand },
  user: { summary: 'user add | user reset-password (an administrator: --as ADMIN) | user list', load: async () => (await import('./commands/user')).userCommand },
  passwd: { summary: 'change your password (current and new on two lines of stdin)', load: async () => (await import('./commands/user')).passwdCommand },
  ingest: { summary: 'commit NDJSON drug records (and X12 files) to the ledger', load: async () => (await import('./commands/ingest')).ingestCommand },
  verify: { summary: 'recompute every hash and signature; exit 3 when any fails', load: async () => (await import('./commands/verify')).verifyCommand },
  stock: { summary: 'stock on hand by NDC and lot', load: async () => (await import('./commands/stock')).stockCommand },
  ledger: { summary: 'ledger entries, oldest first', load: async () => (await import('./commands/stock')).ledgerCommand },
  serve: { summary: 'run the workstation in browser mode on 127.0.0.1', load: async () => (await import('./commands/serve')).serveCommand },
  barcode: { summary: 'decode a barcode (GS1, GTIN, NDC)', load: async () => (await import('./commands/barcode')).barcodeCommand },
  catalog: { summary: 'drug catalog: catalog import FILE... | show NDC | search TEXT | imports', load: async () => (await import('./commands/catalog')).catalogCommand },
  edi: { summary: 'edi check FILE | edi ack FILE', load: async () => (await import('./commands/edi')).ediCommand },
  quarantine: { summary: 'quarantine list | show ID | reject ID --reason | replay ID', load: async () => (await import('./commands/quarantine')).quarantineCommand },
  station: { summary: 'run the POS API and sync worker without a window (--port P)', load: async () => (await import('./commands/station')).stationCommand },
  'pos-token': { summary: 'print the POS API bearer token (--rotate for a new one)', load: async () => (await import('./commands/pos-token')).posTokenCommand },
  server: { summary: 'run the central server; server init | facility | enrollment-code | devices | stock | holds', load: async () => (await import('./commands/server')).serverCommand },
  enroll: { summary: 'enroll this workstation with the central server (one-time code)', load: async () => (await import('./commands/sync')).enrollCommand },
  sync: { summary: 'push the outbox to the central server, then pull; prints what moved', load: async () => (await import('./commands/sync')).syncCommand },
  count: { summary: 'count one NDC/lot now: COUNT entry, variance at the count time, hold when over tolerance', load: async () => (await import('./commands/count')).countCommand },
  'initial-inventory': {
    summary: 'the initial inventory (1304.11(b)): opening balance of an NDC and lot, counted and signed by a pharmacist',
    load: async () => (await import('./commands/initial-inventory')).initialInventoryCommand,
  },
  holds: { summary: 'compliance holds (--hold ID: count, movements since, history with signatures)', load: async () => (await import('./commands/holds')).holdsCommand },
  'sign-adjustment': { summary: 'a pharmacist resolves a hold with a signed adjustment (21 CFR Part 11)', load: async () => (await import('./commands/sign-adjustment')).signAdjustmentCommand },
  adjust: { summary: 'signed manual adjustment: breakage, expired to destruction, return to wholesaler', load: async () => (await import('./commands/adjust')).adjustCommand },
  tolerance: { summary: 'count tolerance policy (versioned); tolerance set ...', load: async () => (await import('./commands/tolerance')).toleranceCommand },
  report: { summary: 'DEA records and the audit trail as CSV or PDF: report biennial|cii-log|receipts|form106|audit --format csv|pdf --out FILE', load: async () => (await import('./commands/report')).reportCommand },
  facility: { summary: 'the DEA registrant: facility show | facility set --name N --address A --dea-number D', load: async () => (await import('./commands/facility')).facilityCommand },
};

const USAGE = () =>
  'usage: rxledger COMMAND [options]\n\nEvery command takes --data DIR (default: $RXLEDGER_DATA or the user data folder) and --json.\n\n' +
  Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
    .join('\n') +
  '\n';

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.stderr.write(`rxledger: unknown command "${name}"\n\n${USAGE()}`);
    return 2;
  }
  try {
    return await (await cmd.load())(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`rxledger ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof RxError) {
      // The same table as every other transport (src/shared/errors/error-codes.ts).
      io.stderr.write(`rxledger ${name}: ${err.code}: ${err.message}\n`);
      return exitCodeOf(err.code);
    }
    const e = translateSqliteError(err, 'the workstation database') as Error & { code?: string };
    io.stderr.write(`rxledger ${name}: ${e?.message ?? String(err)}\n`);
    if (io.env.RXLEDGER_DEBUG) io.stderr.write(`${e?.stack}\n`);
    return 1;
  }
}

export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
  process.exitCode = code;
}
