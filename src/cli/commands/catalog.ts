import { existsSync, statSync } from 'node:fs';
import { CatalogStore, type CatalogEntry, type ImportResult } from '../../main/catalog/store';
import type { Workstation } from '../../main/workstation';
import { parseNdc } from '../../shared/identifiers';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { authenticateActor, readCredentials } from '../acting-user';
import { PackageSizeError, PackageUnitsLookup } from '../../main/catalog/package-units';
import { reprojectLegacyNdcs } from '../../main/ledger/stock';

const USAGE = `usage: rxledger catalog import  --data DIR --as USER [--json] FILE...
       rxledger catalog show    --data DIR [--json] NDC
       rxledger catalog search  --data DIR [--json] [--limit N] TEXT...
       rxledger catalog imports --data DIR [--json]
       rxledger catalog size    --data DIR --ndc NDC --units N --unit UNIT [--container C] --user U --password-stdin

import   FDA NDC Directory product.txt and package.txt (tab-separated, as published; a
         package.txt needs its product.txt in the same call or imported before), openFDA
         /drug/ndc.json responses, or the openFDA CSV extract. Each file is recognised by its
         header and imported in one transaction. Exit 1 when a file was refused or rows skipped.
         A manager or administrator (--as USER, the password on the first line of stdin).
show     one package by NDC (any layout with hyphens, 11 digits, or a hyphenless 10-digit NDC
         when exactly one of its layouts is in the catalog). Exit 1 when it is not in the catalog.
search   packages whose name, ingredients, labeler or NDC contain every word. Exit 1 when none.
imports  the import records: file, sha256, counts, when, by whom.
size     the units one package holds, read off the package by a person, for an NDC whose catalog
         description gives no size (e.g. --units 100 --unit TABLET --container BOTTLE). Refused
         where the catalog states a size. Audited; a pharmacist, manager or administrator only.
`;

const FORMAT_NAMES = { 'fda-product': 'FDA product.txt', 'fda-package': 'FDA package.txt', 'openfda-json': 'openFDA JSON', 'openfda-csv': 'openFDA CSV' } as const;
const MAX_PROBLEMS_SHOWN = 20;

function store(ws: Workstation): CatalogStore {
  return new CatalogStore(ws.db, { audit: ws.audit, now: () => ws.clock.now() });
}

function importJson(r: ImportResult) {
  return {
    file: r.file,
    format: r.format,
    products: r.products,
    packages: r.packages,
    skipped: r.skipped,
    problems: r.problems,
    added: r.added,
    updated: r.updated,
    unchanged: r.unchanged,
    import_id: r.import_id,
    sha256: r.sha256,
    error: r.error,
  };
}

async function importCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { as: { type: 'string' } }, true);
  if (!positionals.length) throw new CliError(`no file given\n${USAGE}`);
  for (const f of positionals) {
    if (!existsSync(f)) throw new CliError(`${f}: no such file`);
    if (statSync(f).isDirectory()) throw new CliError(`${f} is a folder, not a file (FDA's ndctext.zip unpacks to product.txt and package.txt: name them)`);
  }
  const creds = await readCredentials(io, values.as, { flag: '--as', doing: 'catalog import' });
  return withWorkstation(values.data, io, (ws) => {
    const who = authenticateActor(ws, creds, { permission: 'facility.manage', act: 'import the drug catalog', nothing: 'Nothing was imported.' });
    const results = store(ws).importFiles(positionals, { actor: who.user_id });
    // Version 0.1 receipts recorded in containers read in units once their package size is known.
    reprojectLegacyNdcs(ws.db);
    for (const r of results) {
      if (r.error) {
        io.stderr.write(`${r.file}: refused: ${r.error}. Nothing of it was imported.\n`);
        continue;
      }
      const shown = r.problems.slice(0, values.json ? r.problems.length : MAX_PROBLEMS_SHOWN);
      for (const p of shown) {
        io.stderr.write(`${r.file}:${p.where}: ${p.ndc ? `${p.ndc}: ` : ''}${p.message}${p.imported ? '' : ' (row skipped)'}\n`);
      }
      if (shown.length < r.problems.length) io.stderr.write(`${r.file}: … and ${r.problems.length - shown.length} more problems (--json lists them all)\n`);
      if (!values.json) {
        io.stdout.write(
          `${r.file} (${FORMAT_NAMES[r.format!]}): ${r.products} products, ${r.packages} packages, ${r.skipped} skipped; ` +
            `${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged (import #${r.import_id})\n`,
        );
      }
    }
    if (values.json) printJson(io, results.map(importJson));
    return results.some((r) => r.error !== null || r.skipped > 0) ? 1 : 0;
  });
}

/** How the ledger counts the package: "100 TABLET per BOTTLE", or why it cannot. */
function countedIn(ws: Workstation, e: CatalogEntry): string {
  const pu = new PackageUnitsLookup(ws.db).of(e.ndc11);
  if (!pu) return 'package size unknown: receipts in containers are refused until it is entered (rxledger catalog size)';
  return `in ${pu.unit}: ${pu.units_per_container} per ${pu.container ?? 'package'}${pu.source === 'entered' ? ` (${pu.note})` : ''}${pu.note && pu.source === 'catalog' ? ` (${pu.note})` : ''}`;
}

