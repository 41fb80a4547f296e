import { posToken } from '../../main/pos/token';
import { printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { authenticateActor, readCredentials } from '../acting-user';

/**
 * rxledger pos-token --data DIR --as USER [--rotate]: prints the bearer token the pharmacy system
 * sends to the POS API (made on first use, kept in the secret store). --rotate makes a new one;
 * the old one stops working when the station restarts. The token lets a system record
 * dispensing, so it is shown only to a proven manager or administrator, and each view is
 * audited as in Settings.
 */
export const posTokenCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { as: { type: 'string' }, rotate: { type: 'boolean', default: false } });
  const creds = await readCredentials(io, values.as, { flag: '--as', doing: 'pos-token' });
  return withWorkstation(values.data, io, (ws) => {
    const who = authenticateActor(ws, creds, { permission: 'facility.manage', act: 'see or rotate the POS token', nothing: 'No token was shown.' });
    const token = posToken(ws.secrets, { rotate: values.rotate ?? false });
    ws.audit.record({ actor: who.user_id, action: values.rotate ? 'POS_TOKEN_ROTATED' : 'POS_TOKEN_VIEWED', target: 'pos-token', details: { via: 'command line' } });
    if (values.json) printJson(io, { token });
    else io.stdout.write(token + '\n');
    return 0;
  });
};
