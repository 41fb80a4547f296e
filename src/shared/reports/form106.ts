import { manifestationText, type SignatureManifestation } from '../counts';
import { LOSS_TYPE_LABELS, LOSS_TYPES } from '../counts/adjustment-details';
import type { Schedule } from '../domain/schedule';
import { signaturesListed } from '../ledger/signature-check';
import type { EntryBody, EntryRef } from '../schemas/ledger-entry';
import { BufferedTable } from './buffered-table';
import { ENTRY_COLUMNS, entryCells, isObject, type EntryRow, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/** Cents as the dollars Form 106 asks for ("42.50"): text, so a spreadsheet keeps the cents. */
export const dollars = (cents: number): string => (cents / 100).toFixed(2);

export interface Form106Line {
  entry: EntryRef;
  facility_id: string;
  ndc: string;
  lot: string | null;
  schedule: Schedule | null;
  /** Units lost (positive). */
  quantity_lost: number;
  /** When the loss was found (the count time when it came from a count), and when it was signed. */
  discovered_at: string;
  signed_at: string;
  hold_id: string | null;
  count_id: string | null;
  signatures: SignatureManifestation[];
}

/**
 * A signed theft-or-loss adjustment as Form 106 lists it. `holdCountTime` is the count time of
 * the hold it resolved (from that hold's HOLD_PLACED entry): a loss found by a count was
 * discovered when the count was taken, not when the pharmacist signed.
 */
export function form106Line(r: { device_id: string; seq: number; hash: string }, b: EntryBody, holdCountTime: (holdId: string) => string | null): Form106Line {
  const holdId = typeof b.data.hold_id === 'string' ? b.data.hold_id : null;
  return {
    entry: { device_id: r.device_id, seq: r.seq, hash: r.hash },
    facility_id: b.facility_id,
    ndc: b.ndc!,
    lot: b.lot,
    schedule: b.schedule,
    quantity_lost: Math.max(0, -b.delta),
    discovered_at: (holdId ? holdCountTime(holdId) : null) ?? b.event_time,
    signed_at: b.event_time,
    hold_id: holdId,
    count_id: typeof b.data.count_id === 'string' ? b.data.count_id : null,
    signatures: signaturesListed(b.data),
  };
}

/**
 * The DEA Form 106 draft (21 CFR 1301.76(b)): every signed theft-or-loss adjustment discovered in
 * the period — from a count's hold or entered by hand — with what the form asks: type of loss,
 * police report, value, dosage form, corrective action. The signers' manifestations follow each
 * section's table (never between two of its rows).
 */
export function form106Report(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'schedule', label: 'Sched.', width: 3 },
    { key: 'ndc', label: 'NDC', width: 7 },
    { key: 'name', label: 'Name', width: 12 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 6 },
    { key: 'lot', label: 'Lot', width: 4 },
    { key: 'quantity_lost', label: 'Units lost', width: 4, align: 'right' },
    { key: 'unit', label: 'Unit', width: 4 },
    { key: 'units_per_container', label: 'Units/ cont.', width: 3, align: 'right' },
    { key: 'loss_type', label: 'Type of loss', width: 7 },
    { key: 'police_report', label: 'Police report', width: 6 },
    { key: 'value_usd', label: 'Value (US$)', width: 4, align: 'right' },
    { key: 'corrective_action', label: 'Corrective action', width: 12 },
    { key: 'discovered_at', label: 'Loss discovered', width: 8 },
    { key: 'signed_at', label: 'Adjustment signed', width: 8 },
    { key: 'hold_id', label: 'Hold', width: 5, pdfHide: true },
    { key: 'count_id', label: 'Count', width: 5, pdfHide: true },
    // In the PDF the manifestations are the signature block after the table.
    { key: 'signatures', label: 'Signatures', width: 20, pdfHide: true },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'form106', columns, [
    ['Period', `losses discovered ${reader.periodText()}`],
    ['Status', 'DRAFT — not filed. File DEA Form 106 online (DEA Diversion Control Division) within 45 days of discovery'],
  ]);
  notice('DRAFT for DEA Form 106. Notify the DEA Field Division Office in writing within one business day of discovering a theft or significant loss (21 CFR 1301.76(b)), then file Form 106 online.');
  const from = p.fromUtc ?? '';
  const schedules = reader.scheduleMap();
  const lines = [...reader.form106Adjustments()]
    .map((r: EntryRow) => {
      const b = JSON.parse(r.body) as EntryBody;
      return { ...form106Line(r, b, (h) => reader.holdCountTime(h)), b };
    })
    .filter((l) => l.discovered_at >= from && l.discovered_at <= p.toUtc && reader.wants(l.schedule ?? schedules.get(l.ndc)))
    .sort((a, b) => Number(b.schedule === 'CII') - Number(a.schedule === 'CII'));
  const parts = { cii: new BufferedTable(), other: new BufferedTable() };
  const sigs = { cii: [] as string[], other: [] as string[] };
  let noType = 0;
  for (const l of lines) {
    const part = l.schedule === 'CII' ? 'cii' : 'other';
    const product = reader.product(l.ndc);
    const b = l.b;
    const loss = isObject(b.data.loss) ? b.data.loss : null;
    const type = loss && typeof loss.type === 'string' ? loss.type : null;
    if (!type) noType++;
    const typeText = type ? `${(LOSS_TYPES as readonly string[]).includes(type) ? LOSS_TYPE_LABELS[type as (typeof LOSS_TYPES)[number]] : type}${type === 'other' && typeof loss?.other_description === 'string' ? `: ${loss.other_description}` : ''}` : null;
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
    const text = l.signatures.map((s, i) => manifestationText(s, i === 0 ? 'theft_or_loss' : null));
    const pu = reader.units.of(l.ndc);
    reader.lines++;
    parts[part].row([
      l.schedule,
      l.ndc,
      product?.name ?? '(not in the drug catalog)',
      product?.strength ?? null,
      reader.dosageForm(l.ndc),
      l.lot,
      l.quantity_lost,
      pu?.unit ?? product?.package_unit ?? null,
      pu?.units_per_container ?? product?.package_size ?? null,
      typeText,
      str(loss?.police_report),
      typeof loss?.value_cents === 'number' ? dollars(loss.value_cents) : null,
      str(loss?.corrective_action),
      reader.local(l.discovered_at),
      reader.local(l.signed_at),
      l.hold_id,
      l.count_id,
      text.join(' | '),
      ...entryCells(l.entry),
    ]);
    for (const t of text) sigs[part].push(`${l.ndc}${l.lot ? ` lot ${l.lot}` : ''} (#${l.entry.seq}): ${t}`);
  }
  if (lines.length === 0) notice(`No signed theft-or-loss adjustment was discovered between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: there is nothing to report on Form 106 for this period.`);
  if (noType) notice(`${noType} loss(es) were signed before the type of loss was recorded: fill in the type, police report, value and corrective action on the form.`);
  const section = reader.sectioner(sink);
  for (const [part, schedule] of [['cii', 'CII'], ['other', 'CIII']] as const) {
    if (parts[part].isEmpty()) continue;
    section(schedule);
    parts[part].replay(sink);
    for (const s of sigs[part]) sink.signature(s);
  }
}
