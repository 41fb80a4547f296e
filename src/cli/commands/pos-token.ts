import { posToken } from '../../main/pos/token';
import { printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/**
 * rxledger pos-token --data DIR [--rotate]: prints the bearer token the pharmacy system sends
 * to the POS API (made on first use, kept in the secret store). --rotate makes a new one; the
 * old one stops working when the station restarts.
 */
export const posTokenCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { rotate: { type: 'boolean', default: false } });
  return withWorkstation(values.data, io, (ws) => {
    const token = posToken(ws.secrets, { rotate: values.rotate ?? false });
    if (values.rotate) ws.audit.record({ actor: 'cli', action: 'POS_TOKEN_ROTATED', target: 'pos-token', details: {} });
    if (values.json) printJson(io, { token });
    else io.stdout.write(token + '\n');
    return 0;
  });
};
