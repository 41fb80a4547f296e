import { entryDocument } from '../ledger/entry-document';
import { signatureManifestationLines } from '../ledger/manifestation-lines';
import type { EntryBody } from '../schemas/ledger-entry';
import { unitsOfEntry } from '../units/entry-units';
import { ENTRY_COLUMNS, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/** The Schedule II perpetual log: per CII NDC, opening balance, every entry of the period with its running balance, closing line. */
export function ciiLogReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void, only: string[] | null): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'ndc', label: 'NDC', width: 7 },
    { key: 'dosage_form', label: 'Dosage form', width: 6 },
    { key: 'event_time', label: 'When (event time)', width: 10 },
    { key: 'type', label: 'Type', width: 7 },
    { key: 'lot', label: 'Lot', width: 5 },
    { key: 'received', label: 'In', width: 4, align: 'right' },
    { key: 'issued', label: 'Out', width: 4, align: 'right' },
    { key: 'counted', label: 'Counted', width: 5, align: 'right' },
    { key: 'balance', label: 'Balance', width: 5, align: 'right' },
    { key: 'unit', label: 'Unit', width: 5 },
    { key: 'handler', label: 'Handler', width: 9 },
    { key: 'details', label: 'Details', width: 20 },
    { key: 'signatures', label: 'Signatures', width: 20 },
    { key: 'recorded_at', label: 'Recorded', width: 10 },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'cii-log', columns, [
    ['Period', reader.periodText()],
    ['Products', only ? only.join(', ') : 'every Schedule II NDC on record'],
    ['Balance', 'running balance in dosage units (the Unit column), in event-time order; a COUNT is an observation and does not change it'],
  ]);
  reader.openCounts(notice, 'the counts and balances of the products it covers');
  if (!reader.wants('CII')) {
    notice('The Schedule II log holds Schedule II products only, and Schedules III–V were asked for: it is empty. Their movements are in the dispensing, receiving, Form 41 and returns records.');
    return;
  }
  const schedules = reader.scheduleMap();
  let ndcs = [...schedules].filter(([, s]) => s === 'CII').map(([n]) => n);
  if (only) ndcs = ndcs.filter((n) => only.includes(n));
  ndcs.sort((a, b) => (reader.product(a)?.name ?? '~').localeCompare(reader.product(b)?.name ?? '~') || a.localeCompare(b));
  if (only) for (const n of only) if (!ndcs.includes(n)) notice(`${n} is not a Schedule II product on record at this facility: it is not in this log.`);
  if (ndcs.length === 0) {
    notice('This facility has no Schedule II product on record: the log is empty.');
    return;
  }
  const from = p.fromUtc ?? '';
  const totals = ndcs.map((n) => reader.ciiLogCount(n, from, p.toUtc));
  const total = totals.reduce((s, n) => s + n, 0);
  if (total === 0) notice(`No Schedule II transaction between ${p.fromDate ?? 'the first entry'} and ${p.toDate}: each product shows its opening and closing balance only.`);
  let done = 0;
  const step = Math.max(1, Math.floor(total / 100));
  reader.progress({ phase: 'entries', done: 0, total });
  sink.section('Schedule II');
  for (const ndc of ndcs) {
    const product = reader.product(ndc);
    sink.group(
      `NDC ${ndc} — ${product ? [product.name, product.strength, reader.dosageForm(ndc), product.package_size ? `${product.package_size} ${product.package_unit ?? 'units'} per container` : null].filter(Boolean).join(' — ') : '(not in the drug catalog)'}`,
    );
    const unit = reader.units.of(ndc)?.unit ?? product?.package_unit ?? null;
    const form = reader.dosageForm(ndc);
    let balance = p.fromUtc ? [...reader.lotBalances(ndc, p.fromUtc, false).values()].reduce((x, y) => x + y, 0) : 0;
    sink.row([ndc, form, p.fromUtc ? reader.local(p.fromUtc) : null, 'OPENING', null, null, null, null, balance, unit, null, p.fromUtc ? 'balance before the period' : 'from the first entry'], 'opening');
    let inP = 0;
    let outP = 0;
    for (const [device, seq, hash, recordedDelta, type, recordedAt, eventTime, lot, actor, recordedQuantity, bodyText, posTxn, patient, rx] of reader.ciiLogRows(ndc, from, p.toUtc)) {
      let delta = recordedDelta;
      let quantity = recordedQuantity;
      let b: EntryBody | null = null;
      if (bodyText !== null) {
        b = JSON.parse(bodyText) as EntryBody;
        const u = unitsOfEntry(b, (n) => reader.units.of(n));
        if (u.legacy) ({ delta, quantity } = u);
      }
      balance += delta;
      if (delta > 0) inP += delta;
      else outP -= delta;
      let details: string;
      let sigs: string | null = null;
      if (b !== null) {
        details = entryDocument(b, unit);
        if (b.data.quantity_basis === 'containers') details = `${details}${details ? '; ' : ''}recorded by version 0.1 as ${recordedQuantity} container(s), shown in units`;
        if (b.data.signatures) sigs = signatureManifestationLines(b).join(' | ');
      } else {
        details = [posTxn ? `POS ${posTxn}` : null, rx ? `Rx ${rx}` : null, patient ? `patient ${patient}` : null].filter(Boolean).join('; ');
      }
      reader.lines++;
      sink.row([
        ndc,
        form,
        reader.local(eventTime),
        type,
        lot,
        delta > 0 ? delta : null,
        delta < 0 ? -delta : null,
        type === 'COUNT' ? quantity : null,
        balance,
        unit,
        reader.whoWithClaim(actor, b?.data),
        details,
        sigs,
        reader.local(recordedAt),
        `${device}#${seq}`,
        hash,
      ]);
      if (++done % step === 0) reader.progress({ phase: 'entries', done, total });
    }
    sink.row([ndc, form, reader.local(p.toUtc), 'CLOSING', null, inP, outP, null, balance, unit, null, 'balance at the end of the period'], 'closing');
  }
  reader.progress({ phase: 'entries', done: total, total });
}
