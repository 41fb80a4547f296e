import { signatureManifestationLines } from '../ledger/manifestation-lines';
import type { EntryBody } from '../schemas/ledger-entry';
import { CONTAINER_COLUMNS, containerFigures } from './inventory-figures';
import { ENTRY_COLUMNS, entryCells, SCHEDULE_LABEL, SCHEDULE_ORDER, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/** The initial inventory (21 CFR 1304.11(b)): the INITIAL_INVENTORY entries, with the pharmacist's signatures. */
export function initialInventoryReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void): void {
  const columns: ReportColumn[] = [
    { key: 'schedule', label: 'Sched.', width: 4 },
    { key: 'ndc', label: 'NDC', width: 9 },
    { key: 'name', label: 'Name', width: 14 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 7 },
    { key: 'lot', label: 'Lot', width: 5 },
    { key: 'expiry', label: 'Expiry', width: 7 },
    ...CONTAINER_COLUMNS,
    { key: 'basis', label: 'Basis', width: 9 },
    { key: 'inventory_date', label: 'Inventory date', width: 7 },
    { key: 'taken', label: 'Taken at', width: 6 },
    { key: 'taken_by', label: 'Counted and signed by', width: 10 },
    ...ENTRY_COLUMNS,
  ];
  reader.header(sink, 'initial', columns, [['Scope', 'the opening balance of every controlled substance on hand when the registrant began recording, counted and signed by a pharmacist']]);
  const rows = [...reader.initialInventoryEntries()].map((r) => ({ r, b: JSON.parse(r.body) as EntryBody }));
  const scheduled = reader.scheduleMap();
  const withSchedule = rows.map((x) => ({ ...x, schedule: x.b.schedule ?? (x.b.ndc ? (scheduled.get(x.b.ndc) ?? null) : null) }));
  const controlled = withSchedule.filter((x) => x.schedule && reader.wants(x.schedule));
  if (rows.length === 0) notice('No initial inventory has been recorded at this facility (rxledger initial-inventory, or Inventory › Initial inventory).');
  controlled.sort((a, b) => SCHEDULE_ORDER[a.schedule!]! - SCHEDULE_ORDER[b.schedule!]! || (a.b.ndc ?? '').localeCompare(b.b.ndc ?? ''));
  let signatures = new Set<string>();
  let current: string | null = null;
  const section = reader.sectioner(sink);
  let currentSection: string | null = null;
  for (const { r, b, schedule } of controlled) {
    const sec = schedule === 'CII' ? 'cii' : 'ciii-v';
    if (sec !== currentSection) {
      // The pharmacist's signatures close the section they signed lines of.
      for (const s of signatures) sink.signature(s);
      signatures = new Set();
      currentSection = sec;
      section(schedule);
    }
    if (schedule !== current) {
      current = schedule;
      // The CII section's heading already says Schedule II; CIII–V name each schedule.
      if (schedule !== 'CII') sink.group(SCHEDULE_LABEL[schedule!]!);
    }
    const product = reader.product(b.ndc!);
    const pu = reader.units.of(b.ndc!);
    const c = b.data.containers as { full_containers: number; units_per_container: number; partial_units: number[] } | null | undefined;
    const { full, opened, openedUnits } = containerFigures(c && typeof c === 'object' ? c : null, b.quantity, pu?.units_per_container);
    const large = (pu?.units_per_container ?? 0) > 1000;
    reader.lines++;
    sink.row([
      schedule,
      b.ndc,
      product?.name ?? '(not in the drug catalog)',
      product?.strength ?? null,
      reader.dosageForm(b.ndc!),
      b.lot,
      b.expiry,
      pu?.units_per_container ?? null,
      pu?.unit ?? null,
      full,
      opened,
      openedUnits,
      b.quantity,
      schedule === 'CII' || large ? 'exact count' : 'estimated count (opened containers may be estimated)',
      typeof b.data.inventory_date === 'string' ? b.data.inventory_date : reader.local(b.event_time).slice(0, 10),
      b.data.taken === 'opening' ? 'opening of business' : b.data.taken === 'close' ? 'close of business' : null,
      reader.who(b.actor),
      ...entryCells(r),
    ]);
    for (const line of signatureManifestationLines({ data: b.data })) signatures.add(line);
  }
  const none = withSchedule.filter((x) => x.b.ndc === null);
  if (none.length && controlled.length === 0) notice('The initial inventory records that no controlled substance was on hand (21 CFR 1304.11(b)).');
  for (const s of signatures) sink.signature(s);
}
