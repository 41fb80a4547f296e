import { parseArgs } from 'node:util';
import { decodeScan, replaceGsStandIns, type ScanResult } from '../../shared/identifiers';
import { CliError, printJson, readStdinLines, type CliIO, type Command } from '../io';

const USAGE = `usage: rxledger barcode [--json] [--separator CHAR] [--data DIR] STRING
       rxledger barcode [--json] [--separator CHAR] [--data DIR] -     (one code a line on stdin)

STRING is what a scanner sends or a person types: a GS1 element string (with or without a
symbology identifier such as ]d2), the (01)…(17)… form, a GS1 Digital Link URI, a UPC-A,
EAN-13 or ITF-14, or an NDC. Write the GS separator as the byte 0x1D or as <GS>, {GS}, \\x1d,
\\u001d or ^]. --separator names a character a scanner was set to send in place of GS.
With --data, the NDC inside a GTIN/UPC (and a hyphenless 10-digit NDC) is resolved against
that workstation's drug catalog and the product is named; without it, such an NDC is not given.
Exit 0 when the code was read, 1 when it was not (with -, 0 unless stdin could not be read).
`;

/** What the summary needs from the catalog, when --data was given. */
interface CatalogView {
  isKnownNdc: (ndc11: string) => boolean;
  nameOf: (ndc: string) => string | null;
}

/** The JSON line for one input: exactly these keys, absent values null. */
function toJson(r: ScanResult) {
  return { ok: r.ok, symbology: r.symbology, gtin: r.gtin, ndc: r.ndc, lot: r.lot, expiry: r.expiry, serial: r.serial, error: r.error };
}

function summary(r: ScanResult, catalog: CatalogView | null): string {
  if (!r.ok) return `Not read: ${r.error}\n`;
  const lines: string[] = [r.symbology ?? ({ gs1: 'GS1 element string', 'digital-link': 'GS1 Digital Link', gtin: 'GTIN', ndc: 'NDC' } as const)[r.kind ?? 'gs1']];
  const row = (label: string, value: string | null) => {
    if (value !== null) lines.push(`  ${label.padEnd(8)}${value}`);
  };
  row('GTIN', r.gtin);
  if (r.ndc) {
    row('NDC', r.ndc);
    if (catalog) row('Product', catalog.nameOf(r.ndc) ?? 'not in the drug catalog');
  } else if (r.ndc10Candidates.length > 0) {
    row('NDC', catalog ? `not resolved: none or several of ${r.ndc10Candidates.join(', ')} are in the catalog` : `not resolved without the catalog: ${r.ndc10Candidates.join(', ')}`);
  }
  row('Lot', r.lot);
  row('Expiry', r.expiryDateTime ?? r.expiry);
  row('Serial', r.serial);
  row('SSCC', r.sscc);
  for (const w of r.warnings) lines.push(`  Note: ${w}`);
  return lines.join('\n') + '\n';
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        separator: { type: 'string', multiple: true },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
}

/** rxledger barcode: decode one code, or one per stdin line, through the same decodeScan receiving uses. */
export const barcodeCommand: Command = async (argv, io: CliIO) => {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`expected one code (or - for stdin), got ${positionals.length}\n${USAGE}`);
  const separators = values.separator?.map((s) => replaceGsStandIns(s));
  if (separators?.some((s) => [...s].length !== 1)) throw new CliError('--separator takes a single character');
  const opts = separators ? { separators: ['\x1d', ...separators] } : {};
  const run = async (input: string, catalog: CatalogView | null): Promise<number> => {
    const decode = (text: string) => decodeScan(replaceGsStandIns(text), catalog ? { ...opts, isKnownNdc: catalog.isKnownNdc } : opts);

    if (input === '-') {
      try {
        for await (const line of readStdinLines(io)) {
          const result = decode(line);
          if (values.json) printJson(io, toJson(result));
          else io.stdout.write(summary(result, catalog));
        }
      } catch (err) {
        io.stderr.write(`rxledger barcode: could not read stdin: ${(err as Error).message}\n`);
        return 1;
      }
      return 0;
    }

    const result = decode(input);
    if (values.json) printJson(io, toJson(result));
    else if (result.ok) io.stdout.write(summary(result, catalog));
    else io.stderr.write(`rxledger barcode: ${result.error}\n`);
    return result.ok ? 0 : 1;
  };

  const code = positionals[0] ?? '';
  if (values.data === undefined) return run(code, null);
  // Loaded only with --data, so a plain decode never opens SQLite.
  const [{ withWorkstation }, { CatalogStore }] = await Promise.all([import('../workstation-args'), import('../../main/catalog/store')]);
  return withWorkstation(values.data, io, (ws) => {
    const store = new CatalogStore(ws.db);
    return run(code, { isKnownNdc: store.isKnownNdc, nameOf: (ndc) => store.lookup(ndc)?.name ?? null });
  });
};
