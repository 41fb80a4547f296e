import { PackageUnitsLookup } from '../../main/catalog/package-units';
import { formatChange } from '../../shared/units/unit-names';
import type { Db } from '../../main/db/open';
import { manifestationText, Meaning, ReasonCode } from '../../shared/counts';
import { resolveHold, type SignedAdjustment } from '../../main/holds/adjustments';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';
import { refuseUntilPasswordChanged } from '../acting-user';
import { cliErrorOf, readPasswords } from './count';
import { DETAIL_FLAGS, detailsFromFlags } from '../adjustment-details-args';

export function meaningArg(text: string | undefined): Meaning {
  const r = Meaning.safeParse(text);
  if (!r.success) throw new CliError(`--meaning must be one of ${Meaning.options.join(', ')}`);
  return r.data;
}

export function reasonArg(text: string | undefined): ReasonCode {
  const r = ReasonCode.safeParse(text);
  if (!r.success) throw new CliError(`--reason must be one of ${ReasonCode.options.join(', ')}`);
  return r.data;
}

export function printSigned(io: CliIO, json: boolean, r: SignedAdjustment, db: Db): void {
  const manifestations = r.signatures.map((s, i) => manifestationText(s, i === 0 ? r.reason : null));
  if (json) return printJson(io, { ...r, manifestations });
  io.stdout.write(`Adjustment ${r.adjustment.device_id}#${r.adjustment.seq}: ${formatChange(r.adjustment.delta, new PackageUnitsLookup(db).of(r.adjustment.ndc)?.unit)} of ${r.adjustment.ndc}${r.adjustment.lot ? ` lot ${r.adjustment.lot}` : ''}\n`);
  for (const m of manifestations) io.stdout.write(`  ${m}\n`);
  if (r.hold_id) io.stdout.write(`Hold ${r.hold_id} released.\n`);
  if (r.form_106) io.stdout.write('Marked for DEA Form 106 (theft or loss).\n');
}

/**
 * rxledger sign-adjustment --data DIR --hold ID --user U --password-stdin --meaning approval --reason miscount [--lot LOT] [--cosigner U2] [--note TEXT] --json
 *   with --reason theft_or_loss: --loss-type T [--police-report N] [--loss-value 12.50] [--corrective-action TEXT] (DEA Form 106)
 * A pharmacist resolves a hold: the signed adjustment and the release, in one transaction.
 * With --cosigner, standard input holds two lines: the signer's password, then the co-signer's.
 */
export const signAdjustmentCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, {
    hold: { type: 'string' },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    meaning: { type: 'string' },
    reason: { type: 'string' },
    lot: { type: 'string' },
    cosigner: { type: 'string' },
    note: { type: 'string' },
    ...DETAIL_FLAGS,
  });
  if (!values.hold) throw new CliError('--hold ID is required (see "rxledger holds")');
  if (!values.user) throw new CliError('--user U is required: a signature needs the user ID and password (21 CFR 11.200)');
  const meaning = meaningArg(values.meaning);
  const reason = reasonArg(values.reason);
  if (!values['password-stdin'] && !io.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin');
  const [password, coPassword] = await readPasswords(io, [`Password for ${values.user}: `, ...(values.cosigner ? [`Password for ${values.cosigner}: `] : [])]);
  return withWorkstation(values.data, io, (ws) => {
    // The signing code checks the passwords; a password someone else set may not sign.
    for (const id of [values.user!, values.cosigner]) if (id) refuseUntilPasswordChanged(ws.users.get(id), 'Nothing was signed.');
    try {
      const r = resolveHold(ws, {
        holdId: values.hold!,
        lot: values.lot ?? null,
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
