import { recordInitialInventory } from '../../main/inventory/initial';
import { PackageUnitsLookup } from '../../main/catalog/package-units';
import { CatalogStore } from '../../main/catalog/store';
import { formatContainers } from '../../shared/units';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { cliErrorOf, countedArg, parseContainers, readPasswords } from './count';
import { refuseUntilPasswordChanged } from '../acting-user';

/**
 * rxledger initial-inventory --data DIR --user PHARMACIST --password-stdin --ndc NDC [--lot LOT]
 *   [--expiry YYYY-MM-DD] (--counted N | --containers 3+27) [--taken opening|close]
 *   [--cosigner U] [--note TEXT] --json
 * One line of the initial inventory (21 CFR 1304.11(b)): the opening balance of an NDC and lot
 * on the shelf when the pharmacy starts with RxLedger, counted and signed by a pharmacist. The
 * passwords come on standard input, one per line (signer, then co-signer).
 */
export const initialInventoryCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    ndc: { type: 'string' },
    lot: { type: 'string' },
    expiry: { type: 'string' },
    counted: { type: 'string' },
    containers: { type: 'string' },
    taken: { type: 'string', default: 'opening' },
    cosigner: { type: 'string' },
    note: { type: 'string' },
  });
  if (!values.user) throw new CliError('--user PHARMACIST is required: an initial inventory is signed by the pharmacist who took it');
  if (!values.ndc) throw new CliError('--ndc NDC is required');
  if (values.taken !== 'opening' && values.taken !== 'close') throw new CliError('--taken is opening or close (21 CFR 1304.11(a): the inventory says which)');
  if (values.counted === undefined && values.containers === undefined) throw new CliError('give --counted N (units) or --containers FULL+OPENED (e.g. 3+27)');
  if (values.expiry !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.expiry)) throw new CliError('--expiry is a date YYYY-MM-DD');
  const counted = values.counted === undefined ? null : countedArg(values.counted);
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const [password, cosignerPassword] = await readPasswords(io, values.cosigner ? [`Password for ${values.user}: `, `Password for ${values.cosigner}: `] : [`Password for ${values.user}: `]);
  return withWorkstation(values.data, io, (ws) => {
    // The signing code checks the passwords; a password someone else set may not sign.
    for (const id of [values.user!, values.cosigner]) if (id) refuseUntilPasswordChanged(ws.users.get(id), 'Nothing was signed.');
    const entry = new CatalogStore(ws.db).lookup(values.ndc!);
    if (!entry) throw new CliError(`--ndc: ${values.ndc} is not in the catalog; import the catalog that lists it first (rxledger catalog import)`);
    const units = new PackageUnitsLookup(ws.db);
    const pu = units.of(entry.ndc11);
    const containers = values.containers ? parseContainers(values.containers, () => pu) : null;
    let r;
    try {
      r = recordInitialInventory(ws, {
        lines: [{ ndc: entry.ndc11, lot: values.lot ?? null, expiry: values.expiry ?? null, counted, containers: containers ? { full_containers: containers.full_containers, partial_units: containers.partial_units } : null }],
        taken: values.taken as 'opening' | 'close',
        signer: { userId: values.user!, password: password! },
        cosigner: values.cosigner ? { userId: values.cosigner, password: cosignerPassword! } : null,
        note: values.note ?? null,
        source: 'cli',
      });
    } catch (err) {
      cliErrorOf(err);
    }
    if (values.json) printJson(io, r);
    else {
      for (const e of r.entries) {
        io.stdout.write(
          `Initial inventory (${r.taken === 'opening' ? 'opening' : 'close'} of business, ${r.inventory_date}): ${e.ndc}${e.lot ? ` lot ${e.lot}` : ''} ${formatContainers(e.quantity, pu?.units_per_container, e.unit)} — entry #${e.seq}, signed by ${r.signatures.map((s) => s.printed_name).join(' and ')}.\n`,
        );
      }
    }
    return 0;
  });
};
