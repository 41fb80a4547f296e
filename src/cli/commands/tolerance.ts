import { can } from '../../shared/domain/roles';
import { Schedule } from '../../shared/domain/schedule';
import { describeTolerance, parsePercent, type Tolerance, type TolerancePolicy, type ToleranceRules } from '../../shared/counts';
import { currentPolicy, policyHistory, savePolicy } from '../../main/counts/tolerance-store';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { refuseUntilPasswordChanged } from '../acting-user';
import { cliErrorOf, ndcArg } from './count';

function show(io: CliIO, p: TolerancePolicy): void {
  io.stdout.write(`Tolerance policy v${p.version}${p.created_by ? ` (by ${p.created_by}, ${p.created_at})` : ' (built-in default)'}\n`);
  for (const [k, t] of Object.entries(p.schedules)) io.stdout.write(`  ${k.padEnd(5)} ${describeTolerance(t)}\n`);
  for (const [k, t] of Object.entries(p.ndcs)) io.stdout.write(`  ${k} ${describeTolerance(t)}\n`);
  io.stdout.write(`  recount before hold: ${p.recount_before_hold ? 'on' : 'off'}; two-person rule for CII: ${p.two_person_cii ? 'on' : 'off'}\n`);
}

const onOff = (v: string | undefined, flag: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (v === 'on' || v === 'off') return v === 'on';
  throw new CliError(`${flag} is on or off`);
};

/**
 * rxledger tolerance [--history] --json: the policy in force (versioned).
 * rxledger tolerance set --user U --password-stdin [--schedule CIII | --ndc NDC] [--units N] [--percent P] [--clear]
 *   [--recount on|off] [--two-person-cii on|off]: writes a new version (manager or administrator).
 */
export const toleranceCommand: Command = async (argv, io) => {
  const sub = argv[0] === 'set' ? 'set' : null;
  const rest = sub ? argv.slice(1) : argv;
  const { values } = parseCommandArgs(rest, {
    history: { type: 'boolean', default: false },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    schedule: { type: 'string' },
    ndc: { type: 'string' },
    units: { type: 'string' },
    percent: { type: 'string' },
    clear: { type: 'boolean', default: false },
    recount: { type: 'string' },
    'two-person-cii': { type: 'string' },
  });
  if (sub !== 'set') {
    return withWorkstation(values.data, io, (ws) => {
      const out = values.history ? policyHistory(ws.db) : currentPolicy(ws.db);
      if (values.json) printJson(io, out);
      else for (const p of Array.isArray(out) ? out : [out]) show(io, p);
      return 0;
    });
  }
  if (!values.user) throw new CliError('--user U is required: policy changes are recorded with who made them');
  if (values.units !== undefined && !/^\d+$/.test(values.units)) throw new CliError('--units is a whole number of units');
  const bp = values.percent !== undefined ? parsePercent(values.percent) : undefined;
  if (bp === null) throw new CliError('--percent is a number from 0 to 100 with up to two decimals, e.g. 1.5');
  const recount = onOff(values.recount, '--recount');
  const twoPerson = onOff(values['two-person-cii'], '--two-person-cii');
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const password = await readPassword(io, `Password for ${values.user}: `);
  return withWorkstation(values.data, io, (ws) => {
    const auth = ws.users.authenticate(values.user!, password);
    if (!auth.ok) throw new CliError(`${auth.code}: ${auth.message}`, 4);
    refuseUntilPasswordChanged(auth.user, 'The policy was not changed.');
    if (!can(auth.user.role, 'facility.manage')) throw new CliError(`FORBIDDEN: a ${auth.user.role} may not change the tolerance policy`, 4);
    const cur = currentPolicy(ws.db);
    const rules: ToleranceRules = { schedules: { ...cur.schedules }, ndcs: { ...cur.ndcs }, recount_before_hold: cur.recount_before_hold, two_person_cii: cur.two_person_cii };
    const patch = (t: Tolerance): Tolerance => ({ units: values.units !== undefined ? Number(values.units) : t.units, percent_bp: bp ?? t.percent_bp });
    if (values.schedule) {
      const s = values.schedule.toUpperCase() === 'NONE' ? 'NONE' : Schedule.safeParse(values.schedule.toUpperCase()).data;
      if (!s) throw new CliError('--schedule is CII, CIII, CIV, CV or NONE');
      rules.schedules[s] = patch(rules.schedules[s]);
    }
    if (values.ndc) {
      const ndc = ndcArg(ws, values.ndc);
      if (values.clear) delete rules.ndcs[ndc];
      else rules.ndcs[ndc] = patch(rules.ndcs[ndc] ?? { units: 0, percent_bp: 0 });
    }
    if (recount !== undefined) rules.recount_before_hold = recount;
    if (twoPerson !== undefined) rules.two_person_cii = twoPerson;
    try {
      const p = savePolicy(ws, rules, auth.user.user_id);
      if (values.json) printJson(io, p);
      else show(io, p);
      return 0;
    } catch (err) {
      cliErrorOf(err);
    }
  });
};
