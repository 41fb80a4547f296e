import type { TransactionResult } from './envelope';
import { isoDate, productProblems, quantity, readLin, sameTotal, sdqPairs, sourceOf, v, vOrNull, type LinRead } from './line-item';
import type { InventoryAdviceRecord, RecordProblem } from './records';
import type { Segment } from './tokenize';

/**
 * 846 Inventory Inquiry/Advice → one record per QTY of each LIN item; an SDQ after a QTY splits
 * it by location, as in the 852. A LIN without QTY yields a NO_QUANTITY record.
 */
export function map846(tx: TransactionResult, component: string | null): InventoryAdviceRecord[] {
  const out: InventoryAdviceRecord[] = [];
  const bia = tx.segments.find((s) => s.id === 'BIA');
  const header = {
    reportType: bia ? v(bia, 2) : '',
    reportId: bia ? v(bia, 3) : '',
    reportDate: bia ? isoDate(vOrNull(bia, 4)) : null,
  };
  let item: { lin: LinRead; seg: Segment; pos: number; quantities: number } | null = null;
  let qty: { seg: Segment; pos: number; unit: string | null; split: InventoryAdviceRecord[] } | null = null;

  const problemsFor = (q: { quantity: string | null; unit: string | null }): RecordProblem[] => {
    const p: RecordProblem[] = [...productProblems(item ? item.lin.productIds : [])];
    if (q.quantity === null) p.push('NO_QUANTITY');
    else if (q.unit === null) p.push('NO_UNIT');
    return p;
  };
  const base = (seg: Segment, pos: number) => ({
    kind: 'inventory_advice' as const,
    source: sourceOf(tx, seg, pos),
    ...header,
    line: item ? item.lin.line : null,
    productIds: item ? item.lin.productIds : [],
  });
  const flushQty = (): void => {
    if (!qty) return;
    if (qty.split.length > 0) {
      const total = v(qty.seg, 2);
      if (total !== '' && !sameTotal(qty.split.map((r) => r.quantity ?? '0'), total)) for (const r of qty.split) r.problems.push('SDQ_TOTAL_MISMATCH');
    } else {
      const q = quantity(v(qty.seg, 2), qty.unit);
      out.push({ ...base(qty.seg, qty.pos), quantityQualifier: vOrNull(qty.seg, 1), ...q, location: null, problems: problemsFor(q) });
    }
    qty = null;
  };
  const flushItem = (): void => {
    flushQty();
    if (item && item.quantities === 0) {
      const q = quantity('', null);
      out.push({ ...base(item.seg, item.pos), quantityQualifier: null, ...q, location: null, problems: problemsFor(q) });
    }
    item = null;
  };

  tx.segments.forEach((seg, i) => {
    const pos = i + 1;
    switch (seg.id) {
      case 'LIN':
        flushItem();
        item = { lin: readLin(seg), seg, pos, quantities: 0 };
        break;
      case 'QTY': {
        flushQty();
        if (item) item.quantities++;
        // QTY03 is composite C001; its first component is the unit.
        const c001 = v(seg, 3);
        const unit = (component ? c001.split(component)[0] : c001) || null;
        qty = { seg, pos, unit, split: [] };
        break;
      }
      case 'SDQ': {
        const current = qty;
        const unit = vOrNull(seg, 1) ?? current?.unit ?? null;
        for (const p of sdqPairs(seg)) {
          const q = quantity(p.quantity, unit);
          const record: InventoryAdviceRecord = { ...base(seg, pos), quantityQualifier: current ? vOrNull(current.seg, 1) : null, ...q, location: p.location, problems: problemsFor(q) };
          current?.split.push(record);
          out.push(record);
        }
        if (!current && item) item.quantities++;
        break;
      }
      case 'CTT':
      case 'SE':
        flushItem();
        break;
      default:
        break;
    }
  });
  flushItem();
  return out;
}
