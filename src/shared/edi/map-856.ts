import type { TransactionResult } from './envelope';
import { isoDate, productProblems, quantity, readLin, sourceOf, v, vOrNull, type LinRead } from './line-item';
import type { Party, RecordProblem, ShipNoticeItemRecord, ShipmentHeader } from './records';
import type { Segment } from './tokenize';

interface HlNode {
  id: string;
  parent: HlNode | null;
  parentId: string | null;
  level: string;
  purchaseOrder: string | null;
  purchaseOrderDate: string | null;
  sscc: string | null;
  lot: string | null;
  expiry: string | null;
  children: HlNode[];
}

interface ItemDraft {
  node: HlNode | null;
  seg: Segment;
  pos: number;
  lin: LinRead | null;
  qty: string;
  unit: string | null;
  lot: string | null;
  expiry: string | null;
  sscc: string | null;
  serials: string[];
}

const DEA_NUMBER = /^[A-Z]{2}\d{7}$/;
const EXPIRY_QUALIFIERS = new Set(['036', '208']);

/**
 * 856 Ship Notice/Manifest → one record per item line. The HL tree is followed so an item
 * gets its order's PO (PRF), its pack's and tare's SSCC (MAN*GM) and lot/expiry given at the
 * pack level; an item's own REF*LT, LIN LT, DTM*036 and MAN override them. With BSN05 0002
 * (packs below items) an item with a single pack child takes that pack's SSCC.
 */
