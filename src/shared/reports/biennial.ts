import { entryDocument } from '../ledger/entry-document';
import { formatUnits, unitKey, unitNoun } from '../units';
import { BufferedTable } from './buffered-table';
import { inventoryAt, type InventoryLine } from './inventory-at';
import { CONTAINER_COLUMNS, containerFigures } from './inventory-figures';
import { localDayStart, localTimeText, type ResolvedPeriod } from './period';
import { ENTRY_COLUMNS, entryCells, ReportInputError, SCHEDULE_LABEL, SCHEDULE_ORDER, type ReportContext, type ReportReader } from './reader';
import type { ReportColumn, ReportSink } from './types';

/**
 * The instant an inventory is "taken at" (1304.11(a)): the opening of business is the start of
 * the local day (before any entry of that day), the close its end (after every entry of it);
 * a close of today is now. Refused for a day in the future, or an instant before the ledger's
 * first entry (`first`: the facility's earliest event time, null for an empty ledger — there
 * was nothing on record to inventory).
 */
export function inventoryInstant(first: string | null, ctx: Pick<ReportContext, 'timeZone'>, period: ResolvedPeriod, taken: 'opening' | 'close', now: Date): string {
  const today = localTimeText(now.toISOString(), ctx.timeZone).slice(0, 10);
  if (period.toDate > today) {
    throw new ReportInputError(`--to ${period.toDate} is in the future (today is ${today} in ${ctx.timeZone}): an inventory is of stock on hand at a time that has come; give today or an earlier date`);
  }
  const start = localDayStart(period.toDate, ctx.timeZone).toISOString();
  const at = taken === 'opening' ? start : period.toUtc < now.toISOString() ? period.toUtc : now.toISOString();
  if (first === null) throw new ReportInputError('the ledger holds no entry yet: there is nothing to inventory. Record the initial inventory first (rxledger initial-inventory)');
  if (at < first) {
    const firstDay = localTimeText(first, ctx.timeZone);
    throw new ReportInputError(
      `the ${taken === 'opening' ? 'opening' : 'close'} of business on ${period.toDate} is before the first entry of this ledger (${firstDay}): nothing was on record then. Give --to ${firstDay.slice(0, 10)} or later${taken === 'opening' ? ' (or --taken close)' : ''}`,
    );
  }
  return at;
}

/**
 * Where the biennial looks for counts: from the period's first day when `--from` was given and is
 * not after the inventory time; otherwise every count up to it (null).
 */
export function countsWindow(p: ResolvedPeriod, at: string): string | null {
  return p.fromUtc && p.fromUtc <= at ? p.fromUtc : null;
}

