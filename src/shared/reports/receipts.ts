import type { EntryBody } from '../schemas/ledger-entry';
import { unitsOfEntry } from '../units/entry-units';
import { BufferedTable } from './buffered-table';
import { ENTRY_COLUMNS, entryCells, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/** The receiving record (1304.22(c), 1305.13(e)/22(g)): controlled receipts grouped by delivery. */
export function receiptsReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'date_received', label: 'Date received', width: 7 },
    { key: 'schedule', label: 'Sched.', width: 4 },
    { key: 'ndc', label: 'NDC', width: 9 },
    { key: 'name', label: 'Name', width: 13 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Form', width: 6 },
    { key: 'lot', label: 'Lot', width: 5 },
    { key: 'expiry', label: 'Expiry', width: 7 },
    { key: 'containers', label: 'Cont.', width: 4, align: 'right' },
    { key: 'units_per_container', label: 'Units/ cont.', width: 4, align: 'right' },
    { key: 'units', label: 'Units', width: 4, align: 'right' },
    { key: 'unit', label: 'Unit', width: 5 },
    { key: 'supplier_name', label: 'Supplier', width: 9 },
    { key: 'supplier_address', label: 'Supplier address', width: 12 },
    { key: 'supplier_dea_number', label: 'Supplier DEA no.', width: 7 },
    { key: 'order_form', label: '222 / CSOS order', width: 8 },
    { key: 'order_line', label: 'Line', width: 3, align: 'right' },
    { key: 'po_number', label: 'PO', width: 5 },
    { key: 'received_by', label: 'Received by', width: 8 },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'receipts', columns, [
    ['Period', reader.periodText()],
    ['Scope', 'receipts of controlled substances (CII–CV), in the order received'],
  ]);
  const schedules = reader.scheduleMap();
  let noSupplier = 0;
  let noOrder = 0;
  // 1304.04(h): CII receipts in a table of their own, before CIII–V.
  const parts = { cii: new BufferedTable(), other: new BufferedTable() };
  const lastGroup = { cii: null as string | null, other: null as string | null };
  const total = reader.receiptCount();
  let done = 0;
  const out = sink;
  for (const r of reader.entriesOfType('RECEIPT', p.fromUtc ?? '', p.toUtc)) {
    const b = JSON.parse(r.body) as EntryBody;
    if (++done % 500 === 0) reader.progress({ phase: 'receipts', done, total });
    const schedule = b.schedule ?? (b.ndc ? (schedules.get(b.ndc) ?? null) : null);
    if (!schedule || !b.ndc || !reader.wants(schedule)) continue;
    const part = schedule === 'CII' ? 'cii' : 'other';
    sink = parts[part];
    const d = b.data as Record<string, unknown>;
    const supplier = (isObject(d.supplier) ? d.supplier : {}) as Record<string, unknown>;
    const order = isObject(d.order_form) ? (d.order_form as Record<string, unknown>) : null;
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
    const int = (v: unknown) => (typeof v === 'number' ? v : null);
    const dateReceived = str(d.date_received) ?? reader.local(b.event_time).slice(0, 10);
    const supplierName = str(supplier.name);
    const supplierAddress = str(supplier.address);
    const supplierDea = str(supplier.dea_number);
    if (!supplierName || !supplierAddress || !supplierDea) noSupplier++;
    const orderText = order && str(order.number) ? `${order.kind === 'CSOS' ? 'CSOS' : 'DEA Form 222'} ${String(order.number)}` : null;
    // The Receiving screen records the order line as line_no; NDJSON inside order_form.
    const orderLine = int(d.line_no) ?? (order ? int(order.line) : null);
    if (schedule === 'CII' && !orderText) noOrder++;
    const groupTitle = `Received ${dateReceived} from ${supplierName ?? '(supplier not recorded)'}${supplierDea ? ` (DEA ${supplierDea})` : ''}${orderText ? ` — ${orderText}` : ''}${str(d.po_number) ? ` — PO ${String(d.po_number)}` : ''}`;
    if (groupTitle !== lastGroup[part]) {
      sink.group(groupTitle);
      lastGroup[part] = groupTitle;
    }
    const product = reader.product(b.ndc);
    const u = unitsOfEntry(b, (n) => reader.units.of(n));
    const perContainer = u.units_per_container ?? int(d.units_per_container);
    // Version 0.1 recorded the containers themselves as the quantity of these receipts.
    const containers = int(d.cii_containers_received) ?? int(d.containers) ?? (u.legacy ? b.quantity : perContainer && b.quantity % perContainer === 0 ? b.quantity / perContainer : null);
    reader.lines++;
    sink.row([
      dateReceived,
      schedule,
      b.ndc,
      product?.name ?? str(d.name) ?? '(not in the drug catalog)',
      product?.strength ?? null,
      reader.dosageForm(b.ndc),
      b.lot,
      b.expiry,
      containers,
      perContainer,
      u.quantity,
      u.unit,
      supplierName,
      supplierAddress,
      supplierDea,
      orderText,
      orderLine,
      str(d.po_number),
      reader.who(b.actor),
      ...entryCells(r),
    ]);
  }
  sink = out;
  if (reader.lines === 0) notice(`No controlled substance was received between ${p.fromDate ?? 'the first entry'} and ${p.toDate}.`);
  if (noSupplier) {
    notice(
      `${noSupplier} receipt line(s) carry no supplier name, address or DEA number: they were recorded from a source that did not give them (e.g. an NDJSON or EDI import, not the Receiving screen). ` +
        'Those cells are blank: keep the supplier invoice or packing slip with this record.',
    );
  }
  if (noOrder) notice(`${noOrder} Schedule II receipt line(s) are not linked to a DEA Form 222 or CSOS order number: keep the order form copy with this record.`);
  const section = reader.sectioner(out);
  if (!parts.cii.isEmpty()) {
    section('CII');
    parts.cii.replay(out);
  }
  if (!parts.other.isEmpty()) {
    section('CIII');
    parts.other.replay(out);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