export function map856(tx: TransactionResult): ShipNoticeItemRecord[] {
  const bsn = tx.segments.find((s) => s.id === 'BSN');
  const shipment: ShipmentHeader = {
    shipmentId: bsn ? v(bsn, 2) : '',
    purpose: bsn ? v(bsn, 1) : '',
    createdDate: bsn ? isoDate(vOrNull(bsn, 3)) : null,
    createdTime: bsn ? vOrNull(bsn, 4) : null,
    structure: bsn ? vOrNull(bsn, 5) : null,
    shipDate: null,
    supplier: null,
    parties: [],
  };
  const nodes = new Map<string, HlNode>();
  const drafts: ItemDraft[] = [];
  let node: HlNode | null = null;
  let item: ItemDraft | null = null;
  let party: Party | null = null;
  const atShipmentLevel = (): boolean => node === null || node.level === 'S';

  const newItem = (seg: Segment, pos: number, lin: LinRead | null): ItemDraft => {
    const d: ItemDraft = { node, seg, pos, lin, qty: '', unit: null, lot: lin?.lots[0] ?? null, expiry: null, sscc: null, serials: [...(lin?.serials ?? [])] };
    drafts.push(d);
    return d;
  };

  tx.segments.forEach((seg, i) => {
    const pos = i + 1;
    switch (seg.id) {
      case 'HL': {
        const id = v(seg, 1);
        const parentId = vOrNull(seg, 2);
        const n: HlNode = {
          id,
          parent: parentId ? (nodes.get(parentId) ?? null) : null,
          parentId,
          level: v(seg, 3),
          purchaseOrder: null,
          purchaseOrderDate: null,
          sscc: null,
          lot: null,
          expiry: null,
          children: [],
        };
        n.parent?.children.push(n);
        if (id !== '' && !nodes.has(id)) nodes.set(id, n);
        node = n;
        party = null;
        // An item level always yields a record, even when its LIN is missing.
        item = n.level === 'I' ? newItem(seg, pos, null) : null;
        break;
      }
      case 'LIN': {
        const lin = readLin(seg);
        if (item && item.lin === null && item.qty === '') {
          item.lin = lin;
          item.seg = seg;
          item.pos = pos;
          item.lot = item.lot ?? lin.lots[0] ?? null;
          item.serials.push(...lin.serials);
        } else item = newItem(seg, pos, lin);
        break;
      }
      case 'SN1':
        if (!item) item = newItem(seg, pos, null);
        item.qty = v(seg, 2);
        item.unit = vOrNull(seg, 3);
        break;
      case 'PRF':
        if (node) {
          node.purchaseOrder = vOrNull(seg, 1);
          node.purchaseOrderDate = isoDate(vOrNull(seg, 4));
        }
        break;
      case 'MAN':
        if (v(seg, 1) === 'GM') {
          if (item && node?.level === 'I') item.sscc = v(seg, 2);
          else if (node) node.sscc = v(seg, 2);
        }
        break;
      case 'DTM': {
        const q = v(seg, 1);
        const date = isoDate(vOrNull(seg, 2));
        if (q === '011' && atShipmentLevel()) shipment.shipDate = date;
        else if (EXPIRY_QUALIFIERS.has(q)) {
          if (item) item.expiry = date;
          else if (node) node.expiry = date;
        }
        break;
      }
      case 'REF': {
        const q = v(seg, 1);
        const value = v(seg, 2);
        if (party && q === 'DD' && DEA_NUMBER.test(value)) party.deaNumber = value;
        else if (q === 'LT') {
          if (item) item.lot = value;
          else if (node) node.lot = value;
        } else if (q === 'SE' && item && value !== '') item.serials.push(value);
        break;
      }
      case 'N1': {
        party = null;
        if (!atShipmentLevel()) break;
        const idQualifier = vOrNull(seg, 3);
        const id = vOrNull(seg, 4);
        party = { role: v(seg, 1), name: vOrNull(seg, 2), idQualifier, id, address: null, deaNumber: idQualifier === '11' ? id : null };
        shipment.parties.push(party);
        break;
      }
      case 'N3':
        if (party) {
          party.address ??= { lines: [], city: null, state: null, postalCode: null, country: null };
          party.address.lines.push(...[v(seg, 1), v(seg, 2)].filter((l) => l !== ''));
        }
        break;
      case 'N4':
        if (party) {
          party.address ??= { lines: [], city: null, state: null, postalCode: null, country: null };
          party.address.city = vOrNull(seg, 1);
          party.address.state = vOrNull(seg, 2);
          party.address.postalCode = vOrNull(seg, 3);
          party.address.country = vOrNull(seg, 4);
        }
        break;
      default:
        break;
    }
  });
  const byRole = (role: string): Party | null => shipment.parties.find((p) => p.role === role) ?? null;
  shipment.supplier = byRole('SU') ?? byRole('SF') ?? byRole('VN');

  return drafts.map((d) => {
    const up = (pick: (n: HlNode) => string | null, levels?: string[]): string | null => {
      for (let n = d.node; n; n = n.parent) {
        if (levels && !levels.includes(n.level)) continue;
        const value = pick(n);
        if (value) return value;
      }
      return null;
    };
    const packChildren = d.node ? d.node.children.filter((c) => c.level === 'P' && c.sscc) : [];
    const q = quantity(d.qty, d.unit);
    const problems: RecordProblem[] = productProblems(d.lin?.productIds ?? []);
    if (q.quantity === null) problems.push('NO_QUANTITY');
    else if (q.unit === null) problems.push('NO_UNIT');
    return {
      kind: 'ship_notice_item',
      source: sourceOf(tx, d.seg, d.pos),
      shipment,
      hl: { id: d.node?.id ?? '', parent: d.node?.parentId ?? null, level: d.node?.level ?? '' },
      purchaseOrder: up((n) => n.purchaseOrder),
      purchaseOrderDate: up((n) => n.purchaseOrderDate),
      packSscc: d.sscc ?? up((n) => n.sscc, ['P', 'Q']) ?? (packChildren.length === 1 ? packChildren[0]!.sscc : null),
      tareSscc: up((n) => n.sscc, ['T']),
      line: d.lin?.line ?? null,
      productIds: d.lin?.productIds ?? [],
      lot: d.lot ?? up((n) => n.lot),
      expiry: d.expiry ?? up((n) => n.expiry),
      serials: d.serials,
      ...q,
      problems,
    };
  });
}
