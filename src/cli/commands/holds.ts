import { PackageUnitsLookup } from '../../main/catalog/package-units';
import { holdDetail, listHolds } from '../../main/holds';
import { formatChange, formatUnits } from '../../shared/units/unit-names';
import { signatureManifestationLines } from '../../main/holds/signatures';
import { CliError, printJson, type Command } from '../io';
import { parseCommandArgs, withWorkstation } from '../workstation-args';

/** rxledger holds --data DIR [--active] [--hold ID] --json: compliance holds, active first; with --hold, its count, movements since and history. */
export const holdsCommand: Command = async (argv, io) => {
  const { values } = parseCommandArgs(argv, { active: { type: 'boolean', default: false }, hold: { type: 'string' } });
  return withWorkstation(values.data, io, (ws) => {
    // Quantities in dosage units with their unit, as in every record (JSON keeps the bare numbers).
    const units = new PackageUnitsLookup(ws.db);
    const unitOf = (ndc: string) => units.of(ndc)?.unit;
    const maybe = (n: number | null, f: (n: number) => string) => (n === null ? '?' : f(n));
    if (values.hold) {
      const d = holdDetail(ws.db, values.hold);
      if (!d) throw new CliError(`NOT_FOUND: no hold ${values.hold}`);
      const history = d.history.map((h) => ({ ...h, manifestations: signatureManifestationLines(h) }));
      if (values.json) printJson(io, { ...d, history });
      else {
        const h = d.hold;
        const unit = unitOf(h.ndc);
        io.stdout.write(`Hold ${h.hold_id} (${h.status}) on ${h.ndc} ${h.lot ? `lot ${h.lot}` : 'all lots'}: counted ${maybe(h.counted, (n) => formatUnits(n, unit))}, expected ${maybe(h.expected, (n) => formatUnits(n, unit))}, variance ${maybe(h.variance, (n) => formatChange(n, unit))} at ${h.count_time}\n`);
        io.stdout.write(`Movements since the count: ${d.movementsSince.length === 0 ? 'none' : ''}\n`);
        for (const m of d.movementsSince) io.stdout.write(`  ${m.event_time}\t${m.type}\t${formatChange(m.delta, unit)}\t${m.actor}\n`);
        io.stdout.write('History:\n');
        for (const e of history) {
          io.stdout.write(`  ${e.recorded_at}\t${e.type}\t${formatChange(e.delta, unit)}\t${e.actor}\t#${e.seq}\n`);
          for (const line of e.manifestations) io.stdout.write(`    ${line}\n`);
        }
      }
      return 0;
    }
    const holds = listHolds(ws.db, values.active ? { status: 'active' } : {});
    if (values.json) printJson(io, holds);
    else if (holds.length === 0) io.stdout.write('No compliance holds.\n');
    else for (const h of holds) io.stdout.write(`${h.hold_id}\t${h.status}\t${h.ndc}\t${h.lot ?? '(all lots)'}\tvariance ${maybe(h.variance, (n) => formatChange(n, unitOf(h.ndc)))}\tcount ${h.count_id}\t${h.placed_at}\n`);
    return 0;
  });
};
