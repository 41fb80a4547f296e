import type { EdiError } from './ack-codes';
import type { Segment } from './tokenize';

/**
 * Structure of the three transaction sets we read, as far as the mappers depend on it: the
 * header segment once, quantities only after the item they belong to, an 856 hierarchy whose
 * parents exist. Broken structure would otherwise attach a quantity to the wrong product.
 */
export function checkStructure(type: string, segments: readonly Segment[]): EdiError[] {
  const out: EdiError[] = [];
  const at = (seg: Segment, pos: number, code: string, message: string, segmentId = seg.id): void => {
    out.push({ level: 'segment', code, severity: 'error', message, segmentId, segmentIndex: seg.index, byteOffset: seg.byteOffset, positionInTransaction: pos });
  };
  const first = segments[1] ?? segments[0];
  if (!first) return out;
  const header = type === '852' ? 'XQ' : type === '846' ? 'BIA' : type === '856' ? 'BSN' : null;
  if (!header) return out;
  let headerSeen = 0;
  let linSeen = false;
  let lastId = '';
  let hlSeen = false;
  const hlIds = new Set<string>();
  let linCount = 0;
  segments.forEach((seg, i) => {
    const pos = i + 1;
    const id = seg.id;
    if (id === header) {
      headerSeen++;
      if (headerSeen > 1) at(seg, pos, '5', `${header} appears more than once`);
      else if (linSeen || hlSeen) at(seg, pos, '7', `${header} after the detail area`);
    }
    if (type === '852' || type === '846') {
      if (id === 'LIN') {
        linSeen = true;
        linCount++;
      }
      const qty = type === '852' ? 'ZA' : 'QTY';
      if (id === qty && !linSeen) at(seg, pos, '7', `${qty} before any LIN: the quantity has no product`);
      if (type === '852' && id === 'SDQ' && lastId !== 'ZA' && lastId !== 'SDQ')
        at(seg, pos, '7', 'SDQ not directly after a ZA: the locations have no activity');
    }
    if (type === '856') {
      if (id === 'HL') {
        hlSeen = true;
        const own = (seg.elements[1] ?? '').trim();
        const parent = (seg.elements[2] ?? '').trim();
        if (own !== '' && hlIds.has(own)) at(seg, pos, '7', `HL id ${own} used twice`);
        if (parent !== '' && !hlIds.has(parent)) at(seg, pos, '7', `HL ${own} names parent ${parent}, which does not come before it`);
        if (own !== '') hlIds.add(own);
      }
      if ((id === 'LIN' || id === 'SN1' || id === 'MAN' || id === 'PRF') && !hlSeen) at(seg, pos, '7', `${id} before any HL`);
      if (id === 'LIN') linCount++;
    }
    lastId = id;
  });
  const last = segments[segments.length - 1]!;
  if (headerSeen === 0) at(first, 2, '3', `required ${header} segment missing`, header);
  if (type === '856' && !hlSeen) at(last, segments.length, '3', 'required HL segment missing', 'HL');
  if ((type === '852' || type === '846') && linCount === 0) at(last, segments.length, '3', 'required LIN segment missing', 'LIN');
  return out;
}
