import { AdjustmentKind, DEFAULT_REASON_FOR_KIND } from '../../shared/counts';
import { manualAdjustment } from '../../main/holds/adjustments';
import { CliError, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { refuseUntilPasswordChanged } from '../acting-user';
import { cliErrorOf, ndcArg, readPasswords } from './count';
import { meaningArg, printSigned, reasonArg } from './sign-adjustment';
import { DETAIL_FLAGS, detailsFromFlags } from '../adjustment-details-args';

/**
 * rxledger adjust --data DIR --ndc NDC [--lot LOT] --quantity N --kind KIND --user U --password-stdin --meaning approval
 *   [--reason R] [--reference RA-NUMBER] [--cosigner U2] [details] --json
 * KIND: breakage, expired_destruction, destruction (--method --place, a co-signer for controlled
 * substances), wholesaler_return, reverse_distributor_return, transfer_to_registrant
 * (--counterparty-name/-address/-dea; CII also --order-form 222:N), theft_or_loss (--loss-type …).
 * Takes N units out of stock with a pharmacist's signature; refused while a hold covers the NDC.
 */
export const adjustCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    ndc: { type: 'string' },
    lot: { type: 'string' },
    quantity: { type: 'string' },
    kind: { type: 'string' },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    meaning: { type: 'string' },
    reason: { type: 'string' },
    reference: { type: 'string' },
    cosigner: { type: 'string' },
    note: { type: 'string' },
    ...DETAIL_FLAGS,
  });
  const kind = AdjustmentKind.safeParse(values.kind);
  if (!kind.success) throw new CliError(`--kind must be one of ${AdjustmentKind.options.join(', ')}`);
  if (!values.quantity || !/^\d+$/.test(values.quantity) || Number(values.quantity) <= 0) throw new CliError('--quantity N is required: whole units taken out, above 0');
  if (!values.user) throw new CliError('--user U is required: a signature needs the user ID and password (21 CFR 11.200)');
  const meaning = meaningArg(values.meaning);
  const reason = values.reason ? reasonArg(values.reason) : DEFAULT_REASON_FOR_KIND[kind.data];
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const [password, coPassword] = await readPasswords(io, [`Password for ${values.user}: `, ...(values.cosigner ? [`Password for ${values.cosigner}: `] : [])]);
  return withWorkstation(values.data, io, (ws) => {
    // The signing code checks the passwords; a password someone else set may not sign.
    for (const id of [values.user!, values.cosigner]) if (id) refuseUntilPasswordChanged(ws.users.get(id), 'Nothing was signed.');
    const ndc = ndcArg(ws, values.ndc);
    try {
      const r = manualAdjustment(ws, {
        ndc,
        lot: values.lot ?? null,
        quantity: Number(values.quantity),
        kind: kind.data,
        reference: values.reference ?? null,
        signer: { userId: values.user!, password: password! },
        cosigner: values.cosigner ? { userId: values.cosigner, password: coPassword! } : null,
        meaning,
        reason,
        note: values.note ?? null,
        details: detailsFromFlags(values),
        source: 'cli',
      });
      printSigned(io, values.json ?? false, r, ws.db);
      return 0;
    } catch (err) {
      cliErrorOf(err);
    }
  });
};
