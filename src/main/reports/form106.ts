import { manifestationText } from '../../shared/counts';
import type { ReportColumn, ReportSink } from '../../shared/reports/types';
import { form106Candidates } from '../adjustments';
import type { Reader } from './reader';

/** The DEA Form 106 draft: signed theft-or-loss adjustments discovered in the period. */
export function form106Report(reader: Reader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'ndc', label: 'NDC', width: 9 },
    { key: 'name', label: 'Name', width: 14 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 7 },
    { key: 'schedule', label: 'Sched.', width: 4 },
    { key: 'lot', label: 'Lot', width: 5 },
    { key: 'quantity_lost', label: 'Units lost', width: 4, align: 'right' },
    { key: 'unit', label: 'Unit', width: 5 },
    { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
    { key: 'discovered_at', label: 'Loss discovered', width: 10 },
    { key: 'signed_at', label: 'Adjustment signed', width: 10 },
    { key: 'hold_id', label: 'Hold', width: 6 },
    { key: 'count_id', label: 'Count', width: 6 },
    { key: 'signatures', label: 'Signatures', width: 22 },
    { key: 'entry', label: 'Entry', width: 8, pdfShort: 'entry' },
  ];
  reader.header(sink, 'form106', columns, [
    ['Period', `losses discovered ${reader.periodText()}`],
    ['Status', 'DRAFT — not filed. File DEA Form 106 online (DEA Diversion Control Division) within 45 days of discovery'],
  ]);
  notice('DRAFT for DEA Form 106. Notify the DEA Field Division Office in writing within one business day of discovering a theft or significant loss (21 CFR 1301.76(b)), then file Form 106 online.');
  const from = p.fromUtc ?? '';
  const lines = form106Candidates(reader.db, reader.ctx.facilityId).filter((l) => l.discovered_at >= from && l.discovered_at <= p.toUtc);
  for (const l of lines) {
    const product = reader.product(l.ndc);
    const text = l.signatures.map((s, i) => manifestationText(s, i === 0 ? 'theft_or_loss' : null));
    reader.lines++;
    sink.row([
      l.ndc,
      product?.name ?? '(not in the drug catalog)',
      product?.strength ?? null,
      product?.dosage_form ?? null,
      l.schedule,
      l.lot,
      l.quantity_lost,
      product?.package_unit ?? null,
      product?.package_size ?? null,
      reader.local(l.discovered_at),
      reader.local(l.signed_at),
      l.hold_id,
      l.count_id,
      text.join(' | '),
      `${l.entry.device_id}#${l.entry.seq}`,
    ]);
    for (const t of text) sink.signature(`${l.ndc}${l.lot ? ` lot ${l.lot}` : ''}: ${t}`);
  }
  if (lines.length === 0) notice(`No signed theft-or-loss adjustment was discovered between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: there is nothing to report on Form 106 for this period.`);
}
