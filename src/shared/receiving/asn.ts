import { map856, parseX12, type Party, type ShipNoticeItemRecord } from '../edi';
import { ndcFromGtin, ndcToGtin14, parseGtin, parseNdc } from '../identifiers';
import { ssccKey, unitKey, type ExpectedLine, type ExpectedPack, type ParseShipmentResult } from './types';

const NDC_QUALIFIERS = new Set(['ND', 'N1', 'N2', 'N3', 'N4', 'NDC']);
const GTIN_QUALIFIERS = new Set(['UK', 'UP', 'UA', 'UI', 'UN', 'EN', 'EO']);

function addressText(p: Party | null): string | null {
  const a = p?.address;
  if (!a) return null;
  const cityLine = [a.city, [a.state, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [...a.lines, cityLine, a.country].filter(Boolean).join(', ') || null;
}

/**
 * An EDI 856 Advance Ship Notice (through src/shared/edi) to an expected shipment: one
 * expected line per item (LIN) with its NDC or GTIN, lot, expiry, serials and quantity; the
 * supplier from N1*SU/SF/VN with its N3/N4 address and DEA number; the PO from PRF; each pack
 * and tare SSCC (MAN*GM) becomes a pack holding its items. A file the envelope checks reject
 * is refused whole, with the first errors named.
 */
export function parseAsn856(textIn: string, fileName: string | null = null): ParseShipmentResult {
  let parsed;
  try {
    parsed = parseX12(textIn);
  } catch (err) {
    return { ok: false, error: `the file is not readable X12: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!parsed.report.readable) {
    // Say why: no X12 start at all, or an ISA whose delimiters cannot be used (TA1 004, 026, 027).
    const why = (parsed.report.errors.find((e) => e.severity === 'error')?.message ?? '').replace(/^not X12: /, '');
    return { ok: false, error: `the file is not readable X12: ${why || 'it does not start with an ISA, GS or ST segment'}` };
  }
  const asns = parsed.transactions.filter((t) => t.type === '856');
  if (!asns.length) return { ok: false, error: `the file holds no 856 ship notice (found: ${[...new Set(parsed.transactions.map((t) => t.type))].join(', ') || 'nothing'})` };
  const bad = asns.filter((t) => !t.valid);
  if (bad.length) {
    const errs = parsed.report.errors
      .filter((e) => e.severity === 'error')
      .slice(0, 3)
      .map((e) => e.message);
    return { ok: false, error: `the 856 failed the X12 checks (${bad.length} of ${asns.length} ship notices): ${errs.join('; ') || 'rejected by its envelope'}` };
  }
  const records: ShipNoticeItemRecord[] = asns.flatMap((t) => map856(t));
  if (!records.length) return { ok: false, error: 'the 856 lists no items' };

  const warnings: string[] = [];
  const lines: ExpectedLine[] = [];
  const packMap = new Map<string, ExpectedPack>();
  for (const r of records) {
    const lineNo = lines.length + 1;
    let ndc: string | null = null;
    let gtin: string | null = null;
    let candidates: string[] = [];
    for (const id of r.productIds) {
      const q = id.qualifier.toUpperCase();
      if (!ndc && NDC_QUALIFIERS.has(q)) {
        const n = parseNdc(id.value);
        if (n.ok) ndc = n.ndc11 ?? n.ndc12;
        else if (n.issue.code === 'ndc-ambiguous') candidates = n.issue.candidates ?? [];
        else warnings.push(`line ${r.line ?? lineNo}: NDC "${id.value}" is not readable: ${n.error}`);
      } else if (!gtin && GTIN_QUALIFIERS.has(q)) {
        const g = parseGtin(id.value);
        if (g.ok) gtin = g.gtin14;
        else warnings.push(`line ${r.line ?? lineNo}: ${q} "${id.value}" is not a valid GTIN: ${g.error}`);
      }
    }
    if (!ndc && gtin && !candidates.length) {
      const f = ndcFromGtin(gtin);
      if (f.ok) candidates = f.candidates;
    }
    if (ndc && !gtin) {
      try {
        gtin = ndcToGtin14(ndc);
      } catch {
        // The NDC has more than one 10-digit layout: the GTIN on the pack will tell.
      }
    }
    if (r.problems.length) warnings.push(`line ${r.line ?? lineNo}: ${r.problems.join(', ')}`);
    if (r.unit && r.unit !== 'EA' && r.unit !== 'UN') warnings.push(`line ${r.line ?? lineNo}: quantity in ${r.unit}, counted here as containers`);
    const quantity = r.quantityInteger ?? 0;
    lines.push({ lineNo, ndc, gtin, ndc10Candidates: candidates, name: null, quantity, unitsPerContainer: null, lot: r.lot, expiry: r.expiry, serials: [...r.serials] });
    for (const sscc of [r.packSscc, r.tareSscc]) {
      if (!sscc || !/^\d{18}$/.test(sscc)) continue;
      const key = ssccKey(sscc);
      const pack = packMap.get(key) ?? { key, children: [], items: [] };
      packMap.set(key, pack);
      if (sscc === r.tareSscc && r.packSscc && r.packSscc !== r.tareSscc) {
        const child = ssccKey(r.packSscc);
        if (!pack.children.includes(child)) pack.children.push(child);
        continue;
      }
      if (r.serials.length && gtin) for (const s of r.serials) pack.children.push(unitKey(gtin, s));
      else pack.items.push({ lineNo, quantity });
    }
  }
  const first = records[0]!;
  const supplier = first.shipment.supplier;
  const pos = [...new Set(records.map((r) => r.purchaseOrder).filter((p): p is string => !!p))];
  if (pos.length > 1) warnings.push(`the ship notice covers ${pos.length} purchase orders: ${pos.join(', ')}`);
  return {
    ok: true,
    shipment: {
      kind: 'edi856',
      fileName,
      documentId: first.shipment.shipmentId || null,
      supplier: { name: supplier?.name ?? null, address: addressText(supplier), deaNumber: supplier?.deaNumber ?? null },
      poNumber: pos.join(', ') || null,
      orderForm: null,
      shipDate: first.shipment.shipDate ?? first.shipment.createdDate,
      lines,
      packs: [...packMap.values()],
      warnings,
    },
  };
}
