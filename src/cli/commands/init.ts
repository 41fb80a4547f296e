import { resolveDataDir } from '../../main/data-dir';
import { Workstation } from '../../main/workstation';
import { CliError, printJson, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs } from '../workstation-args';

/** rxledger init --data DIR --facility ID: data folder, database, device key and the first administrator. */
export const initCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { facility: { type: 'string' } });
  if (!values.facility) throw new CliError('--facility ID is required (six capital letters or digits, e.g. MAIN01)');
  const dir = resolveDataDir(values.data, io.env);
  if (Workstation.isInitialized(dir)) throw new CliError(`${dir} already holds an RxLedger workstation; nothing was changed`);
  const password = await readPassword(io, 'Password for the administrator "admin": ');
  const { passwordProblem } = await import('../../main/auth/passwords');
  const weak = passwordProblem(password);
  if (weak) throw new CliError(weak);
  const ws = Workstation.init(dir, values.facility);
  try {
    ws.createFirstAdmin(password);
    const out = { data: dir, facility_id: ws.facilityId, device_id: ws.deviceId, public_key: ws.deviceKey.publicKeyB64, admin: 'admin', key_store: ws.secrets.kind };
    if (values.json) printJson(io, out);
    else io.stdout.write(`Workstation created in ${dir}\n  facility ${out.facility_id}, device ${out.device_id}\n  administrator: admin\n`);
    return 0;
  } finally {
    ws.close();
  }
};
