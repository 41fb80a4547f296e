import { ADJUSTMENT_KIND_LABELS, type AdjustmentKind } from '../counts';
import { DESTRUCTION_KINDS } from '../counts/adjustment-details';
import type { ReportColumn, ReportSink } from './types';
import { adjustmentLines, isObject, text, writeSignedSections } from './adjustment-lines';
import { ENTRY_COLUMNS, entryCells, type ReportReader } from './reader';

/**
 * A DEA Form 41 draft (21 CFR 1304.21(e), 1317.95(d)): every controlled substance destroyed in
 * the period — what, how much, how and where — and the two employees who destroyed and
 * witnessed it, with their §11.50 manifestations after each section's table.
 */
export function form41Report(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'destroyed_at', label: 'Date destroyed', width: 8 },
    { key: 'kind', label: 'Kind', width: 6 },
    { key: 'schedule', label: 'Sched.', width: 3 },
    { key: 'ndc', label: 'NDC', width: 7 },
    { key: 'name', label: 'Name', width: 12 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 6 },
    { key: 'lot', label: 'Lot', width: 4 },
    { key: 'units', label: 'Units destroyed', width: 4, align: 'right' },
    { key: 'unit', label: 'Unit', width: 4 },
    { key: 'units_per_container', label: 'Units/ cont.', width: 3, align: 'right' },
    { key: 'method', label: 'Method of destruction', width: 10 },
    { key: 'place', label: 'Place of destruction', width: 9 },
    { key: 'signers', label: 'Destroyed and witnessed by', width: 12 },
    { key: 'signatures', label: 'Signatures', width: 20, pdfHide: true },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'form41', columns, [
    ['Period', `destructions ${reader.periodText()}`],
    ['Status', 'DRAFT — DEA Form 41 (Registrant Record of Controlled Substances Destroyed), to be kept for two years with the signatures of the two employees'],
  ]);
  const lines = adjustmentLines(reader, [...DESTRUCTION_KINDS]);
  if (lines.length === 0) notice(`No controlled substance was destroyed between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: there is nothing to record on Form 41 for this period.`);
  const single = lines.filter((l) => l.manifestations.length < 2).length;
  if (single) notice(`${single} destruction(s) carry fewer than two signatures (recorded before the two-employee rule): 21 CFR 1317.95(d) asks for two witnesses; add them on the paper form.`);
  const noMethod = lines.filter((l) => !isObject(l.data.destruction)).length;
  if (noMethod) notice(`${noMethod} destruction(s) were recorded without method and place: fill them in on the form.`);
  writeSignedSections(reader, sink, lines, (l) => {
    const ndc = l.body.ndc!;
    const product = reader.product(ndc);
    const pu = reader.units.of(ndc);
    const d = isObject(l.data.destruction) ? l.data.destruction : {};
    return [
      reader.local(l.body.event_time),
      ADJUSTMENT_KIND_LABELS[l.data.kind as AdjustmentKind] ?? text(l.data.kind),
      l.schedule,
      ndc,
      product?.name ?? '(not in the drug catalog)',
      product?.strength ?? null,
      reader.dosageForm(ndc),
      l.body.lot,
      l.units,
      pu?.unit ?? product?.package_unit ?? null,
      pu?.units_per_container ?? null,
      text(d.method),
      text(d.place),
      l.signers,
      l.manifestations.join(' | '),
      ...entryCells(l.entry),
    ];
  });
}