function describe(ws: Workstation, e: CatalogEntry): string {
  const schedule =
    e.schedule_status === 'controlled' ? e.schedule : e.schedule_status === 'not-controlled' ? 'not controlled' : `UNKNOWN (the source says "${e.schedule_raw ?? ''}")`;
  const rows: [string, string | null][] = [
    ['NDC', `${e.ndc11} (printed ${e.ndc10})`],
    ['Schedule', schedule],
    ['Strength', e.strength],
    ['Form', e.dosage_form],
    ['Route', e.routes.join(', ') || null],
    ['Package', e.description],
    ['Size', e.package_size === null ? 'not stated' : `${e.package_size} ${e.package_unit ?? ''}`.trim()],
    ['Counted', countedIn(ws, e)],
    ['Marketed', e.marketing_start || e.marketing_end ? `${e.marketing_start ?? '?'} to ${e.marketing_end ?? 'now'}` : 'no dates given'],
    ['Sample', e.sample === null ? null : e.sample ? 'yes' : 'no'],
    ['Labeler', e.labeler],
  ];
  return `${e.name}\n${rows
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `  ${k.padEnd(9)}${v}`)
    .join('\n')}\n`;
}

async function showCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (positionals.length !== 1) throw new CliError(`expected one NDC, got ${positionals.length}\n${USAGE}`);
  const input = positionals[0]!;
  return withWorkstation(values.data, io, (ws) => {
    const catalog = store(ws);
    const parsed = parseNdc(input, { isKnown: catalog.isKnownNdc });
    if (!parsed.ok && parsed.issue.code !== 'ndc-unknown' && parsed.issue.code !== 'ndc-ambiguous') throw new CliError(parsed.error);
    const entry = parsed.ok ? catalog.lookup(input) : null;
    if (values.json) printJson(io, entry);
    if (!entry) {
      io.stderr.write(`rxledger catalog show: ${parsed.ok ? `NDC ${parsed.ndc11 ?? parsed.ndc12} is not in the drug catalog. Check the number on the package, or import the catalog.` : parsed.error}\n`);
      return 1;
    }
    if (!values.json) io.stdout.write(describe(ws, entry));
    return 0;
  });
}

async function searchCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { limit: { type: 'string' } }, true);
  const text = positionals.join(' ').trim();
  if (!text) throw new CliError(`nothing to search for\n${USAGE}`);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit must be a whole number above 0, not "${values.limit}"`);
  return withWorkstation(values.data, io, (ws) => {
    const found = store(ws).search(text, { limit });
    if (values.json) printJson(io, found);
    else if (found.length === 0) io.stderr.write(`rxledger catalog search: nothing in the catalog matches "${text}"\n`);
    else {
      for (const e of found) {
        const size = e.package_size === null ? '' : `  ${e.package_size} ${e.package_unit ?? ''}`.trimEnd();
        io.stdout.write(`${e.ndc11}  ${(e.schedule ?? (e.schedule_status === 'unknown' ? 'C?' : '-')).padEnd(4)}  ${e.name}${size}\n`);
      }
    }
    return found.length ? 0 : 1;
  });
}

async function importsCmd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {}, false);
  return withWorkstation(values.data, io, (ws) => {
    const list = store(ws).imports();
    if (values.json) printJson(io, list);
    else if (list.length === 0) io.stdout.write('No catalog has been imported yet.\n');
    else {
      for (const r of list) {
        io.stdout.write(
          `#${r.id}  ${r.imported_at}  ${r.imported_by}  ${r.file_name} (${r.format}, sha256 ${r.sha256.slice(0, 12)})  ` +
            `${r.products} products, ${r.packages} packages, ${r.skipped} skipped; ${r.added} added, ${r.updated} updated\n`,
        );
      }
    }
    return 0;
  });
}

async function sizeCmd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ndc: { type: 'string' },
    units: { type: 'string' },
    unit: { type: 'string' },
    container: { type: 'string' },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  });
  if (!values.ndc || !values.units || !values.unit) throw new CliError(`--ndc, --units and --unit are required\n${USAGE}`);
  if (!/^\d+$/.test(values.units)) throw new CliError(`--units is a whole number of dosage units per package (got "${values.units}")`);
  const creds = await readCredentials(io, values.user, { flag: '--user', doing: 'catalog size (an entered package size names the person who read it off the package)', passwordStdin: values['password-stdin'] });
  return withWorkstation(values.data, io, (ws) => {
    const user = ws.users.get(creds.userId);
    const permission = user?.role === 'pharmacist' ? 'sign' : 'facility.manage';
    const auth = { user: authenticateActor(ws, creds, { permission, act: 'enter package sizes', nothing: 'Nothing was entered.' }) };
    const entry = store(ws).lookup(values.ndc!);
    if (!entry) throw new CliError(`${values.ndc} is not in the catalog: import the catalog that lists it first`);
    const lookup = new PackageUnitsLookup(ws.db, () => ws.clock.now());
    try {
      const row = lookup.enter({ ndc11: entry.ndc11, unitsPerContainer: Number(values.units), unit: values.unit!, container: values.container ?? null, actor: auth.user.user_id }, ws.audit);
      const reprojected = reprojectLegacyNdcs(ws.db, [entry.ndc11]);
      if (values.json) printJson(io, { ...row, reprojected });
      else io.stdout.write(`${entry.ndc11} ${entry.name}: ${row.units_per_container} ${row.unit} per ${row.container ?? 'package'}, entered by ${row.entered_by}.\n`);
    } catch (err) {
      if (err instanceof PackageSizeError) throw new CliError(err.message);
      throw err;
    }
    return 0;
  });
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  import: importCmd,
  size: sizeCmd,
  show: showCmd,
  search: searchCmd,
  imports: importsCmd,
};

/** rxledger catalog import | show | search | imports. */
export const catalogCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  const run = SUBCOMMANDS[sub];
  if (!run) throw new CliError(`unknown subcommand "${sub}"\n${USAGE}`);
  return run(rest, io);
};
