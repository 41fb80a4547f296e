import { translateSqliteError } from '../main/db/open';
import { CliError, type CliIO, type Command } from './io';

/** Commands load on demand so `rxledger barcode` does not open SQLite or load USB. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: { summary: 'create a workstation: data folder, database, device key, administrator', load: async () => (await import('./commands/init')).initCommand },
  user: { summary: 'user add | user list', load: async () => (await import('./commands/user')).userCommand },
  ingest: { summary: 'commit NDJSON drug records (and X12 files) to the ledger', load: async () => (await import('./commands/ingest')).ingestCommand },
  verify: { summary: 'recompute every hash and signature; exit 3 when any fails', load: async () => (await import('./commands/verify')).verifyCommand },
  stock: { summary: 'stock on hand by NDC and lot', load: async () => (await import('./commands/stock')).stockCommand },
  ledger: { summary: 'ledger entries, oldest first', load: async () => (await import('./commands/stock')).ledgerCommand },
  serve: { summary: 'run the workstation in browser mode on 127.0.0.1', load: async () => (await import('./commands/serve')).serveCommand },
  barcode: { summary: 'decode a barcode (GS1, GTIN, NDC)', load: async () => (await import('./commands/barcode')).barcodeCommand },
  edi: { summary: 'edi check FILE | edi ack FILE', load: async () => (await import('./commands/edi')).ediCommand },
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
