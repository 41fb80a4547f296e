import { ACTIVITY_CODES } from './code-lists';
import type { TransactionResult } from './envelope';
import { isoDate, productProblems, quantity, readLin, sameTotal, sdqPairs, sourceOf, v, vOrNull, type LinRead } from './line-item';
import type { ProductActivityRecord, RecordProblem } from './records';
import type { Segment } from './tokenize';

/**
 * 852 Product Activity Data → one record per ZA activity of each LIN item; an SDQ after a ZA
 * splits it into one record per location (the ZA total itself is then not emitted, only
 * checked against the sum: SDQ_TOTAL_MISMATCH). A LIN with no ZA still yields a record (NO_QUANTITY) so the line
 * is not lost.
 */
export function map852(tx: TransactionResult): ProductActivityRecord[] {
  const out: ProductActivityRecord[] = [];
  const xq = tx.segments.find((s) => s.id === 'XQ');
  const header = {
    reportHandling: xq ? v(xq, 1) : '',
    periodStart: xq ? isoDate(vOrNull(xq, 2)) : null,
    periodEnd: xq ? isoDate(vOrNull(xq, 3)) : null,
    reportId: xq ? vOrNull(xq, 4) : null,
  };
  let item: { lin: LinRead; seg: Segment; pos: number; activities: number } | null = null;
  let za: { seg: Segment; pos: number; split: ProductActivityRecord[] } | null = null;

  const base = (seg: Segment, pos: number): Omit<ProductActivityRecord, 'activity' | 'quantity' | 'quantityInteger' | 'unit' | 'location' | 'problems'> => ({
    kind: 'product_activity',
    source: sourceOf(tx, seg, pos),
    ...header,
    line: item ? item.lin.line : null,
    productIds: item ? item.lin.productIds : [],
  });
  const activityOf = (seg: Segment): ProductActivityRecord['activity'] => {
    const code = v(seg, 1);
    const known = ACTIVITY_CODES[code];
    return { code, meaning: known?.meaning ?? 'unknown activity code', kind: known?.kind ?? 'planning' };
  };
  const problemsFor = (q: { quantity: string | null; unit: string | null }): RecordProblem[] => {
    const p: RecordProblem[] = [...productProblems(item ? item.lin.productIds : [])];
    if (q.quantity === null) p.push('NO_QUANTITY');
    else if (q.unit === null) p.push('NO_UNIT');
    return p;
  };
  const flushZa = (): void => {
    if (!za) return;
    if (za.split.length > 0) {
      const total = v(za.seg, 2);
      if (total !== '' && !sameTotal(za.split.map((r) => r.quantity ?? '0'), total)) for (const r of za.split) r.problems.push('SDQ_TOTAL_MISMATCH');
      za = null;
      return;
    }
    const q = quantity(v(za.seg, 2), vOrNull(za.seg, 3));
    out.push({ ...base(za.seg, za.pos), activity: activityOf(za.seg), ...q, location: null, problems: problemsFor(q) });
    za = null;
  };
  const flushItem = (): void => {
    flushZa();
    if (item && item.activities === 0) {
      const q = quantity('', null);
      out.push({ ...base(item.seg, item.pos), activity: null, ...q, location: null, problems: problemsFor(q) });
    }
    item = null;
  };

  tx.segments.forEach((seg, i) => {
    const pos = i + 1;
    switch (seg.id) {
      case 'LIN':
        flushItem();
        item = { lin: readLin(seg), seg, pos, activities: 0 };
        break;
      case 'ZA':
        flushZa();
        if (item) item.activities++;
        za = { seg, pos, split: [] };
        break;
      case 'SDQ': {
        if (!za) break;
        const current: { seg: Segment; split: ProductActivityRecord[] } = za;
        const unit = vOrNull(seg, 1) ?? vOrNull(current.seg, 3);
        // Several SDQ segments may split one ZA; the total is checked when the ZA ends.
        for (const p of sdqPairs(seg)) {
          const q = quantity(p.quantity, unit);
          const record: ProductActivityRecord = { ...base(seg, pos), activity: activityOf(current.seg), ...q, location: p.location, problems: problemsFor(q) };
          current.split.push(record);
          out.push(record);
        }
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
