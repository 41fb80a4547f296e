import { can } from '../../shared/domain/roles';
import { RxError } from '../../shared/ipc/contract';
import { ContainerBreakdown, ndc11Of } from '../../shared/counts';
import { quickCount } from '../../main/counts/service';
import type { Workstation } from '../../main/workstation';
import { CliError, printJson, readAllStdin, type CliIO, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/** Exit codes of the count/holds/signature commands: 2 bad input, 4 not allowed or not authenticated, 5 refused by the state (hold, conflict, stock). */
export function cliErrorOf(err: unknown): never {
  if (err instanceof RxError) {
    const code = err.code === 'BAD_INPUT' || err.code === 'NOT_FOUND' ? 2 : ['FORBIDDEN', 'BAD_CREDENTIALS', 'LOCKED', 'DISABLED'].includes(err.code) ? 4 : 5;
    throw new CliError(`${err.code}: ${err.message}`, code);
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
  if (prompts.length === 1) return [await readPassword(io, prompts[0]!)];
  if (io.stdin.isTTY) {
    const out: string[] = [];
    for (const p of prompts) out.push(await readPassword(io, p));
    return out;
  }
  const lines = (await readAllStdin(io)).split(/\r?\n/);
  const out = prompts.map((_, i) => lines[i] ?? '');
  if (out.some((p) => !p)) throw new CliError(`give ${prompts.length} passwords on standard input, one per line (signer first, then co-signer)`);
  return out;
}

/** "2x100+37+12": two sealed containers of 100 and opened ones holding 37 and 12. */
export function parseContainers(text: string): ContainerBreakdown {
  const m = /^(\d+)x(\d+)((?:\+\d+)*)$/.exec(text.replace(/\s+/g, ''));
  if (!m) throw new CliError('--containers is FULLxSIZE[+PARTIAL...], e.g. 2x100+37 (two sealed bottles of 100, one opened with 37)');
  const parsed = ContainerBreakdown.safeParse({
    full_containers: Number(m[1]),
    units_per_container: Number(m[2]),
    partial_units: (m[3] ?? '').split('+').filter(Boolean).map(Number),
  });
  if (!parsed.success) throw new CliError(`--containers: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function countedArg(text: string | undefined): number {
  if (text === undefined) throw new CliError('--counted N is required (units counted)');
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) throw new CliError(`--counted must be a whole number of units (got "${text}")`);
  return Number(text);
}

/**
 * rxledger count --data DIR --user U --password-stdin --ndc NDC [--lot LOT] --counted N [--containers 2x100+37] --json
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
  const counted = countedArg(values.counted);
  const containers = values.containers ? parseContainers(values.containers) : null;
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const password = await readPassword(io, `Password for ${values.user}: `);
  return withWorkstation(values.data, io, (ws) => {
    const ndc = ndcArg(ws, values.ndc);
    const auth = ws.users.authenticate(values.user!, password);
    if (!auth.ok) throw new CliError(`${auth.code}: ${auth.message} Nothing was recorded.`, 4);
    if (!can(auth.user.role, 'ledger.append')) throw new CliError(`FORBIDDEN: a ${auth.user.role} may not record counts`, 4);
    let r;
    try {
      r = quickCount(ws, { actor: auth.user.user_id, ndc, lot: values.lot ?? null, counted, containers });
    } catch (err) {
      cliErrorOf(err);
    }
    if (values.json) printJson(io, { count_id: r.count_id, expected: r.expected, counted: r.counted, variance: r.variance, hold_id: r.hold_id });
    else {
      const what = `${ndc}${r.lot ? ` lot ${r.lot}` : ''}`;
      io.stdout.write(`Count ${r.count_id}: ${what} counted ${r.counted}, expected ${r.expected} at ${r.count_time}, variance ${r.variance > 0 ? '+' : ''}${r.variance} (tolerance ±${r.allowed}, policy v${r.tolerance_version}).\n`);
      if (r.outcome === 'hold') io.stdout.write(`Over tolerance: hold ${r.hold_id} placed; dispensing of ${what} is refused until a pharmacist signs an adjustment.\n`);
      if (r.outcome === 'under_hold') io.stdout.write(`Already on hold ${r.hold_id}.\n`);
      if (r.outcome === 'recount_required') io.stdout.write('Over tolerance: a second person must recount before it becomes a hold.\n');
    }
    return 0;
  });
};
