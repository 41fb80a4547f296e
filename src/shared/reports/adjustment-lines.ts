import { signatureManifestationLines } from '../ledger/manifestation-lines';
import { signaturesListed } from '../ledger/signature-check';
import type { EntryBody } from '../schemas/ledger-entry';
import { unitsOfEntry } from '../units/entry-units';
import type { CsvCell } from './csv';
import type { ReportReader } from './reader';
import type { ReportSink } from './types';

export interface AdjustmentLine {
  entry: { device_id: string; seq: number; hash: string };
  body: EntryBody;
  data: Record<string, unknown>;
  schedule: string;
  units: number;
  /** Full §11.50 manifestations, signer first. */
  manifestations: string[];
  /** "Pat Pharmacist (pat), signer; Tina Technician (tina), witness". */
  signers: string;
}

/**
 * The signed manual adjustments of some kinds in the report's period, of the schedules asked
 * for, CII first (so each section is one table), then in event-time order. What Form 41 and the
 * returns record share.
 */
export function adjustmentLines(reader: ReportReader, kinds: readonly string[]): AdjustmentLine[] {
  const p = reader.period;
  const schedules = reader.scheduleMap();
  const out: AdjustmentLine[] = [];
  for (const r of reader.adjustmentsOfKinds(kinds, p.fromUtc ?? '', p.toUtc)) {
    const b = JSON.parse(r.body) as EntryBody;
    const schedule = b.schedule ?? (b.ndc ? (schedules.get(b.ndc) ?? null) : null);
    if (!schedule || !b.ndc || !reader.wants(schedule)) continue;
    const u = unitsOfEntry(b, (n) => reader.units.of(n));
    out.push({
      entry: { device_id: r.device_id, seq: r.seq, hash: r.hash },
      body: b,
      data: b.data as Record<string, unknown>,
      schedule,
      units: Math.abs(u.delta),
      manifestations: signatureManifestationLines(b),
      signers: signaturesListed(b.data)
        .map((s) => `${s.printed_name} (${s.user_id}), ${s.role === 'witness' ? 'witness' : s.role === 'cosigner' ? 'co-signer' : 'signer'}`)
        .join('; '),
    });
  }
  return out.sort((a, b) => Number(b.schedule === 'CII') - Number(a.schedule === 'CII'));
}

/**
 * Writes adjustment lines as the DEA records want them: CII and CIII–V each in its own section,
 * one row per line (its cells from `cells`), and each section's signature manifestations after
 * its table — never between two rows.
 */
export function writeSignedSections(reader: ReportReader, sink: ReportSink, lines: AdjustmentLine[], cells: (l: AdjustmentLine) => CsvCell[]): void {
  const section = reader.sectioner(sink);
  let sigs: string[] = [];
  let current: string | null = null;
  const flush = () => {
    for (const s of sigs) sink.signature(s);
    sigs = [];
  };
  for (const l of lines) {
    const sec = l.schedule === 'CII' ? 'cii' : 'ciii-v';
    if (sec !== current) {
      flush();
      current = sec;
      section(l.schedule);
    }
    reader.lines++;
    sink.row(cells(l));
    for (const m of l.manifestations) sigs.push(`${l.body.ndc}${l.body.lot ? ` lot ${l.body.lot}` : ''} (#${l.entry.seq}): ${m}`);
  }
  flush();
}

export { isObject, text } from './reader';
