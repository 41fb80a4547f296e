import { can } from '../../shared/domain/roles';
import { exitCodeOf, RxError } from '../../shared/errors/error-codes';
import { ContainerBreakdown, ndc11Of, unitsOf } from '../../shared/counts';
import { formatChange, formatContainers } from '../../shared/units';
import { PackageUnitsLookup } from '../../main/catalog/package-units';
import { quickCount } from '../../main/counts/submit';
import type { Workstation } from '../../main/workstation';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { readPassword, readPasswordLines } from '../password-input';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { refuseUntilPasswordChanged } from '../acting-user';

/** Exit codes of the count/holds/signature commands: 2 bad input, 4 not allowed or not authenticated, 5 refused by the state (hold, conflict, stock). */
export function cliErrorOf(err: unknown): never {
  if (err instanceof RxError) {
    throw new CliError(`${err.code}: ${err.message}`, exitCodeOf(err.code));
  }
  throw err;
}

/** An NDC as typed, as the ledger's 5-4-2 key (a hyphenless 10-digit NDC is resolved against this workstation's stock). */
export function ndcArg(ws: Workstation, text: string | undefined, flag = '--ndc'): string {
  if (!text) throw new CliError(`${flag} NDC is required`);
  const known = ws.db.prepare('SELECT 1 FROM ledger_entries WHERE ndc = ? LIMIT 1');
  const r = ndc11Of(text, (n) => !!known.get(n));
  if (!r.ok) throw new CliError(`${flag}: ${r.message}`);
  return r.ndc;
}

/** One password per line on stdin (signer first, co-signer second), or asked for on a terminal. */
export async function readPasswords(io: CliIO, prompts: string[]): Promise<string[]> {
  return readPasswordLines(io, prompts, 'signer first, then co-signer');
}

/**
 * Containers as counted at the shelf: "3+27" is three sealed containers (of the catalog's
 * package size) and one opened container holding 27 units; "3+27+12" two opened ones;
 * "2x100+37" states the size too (it must be the catalog's). The size comes from the catalog
 * (`sizeOf`), never assumed.
 */
export function parseContainers(text: string, sizeOf: () => { units_per_container: number } | null): ContainerBreakdown {
  const m = /^(\d+)(?:x(\d+))?((?:\+\d+)*)$/.exec(text.replace(/\s+/g, ''));
  if (!m) throw new CliError('--containers is FULL[+OPENED...] (e.g. 3+27: three sealed containers and an opened one holding 27 units), or FULLxSIZE[+OPENED...]');
  const catalog = sizeOf();
  const stated = m[2] === undefined ? null : Number(m[2]);
  if (stated === null && !catalog) throw new CliError('--containers: the catalog gives no package size for this NDC; count in units with --counted, or enter the size (rxledger catalog size)');
  if (stated !== null && catalog && stated !== catalog.units_per_container) {
    throw new CliError(`--containers: the catalog gives ${catalog.units_per_container} units per container, not ${stated}`);
  }
  const parsed = ContainerBreakdown.safeParse({
    full_containers: Number(m[1]),
    units_per_container: stated ?? catalog!.units_per_container,
    partial_units: (m[3] ?? '').split('+').filter(Boolean).map(Number),
  });
  if (!parsed.success) throw new CliError(`--containers: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function countedArg(text: string | undefined): number {
  if (text === undefined) throw new CliError('--counted N or --containers FULL+OPENED is required (what was counted)');
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) throw new CliError(`--counted must be a whole number of units (got "${text}")`);
  return Number(text);
}

/**
 * rxledger count --data DIR --user U --password-stdin --ndc NDC [--lot LOT] (--counted N | --containers 3+27) --json
 * Counts one NDC (and lot) now: a COUNT entry by U, the variance against the expected on hand at
 * this moment, and a hold when it is over tolerance. Prints {count_id, expected, counted, variance, hold_id}.
 */
export const countCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    ndc: { type: 'string' },
    lot: { type: 'string' },
    counted: { type: 'string' },
    containers: { type: 'string' },
  });
  if (!values.user) throw new CliError('--user U is required: a count is recorded with its counter');
  if (values.counted === undefined && values.containers === undefined) countedArg(undefined);
  const counted = values.counted === undefined ? null : countedArg(values.counted);
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const password = await readPassword(io, `Password for ${values.user}: `);
  return withWorkstation(values.data, io, (ws) => {
    const ndc = ndcArg(ws, values.ndc);
    const units = new PackageUnitsLookup(ws.db);
    const containers = values.containers ? parseContainers(values.containers, () => units.of(ndc)) : null;
    const total = counted ?? unitsOf(containers!);
    const auth = ws.users.authenticate(values.user!, password);
    if (!auth.ok) throw new CliError(`${auth.code}: ${auth.message} Nothing was recorded.`, 4);
    refuseUntilPasswordChanged(auth.user, 'Nothing was recorded.');
    if (!can(auth.user.role, 'ledger.append')) throw new CliError(`FORBIDDEN: a ${auth.user.role} may not record counts`, 4);
    let r;
    try {
      r = quickCount(ws, { actor: auth.user.user_id, ndc, lot: values.lot ?? null, counted: total, containers });
    } catch (err) {
      cliErrorOf(err);
    }
    const pu = units.of(ndc);
    if (values.json) printJson(io, { count_id: r.count_id, expected: r.expected, counted: r.counted, variance: r.variance, unit: pu?.unit ?? null, hold_id: r.hold_id });
    else {
      const what = `${ndc}${r.lot ? ` lot ${r.lot}` : ''}`;
      const u = (n: number) => formatContainers(n, pu?.units_per_container, pu?.unit);
      io.stdout.write(
        `Count ${r.count_id}: ${what} counted ${u(r.counted)}, expected ${u(r.expected)} at ${r.count_time}, variance ${formatChange(r.variance, pu?.unit)} (tolerance ±${r.allowed}, policy v${r.tolerance_version}).\n`,
      );
      if (r.outcome === 'hold') io.stdout.write(`Over tolerance: hold ${r.hold_id} placed; dispensing of ${what} is refused until a pharmacist signs an adjustment.\n`);
      if (r.outcome === 'under_hold') io.stdout.write(`Already on hold ${r.hold_id}.\n`);
      if (r.outcome === 'recount_required') io.stdout.write('Over tolerance: a second person must recount before it becomes a hold.\n');
    }
    return 0;
  });
};
