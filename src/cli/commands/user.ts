import { Role } from '../../shared/domain/roles';
import { UserError } from '../../main/auth/users';
import { CliError, printJson, type Command } from '../io';
import { authenticateActor, readCredentials } from '../acting-user';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

const USAGE = `usage: rxledger user add --data DIR --as ADMIN --user U --name "Full Name" --role technician|pharmacist|manager|admin
       rxledger user reset-password --data DIR --as ADMIN --user U
       rxledger user list --data DIR [--json]

Standard input: the administrator's password on the first line, the new user's (or the reset)
password on the second. The new password is for the first sign-in only: its owner must change
it (rxledger passwd, or the sign-in screen) before doing anything else, so that nobody acts with
a password somebody else knows. Printed names are unique (they identify the signer, §11.50).`;

/** rxledger user add | reset-password (an administrator, proven by password) | list */
export const userCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseCommandArgs(rest, {});
    return withWorkstation(values.data, io, (ws) => {
      const users = ws.users.list();
      if (values.json) printJson(io, users);
      else for (const u of users) io.stdout.write(`${u.user_id}\t${u.role}\t${u.name}${u.disabled ? '\t(disabled)' : ''}${u.must_change_password ? '\t(must change password)' : ''}\n`);
      return 0;
    });
  }
  if (sub !== 'add' && sub !== 'reset-password') throw new CliError(USAGE);
  const { values } = parseCommandArgs(rest, {
    as: { type: 'string' },
    user: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    // Accepted for the scripts of earlier versions; the passwords are always read from stdin.
    'password-stdin': { type: 'boolean', default: false },
  });
  if (!values.user) throw new CliError(`--user U is required\n${USAGE}`);
  let role: Role | null = null;
  if (sub === 'add') {
    if (!values.name || !values.role) throw new CliError(`--user, --name and --role are required\n${USAGE}`);
    const r = Role.safeParse(values.role);
    if (!r.success) throw new CliError(`--role must be one of ${Role.options.join(', ')}`);
    role = r.data;
  }
  const creds = await readCredentials(io, values.as, { flag: '--as', doing: `user ${sub}`, more: [`New password for ${values.user}: `] });
  return withWorkstation(values.data, io, (ws) => {
    const admin = authenticateActor(ws, creds, { permission: 'users.manage', act: 'manage users', nothing: 'No user was changed.' });
    try {
      const u =
        sub === 'add'
          ? ws.users.create({ userId: values.user!, name: values.name!, role: role!, password: creds.more[0]!, mustChange: true, actor: admin.user_id })
          : ws.users.resetPassword(values.user!, creds.more[0]!, admin.user_id);
      if (values.json) printJson(io, u);
      else io.stdout.write(`User ${u.user_id} (${u.role}) ${sub === 'add' ? 'added' : 'given a new password'} by ${admin.user_id}; ${u.user_id} must change the password at first sign-in.\n`);
      return 0;
    } catch (err) {
      if (err instanceof UserError) throw new CliError(`${err.code}: ${err.message}`);
      throw err;
    }
  });
};

/**
 * rxledger passwd --data DIR --user U --password-stdin: the current password on the first line
 * of standard input, the new one on the second (or both asked for on a terminal).
 */
export const passwdCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { user: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } });
  const creds = await readCredentials(io, values.user, { flag: '--user', doing: 'passwd', more: [`New password for ${values.user}: `], passwordStdin: values['password-stdin'] });
  return withWorkstation(values.data, io, (ws) => {
    try {
      const r = ws.users.changePassword(creds.userId, creds.password, creds.more[0]!);
      if (!r.ok) throw new CliError(`${r.code}: ${r.message} The password was not changed.`, 4);
      if (values.json) printJson(io, { user_id: r.user.user_id, changed: true });
      else io.stdout.write(`Password of ${r.user.user_id} changed.\n`);
      return 0;
    } catch (err) {
      if (err instanceof UserError) throw new CliError(`${err.code}: ${err.message}. The password was not changed.`);
      throw err;
    }
  });
};