/** The biennial inventory (21 CFR 1304.11): every controlled NDC and lot as of the inventory time `at`. */
export function biennialReport(reader: ReportReader, sink: ReportSink, notice: (t: string) => void, taken: 'opening' | 'close', at: string): void {
  const p = reader.period;
  const columns: ReportColumn[] = [
    { key: 'schedule', label: 'Sched.', width: 4 },
    { key: 'ndc', label: 'NDC', width: 9 },
    { key: 'name', label: 'Name', width: 15 },
    { key: 'strength', label: 'Strength', width: 8 },
    { key: 'dosage_form', label: 'Dosage form', width: 7 },
    { key: 'lot', label: 'Lot', width: 5 },
    { key: 'expiry', label: 'Expiry', width: 7 },
    { key: 'status', label: 'Status', width: 7 },
    ...CONTAINER_COLUMNS,
    { key: 'book_units', label: 'Book units', width: 5, align: 'right' },
    { key: 'basis', label: 'Basis', width: 12 },
    { key: 'taken_by', label: 'Counted by', width: 8 },
    { key: 'counted_at', label: 'Counted at', width: 9 },
    { key: 'count_id', label: 'Count', width: 6 },
    ...ENTRY_COLUMNS,
  ];
  const window = countsWindow(p, at);
  reader.header(sink, 'biennial', columns, [
    ['Inventory date', p.toDate],
    ['Taken at', taken === 'opening' ? 'opening of business' : 'close of business'],
    ['Inventory time', `${reader.local(at)} (${taken === 'opening' ? 'start of the day: before any of its entries' : 'end of the day: after all of its entries'})`],
    [
      'Figures',
      `each lot's last count ${window ? `from ${reader.local(window)} ` : ''}up to the inventory time, rolled forward by every movement between the count and the inventory time (listed under the line); entries after it are excluded. Book units: the ledger's balance at the inventory time`,
    ],
  ], { period: `inventory of ${p.toDate}, ${taken === 'opening' ? 'opening' : 'close'} of business` });
  reader.openCounts(notice, 'the figures of the products it covers');

  const scheduled = reader.scheduleMap();
  const candidates = [...scheduled].filter(([ndc, s]) => reader.wants(s) && reader.hasEntriesBy(ndc, at)).map(([ndc]) => ndc);
  reader.progress({ phase: 'balances', done: 0, total: candidates.length });
  const inventory = inventoryAt(reader, candidates, at, window, (n) => reader.units.of(n));
  reader.progress({ phase: 'balances', done: candidates.length, total: candidates.length });
  const expiries = reader.expiriesAt(at);
  const held = reader.activeHoldsAt(at);
  const byNdc = new Map<string, InventoryLine[]>();
  for (const l of inventory) byNdc.set(l.ndc, [...(byNdc.get(l.ndc) ?? []), l]);
  const ndcs = [...byNdc.keys()]
    .map((ndc) => ({ ndc, schedule: scheduled.get(ndc)!, product: reader.product(ndc) }))
    .sort((a, b) => SCHEDULE_ORDER[a.schedule]! - SCHEDULE_ORDER[b.schedule]! || (a.product?.name ?? '~').localeCompare(b.product?.name ?? '~') || a.ndc.localeCompare(b.ndc));

  if (ndcs.length === 0) notice(`No controlled substance was on record at this facility by ${reader.local(at)}: the inventory is zero for every schedule.`);
  // Rows wait until every notice is known, so the notices print above the table.
  const table = new BufferedTable();
  const out = sink;
  sink = table;
  // Who took the inventory, per section: a CII counter signs the CII pages (1304.04(h)).
  let counters = new Map<string, { counts: Set<string>; first: string; last: string }>();
  let anyCounter = false;
  const section = reader.sectioner(sink);
  let currentSection: string | null = null;
  const signCounters = () => {
    for (const [actor, c] of counters) {
      sink.signature(`Inventory taken by ${reader.who(actor)} — counts ${[...c.counts].join(', ') || '(quick counts)'} between ${reader.local(c.first)} and ${reader.local(c.last)} — signature: ______________________________`);
    }
    counters = new Map();
  };
  const uncountedCii: string[] = [];
  const uncountedExact: string[] = [];
  let uncountedOther = 0;
  let rolled = 0;
  let currentSchedule: string | null = null;
  // A schedule's total is given per unit (tablets apart from mL): a sum of tablets and millilitres is no quantity.
  let scheduleTotals = new Map<string, number>();
  const closeSchedule = () => {
    if (!currentSchedule) return;
    const several = scheduleTotals.size > 1;
    for (const [unit, total] of scheduleTotals) {
      const label = `Total ${SCHEDULE_LABEL[currentSchedule]}${several ? ` (${unitNoun(unit, 2)})` : ''}`;
      sink.row([currentSchedule, null, label, null, null, null, null, null, null, unit, null, null, null, total], 'total');
    }
  };
  let done = 0;
  for (const { ndc, schedule, product } of ndcs) {
    if (schedule !== currentSchedule) {
      closeSchedule();
      const sec = schedule === 'CII' ? 'cii' : 'ciii-v';
      if (sec !== currentSection) {
        signCounters();
        currentSection = sec;
        section(schedule);
      }
      currentSchedule = schedule;
      scheduleTotals = new Map();
      // The CII section's heading already says Schedule II; CIII–V name each schedule.
      if (schedule !== 'CII') sink.group(SCHEDULE_LABEL[schedule]!);
    }
    const pu = reader.units.of(ndc);
    const unit = pu?.unit ?? product?.package_unit ?? null;
    for (const line of byNdc.get(ndc)!) {
      const total = line.figure;
      const perContainer = pu?.units_per_container ?? line.count?.containers?.units_per_container ?? null;
      // The count's own breakdown holds while nothing moved since it.
      const { full, opened, openedUnits } = containerFigures(line.movements.length === 0 ? line.count?.containers : null, Math.max(0, total), perContainer);
      const large = (perContainer ?? 0) > 1000;
      let basis: string;
      if (line.count) {
        const how = line.count.type === 'INITIAL_INVENTORY' ? 'initial inventory count' : schedule === 'CII' ? 'exact count' : large ? 'exact count (containers of more than 1,000 units)' : 'estimated count (opened containers may be estimated)';
        basis = line.movements.length ? `${how} at ${reader.local(line.count.at)}, rolled forward by ${line.movements.length} movement(s)` : how;
        if (line.movements.length) rolled++;
      } else if (total === 0) {
        basis = 'none on hand (perpetual record; not counted)';
      } else if (schedule === 'CII') {
        basis = 'NOT COUNTED — book balance';
        uncountedCii.push(`${ndc}${line.lot ? ` lot ${line.lot}` : ''}`);
      } else if (large) {
        basis = 'NOT COUNTED — book balance (exact count required: containers of more than 1,000 units)';
        uncountedExact.push(`${ndc}${line.lot ? ` lot ${line.lot}` : ''}`);
      } else {
        basis = 'estimated from the perpetual record (not counted)';
        uncountedOther++;
      }
      const expiry = line.lot ? (expiries.get(`${ndc}|${line.lot}`) ?? null) : null;
      const status = [expiry && expiry < reader.period.toDate ? 'expired — awaiting destruction' : null, held.has(`${ndc}|${line.lot}`) || held.has(`${ndc}|`) ? 'on compliance hold' : null]
        .filter(Boolean)
        .join('; ');
      if (line.count) {
        const c = counters.get(line.count.actor) ?? { counts: new Set<string>(), first: line.count.at, last: line.count.at };
        if (line.count.count_id) c.counts.add(line.count.count_id);
        if (line.count.type === 'INITIAL_INVENTORY') c.counts.add('initial inventory');
        if (line.count.at < c.first) c.first = line.count.at;
        if (line.count.at > c.last) c.last = line.count.at;
        counters.set(line.count.actor, c);
        anyCounter = true;
      }
      const unitOfLine = unitKey(unit ?? 'unit');
      scheduleTotals.set(unitOfLine, (scheduleTotals.get(unitOfLine) ?? 0) + total);
      reader.lines++;
      sink.row([
        schedule,
        ndc,
        product?.name ?? '(not in the drug catalog)',
        product?.strength ?? null,
        reader.dosageForm(ndc),
        line.wholeNdc ? 'all lots' : line.lot === '' ? null : line.lot,
        expiry,
        status || null,
        perContainer,
        unit,
        full,
        opened,
        openedUnits,
        total,
        line.book,
        basis,
        line.count ? reader.who(line.count.actor) : null,
        line.count ? reader.local(line.count.at) : null,
        line.count ? (line.count.count_id ?? (line.count.type === 'INITIAL_INVENTORY' ? 'initial' : line.count.ref)) : null,
      ]);
      for (const m of line.movements) {
        const doc = entryDocument(m.body, unit);
        sink.row(
          [
            schedule,
            ndc,
            `after the count: ${m.type.toLowerCase().replace(/_/g, ' ')}`,
            null,
            reader.dosageForm(ndc),
            m.body.lot,
            null,
            null,
            null,
            unit,
            null,
            null,
            null,
            m.delta,
            null,
            `${m.delta > 0 ? 'in' : 'out'} ${formatUnits(Math.abs(m.delta), unit)}${doc ? ` — ${doc}` : ''}`,
            reader.who(m.actor),
            reader.local(m.event_time),
            null,
            ...entryCells(m),
          ],
          'movement',
        );
      }
    }
    reader.progress({ phase: 'products', done: ++done, total: ndcs.length });
  }
  closeSchedule();
  signCounters();
  sink = out;
  if (uncountedCii.length) {
    notice(
      `INCOMPLETE: ${uncountedCii.length} Schedule II line(s) have stock on the books but no count in the period (${uncountedCii.slice(0, 10).join(', ')}${uncountedCii.length > 10 ? ', …' : ''}). ` +
        '21 CFR 1304.11(e)(3)(i) requires an exact count of every CII product: count them (Counts › All CII) and export again.',
    );
  }
  if (uncountedExact.length) {
    notice(`${uncountedExact.length} CIII–V line(s) in containers of more than 1,000 units were not counted (${uncountedExact.slice(0, 10).join(', ')}): 1304.11(e)(3)(ii) requires an exact count of them.`);
  }
  if (uncountedOther) notice(`${uncountedOther} CIII–V line(s) were not counted: their figure is the perpetual record's balance, given as the estimate.`);
  if (rolled) notice(`${rolled} line(s) were counted before the inventory time: their figure is the count plus the movements recorded between the count and ${reader.local(at)}, listed under each line.`);
  table.replay(sink);
  if (!anyCounter) {
    sink.signature('Inventory taken by: no count was recorded in the period — the figures are the perpetual record only.');
  }
}
