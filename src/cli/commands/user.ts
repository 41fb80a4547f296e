import { Role } from '../../shared/domain/roles';
import { UserError } from '../../main/auth/users';
import { CliError, printJson, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/** rxledger user add --user U --name "Full Name" --role ROLE --password-stdin; rxledger user list */
export const userCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseCommandArgs(rest, {});
    return withWorkstation(values.data, io, (ws) => {
      const users = ws.users.list();
      if (values.json) printJson(io, users);
      else for (const u of users) io.stdout.write(`${u.user_id}\t${u.role}\t${u.name}${u.disabled ? '\t(disabled)' : ''}\n`);
      return 0;
    });
  }
  if (sub !== 'add') throw new CliError('usage: rxledger user add --data DIR --user U --name "Full Name" --role technician|pharmacist|manager|admin --password-stdin');
  const { values } = parseCommandArgs(rest, {
    user: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  });
  if (!values.user || !values.name || !values.role) throw new CliError('--user, --name and --role are required');
  const role = Role.safeParse(values.role);
  if (!role.success) throw new CliError(`--role must be one of ${Role.options.join(', ')}`);
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const password = await readPassword(io, `Password for ${values.user}: `);
  return withWorkstation(values.data, io, (ws) => {
    try {
      const u = ws.users.create({ userId: values.user!, name: values.name!, role: role.data, password, actor: 'cli' });
      if (values.json) printJson(io, u);
      else io.stdout.write(`User ${u.user_id} (${u.role}) added.\n`);
      return 0;
    } catch (err) {
      if (err instanceof UserError) throw new CliError(err.message);
      throw err;
    }
  });
};
