import { registrantProblem } from '../../shared/reports/types';
import { authenticateActor, readCredentials } from '../acting-user';
import { registrantOf, ReportRefusedError, setRegistrant } from '../../main/reports/export';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

const USAGE = 'usage: rxledger facility show --data DIR [--json] | facility set --data DIR --as USER --name NAME --address ADDRESS --dea-number AB1234563';

/**
 * rxledger facility show | set: the DEA registrant the records are kept for (name, address,
 * DEA registration number with its check digit). An enrolled workstation also gets it from the
 * central server.
 */
export const facilityCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub !== 'set' && sub !== 'show') throw new CliError(USAGE);
  const { values } = parseCommandArgs(rest, { as: { type: 'string' }, name: { type: 'string' }, address: { type: 'string' }, 'dea-number': { type: 'string' } });
  const missing = [!values.name && '--name', !values.address && '--address', !values['dea-number'] && '--dea-number'].filter(Boolean);
  if (sub === 'set' && missing.length) throw new CliError(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required. ${USAGE}`);
  const creds = sub === 'set' ? await readCredentials(io, values.as, { flag: '--as', doing: 'facility set' }) : null;
  return withWorkstation(values.data, io, (ws) => {
    if (sub === 'show') {
      const r = registrantOf(ws);
      const problem = registrantProblem(r);
      if (values.json) printJson(io, { facility_id: ws.facilityId, ...r, problem });
      else io.stdout.write(`facility ${ws.facilityId}\nname: ${r.name ?? '(not set)'}\naddress: ${r.address ?? '(not set)'}\nDEA number: ${r.dea_number ?? '(not set)'}\n${problem ? `problem: ${problem}\n` : ''}`);
      return problem ? 1 : 0;
    }
    const who = authenticateActor(ws, creds!, { permission: 'facility.manage', act: 'set the DEA registrant', nothing: 'Nothing was changed.' });
    try {
      const r = setRegistrant(ws, { name: values.name!, address: values.address!, deaNumber: values['dea-number']! }, who.user_id);
      if (values.json) printJson(io, { facility_id: ws.facilityId, ...r });
      else io.stdout.write(`registrant of ${ws.facilityId} set: ${r.name}, ${r.address}, DEA ${r.dea_number}\n`);
      return 0;
    } catch (err) {
      if (err instanceof ReportRefusedError) throw new CliError(err.message, 2);
      throw err;
    }
  });
};
