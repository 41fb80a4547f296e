import { ADJUSTMENT_KIND_LABELS, type AdjustmentKind } from '../counts';
import { TRANSFER_KINDS } from '../counts/adjustment-details';
import type { ReportColumn, ReportSink } from './types';
import { adjustmentLines, isObject, text, writeSignedSections } from './adjustment-lines';
import { ENTRY_COLUMNS, entryCells, type ReportReader } from './reader';

/**
 * Returns to wholesalers and reverse distributors and transfers to other registrants
 * (1304.22(c), 1305, 1317.10): each labelled by its own kind, naming the party it went to with
 * its address and DEA number and, for CII, the recipient's DEA Form 222 or CSOS order and line.
 */
export function returnsReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'date', label: 'Date', width: 8 },
    { key: 'kind', label: 'Kind', width: 8 },
    { key: 'schedule', label: 'Sched.', width: 3 },
    { key: 'ndc', label: 'NDC', width: 7 },
    { key: 'name', label: 'Name', width: 11 },
    { key: 'strength', label: 'Strength', width: 7 },
    { key: 'dosage_form', label: 'Dosage form', width: 6 },
    { key: 'lot', label: 'Lot', width: 4 },
    { key: 'units', label: 'Units', width: 4, align: 'right' },
    { key: 'unit', label: 'Unit', width: 4 },
    { key: 'counterparty_name', label: 'To (name)', width: 9 },
    { key: 'counterparty_address', label: 'Address', width: 10 },
    { key: 'counterparty_dea_number', label: 'DEA no.', width: 6 },
    { key: 'order_form', label: '222 / CSOS order', width: 7 },
    { key: 'order_line', label: 'Line', width: 3, align: 'right' },
    { key: 'reference', label: 'Reference', width: 5 },
    { key: 'signers', label: 'Signed by', width: 9 },
    { key: 'signatures', label: 'Signatures', width: 20, pdfHide: true },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'returns', columns, [
    ['Period', reader.periodText()],
    ['Scope', 'returns to wholesalers and reverse distributors, transfers to other registrants, of controlled substances'],
  ]);
  const lines = adjustmentLines(reader, [...TRANSFER_KINDS]);
  if (lines.length === 0) notice(`No controlled substance was returned or transferred between ${p.fromDate ?? 'the first entry'} and ${p.toDate}.`);
  const noParty = lines.filter((l) => !isObject(l.data.counterparty)).length;
  if (noParty) notice(`${noParty} line(s) were recorded without the receiving party: keep the shipping record (invoice, 222 copy) with this record.`);
  const noOrder = lines.filter((l) => l.schedule === 'CII' && !isObject(l.data.order_form)).length;
  if (noOrder) notice(`${noOrder} Schedule II line(s) carry no DEA Form 222 or CSOS order of the recipient: keep the order form copy with this record.`);
  writeSignedSections(reader, sink, lines, (l) => {
    const ndc = l.body.ndc!;
    const product = reader.product(ndc);
    const party = isObject(l.data.counterparty) ? l.data.counterparty : {};
    const order = isObject(l.data.order_form) ? l.data.order_form : null;
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
      reader.units.of(ndc)?.unit ?? product?.package_unit ?? null,
      text(party.name),
      text(party.address),
      text(party.dea_number),
      order && text(order.number) ? `${order.kind === 'CSOS' ? 'CSOS' : 'DEA Form 222'} ${text(order.number)}` : null,
      order && typeof order.line === 'number' ? order.line : null,
      text(l.data.reference),
      l.signers,
      l.manifestations.join(' | '),
      ...entryCells(l.entry),
    ];
  });
}
