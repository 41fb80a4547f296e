import { ndcToGtin14, parseNdc } from '../identifiers';
import { deaNumberProblem, ManualPo, type ExpectedShipment, type ParseShipmentResult } from './types';

/**
 * A purchase order typed at the counter to an expected shipment. Every NDC must be readable
 * (a hyphenless 10-digit NDC needs the catalog: `isKnownNdc`); a DEA number, when given, must
 * pass its check digit. Lines carry no serials: the scans bring them.
 */
export function manualPoToShipment(input: unknown, opts: { isKnownNdc?: (ndc11: string) => boolean } = {}): ParseShipmentResult {
  const parsed = ManualPo.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'order'}: ${i.message}`).join('; ') };
  }
  const po = parsed.data;
  const problems: string[] = [];
  if (po.supplier.deaNumber) {
    const p = deaNumberProblem(po.supplier.deaNumber);
    if (p) problems.push(`supplier: ${p}`);
  }
  const lines = po.lines.map((l, i) => {
    const n = parseNdc(l.ndc, opts.isKnownNdc ? { isKnown: opts.isKnownNdc } : {});
    if (!n.ok) {
      problems.push(`line ${i + 1}: ${n.error}`);
      return null;
    }
    let gtin: string | null = null;
    try {
      gtin = ndcToGtin14(n);
    } catch {
      gtin = null;
    }
    return {
      lineNo: i + 1,
      ndc: n.ndc11 ?? n.ndc12,
      gtin,
      ndc10Candidates: [],
      name: l.name ?? null,
      ...(l.schedule !== undefined ? { schedule: l.schedule } : {}),
      quantity: l.quantity,
      unitsPerContainer: l.unitsPerContainer ?? null,
      lot: l.lot || null,
      expiry: l.expiry ?? null,
      serials: [],
    };
  });
  if (problems.length) return { ok: false, error: problems.join('; ') };
  const shipment: ExpectedShipment = {
    kind: 'manual',
    fileName: null,
    documentId: po.poNumber,
    supplier: { name: po.supplier.name || null, address: po.supplier.address || null, deaNumber: po.supplier.deaNumber ? po.supplier.deaNumber.toUpperCase() : null },
    poNumber: po.poNumber,
    orderForm: po.orderForm ?? null,
    shipDate: null,
    lines: lines.filter((l): l is NonNullable<typeof l> => l !== null),
    packs: [],
    warnings: [],
  };
  return { ok: true, shipment };
}

/** Which reader a file needs, from its first characters. */
export function detectShipmentKind(text: string): 'edi856' | 'epcis' | null {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (/^(ISA|GS|ST)[^A-Za-z0-9\s]/.test(t)) return 'edi856';
  if (t.startsWith('<') || t.startsWith('{')) return 'epcis';
  return null;
}
