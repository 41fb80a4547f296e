import type { EntryBody } from '../schemas/ledger-entry';
import { unitsOfEntry } from '../units/entry-units';
import { BufferedTable } from './buffered-table';
import { ENTRY_COLUMNS, entryCells, isObject, text, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/**
 * The dispensing record (21 CFR 1304.22(c)): a Schedule II dispensing log and, apart from it
 * (1304.04(h)), a Schedules III–V dispensing record — per dispense the date, prescription
 * number, prescriber's name and DEA number, the product, the units, the patient token and who
 * dispensed it. A dispense whose source gave no prescription has those cells blank, counted in a
 * notice.
 */
export function dispensingReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'dispensed_at', label: 'Date dispensed', width: 8 },
    { key: 'prescription_number', label: 'Rx number', width: 5 },
    { key: 'prescriber_name', label: 'Prescriber', width: 8 },
    { key: 'prescriber_dea', label: 'Prescriber DEA no.', width: 6 },
    { key: 'schedule', label: 'Sched.', width: 3 },
    { key: 'ndc', label: 'NDC', width: 7 },
    { key: 'name', label: 'Name', width: 12 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 6 },
    { key: 'lot', label: 'Lot', width: 4 },
    { key: 'units', label: 'Units', width: 3, align: 'right' },
    { key: 'unit', label: 'Unit', width: 4 },
    { key: 'patient_token', label: 'Patient (token)', width: 7 },
    { key: 'dispensed_by', label: 'Dispensed by', width: 7 },
    { key: 'pos_transaction', label: 'POS transaction', width: 5 },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'dispensing', columns, [
    ['Period', reader.periodText()],
    ['Scope', 'dispenses of controlled substances, in the order dispensed; patients appear by token only (HIPAA)'],
  ]);
  const schedules = reader.scheduleMap();
  const parts = { cii: new BufferedTable(), other: new BufferedTable() };
  let noRx = 0;
  let done = 0;
  for (const r of reader.entriesOfType('DISPENSE', p.fromUtc ?? '', p.toUtc)) {
    if (++done % 1000 === 0) reader.progress({ phase: 'entries', done, total: 0 });
    const b = JSON.parse(r.body) as EntryBody;
    const schedule = b.schedule ?? (b.ndc ? (schedules.get(b.ndc) ?? null) : null);
    if (!schedule || !b.ndc || !reader.wants(schedule)) continue;
    const d = b.data as Record<string, unknown>;
    const rx = isObject(d.prescription) ? d.prescription : null;
    if (!rx || !text(rx.number)) noRx++;
    const product = reader.product(b.ndc);
    const u = unitsOfEntry(b, (n) => reader.units.of(n));
    reader.lines++;
    parts[schedule === 'CII' ? 'cii' : 'other'].row([
      reader.local(b.event_time),
      text(rx?.number),
      text(rx?.prescriber_name),
      text(rx?.prescriber_dea),
      schedule,
      b.ndc,
      product?.name ?? '(not in the drug catalog)',
      product?.strength ?? null,
      reader.dosageForm(b.ndc),
      b.lot,
      Math.abs(u.delta),
      u.unit ?? reader.units.of(b.ndc)?.unit ?? product?.package_unit ?? null,
      text(d.patient_token),
      reader.whoWithClaim(b.actor, d),
      text(d.pos_transaction_id),
      ...entryCells(r),
    ]);
  }
  if (reader.lines === 0) notice(`No controlled substance was dispensed between ${p.fromDate ?? 'the first entry'} and ${p.toDate}.`);
  if (noRx) {
    notice(
      `${noRx} dispense(s) carry no prescription number, prescriber or prescriber DEA number: their source (a POS or NDJSON record without "prescription") did not give them. ` +
        'Those cells are blank: the prescription record in the pharmacy system is the record for them.',
    );
  }
  const section = reader.sectioner(sink);
  for (const [part, schedule] of [['cii', 'CII'], ['other', 'CIII']] as const) {
    if (parts[part].isEmpty()) continue;
    section(schedule);
    parts[part].replay(sink);
  }
}
