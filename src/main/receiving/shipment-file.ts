import { RxError } from '../../shared/errors/error-codes';
import type { ShipmentPreview } from '../../shared/ipc/receiving-channels';
import { parseAsn856 } from '../../shared/receiving/asn';
import { detectShipmentKind } from '../../shared/receiving/manual';
import type { ExpectedShipment } from '../../shared/receiving/types';
import { readEpcisShipment } from '../standards/epcis';
import type { ReceivingCatalog } from './catalog';

/** A shipment file (856 or EPCIS) read into the expected shipment; refused whole with the reason. */
export async function readShipmentFile(fileName: string, text: string): Promise<ExpectedShipment> {
  const kind = detectShipmentKind(text);
  if (!kind) throw new RxError('BAD_INPUT', `${fileName || 'The file'} is neither an EDI 856 (X12) nor an EPCIS document (XML or JSON).`);
  // EPCIS is validated against GS1's JSON Schema or XSD before it is read (src/main/standards/epcis.ts).
  const parsed = kind === 'edi856' ? parseAsn856(text, fileName) : await readEpcisShipment(text, fileName);
  if (!parsed.ok) throw new RxError('BAD_INPUT', `Cannot start receiving from ${fileName}: ${parsed.error}`);
  return parsed.shipment;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * What a technician should see before a shipment file opens a session: each line with what the
 * catalog knows of it, and the lines to look at — products the catalog does not list, lots
 * already expired or expiring within the short-dated window, controlled substances (which need
 * the supplier's DEA number, and for CII the order form, before commit).
 */
export function previewShipment(shipment: ExpectedShipment, catalog: ReceivingCatalog, today: string, shortDatedDays: number): ShipmentPreview {
  const soon = addDays(today, shortDatedDays);
  const lines = shipment.lines.map((l) => {
    // A 10-digit NDC (from a UPC) is settled by the catalog, as when the session opens.
    const candidates = l.ndc10Candidates.filter((n) => catalog.isKnownNdc(n));
    const ndc = l.ndc ?? (candidates.length === 1 ? candidates[0]! : null);
    const known = ndc ? catalog.isKnownNdc(ndc) : false;
    const entry = ndc && known ? catalog.lookup(ndc) : null;
    const schedule = l.schedule !== undefined ? l.schedule : (entry?.schedule ?? null);
    const flags: ShipmentPreview['lines'][number]['flags'] = [];
    if (!known) flags.push('unknown_product');
    if (l.expiry && l.expiry < today) flags.push('expired');
    else if (l.expiry && l.expiry <= soon) flags.push('short_dated');
    if (schedule) flags.push('controlled');
    return { lineNo: l.lineNo, ndc, gtin: l.gtin, name: l.name ?? entry?.name ?? null, schedule: schedule ?? null, quantity: l.quantity, lot: l.lot, expiry: l.expiry, serials: l.serials.length, flags };
  });
  return {
    kind: shipment.kind,
    documentId: shipment.documentId,
    supplier: shipment.supplier,
    poNumber: shipment.poNumber,
    shipDate: shipment.shipDate,
    lines,
    warnings: shipment.warnings,
    shortDatedDays,
  };
}
