import { isSuspect, plainReason, shortDay, containerWordOf, type ReasonFacts } from '../../shared/quarantine/plain';
import { parseNdc } from '../../shared/identifiers';
import type { Workstation } from '../workstation';
import { signingTimeZone } from '../holds/signatures';
import type { QuarantineItem } from './store';

/** What a pharmacist reads first about a quarantined item; the reason codes stay underneath. */
export interface ItemSummary {
  drug_name: string | null;
  ndc: string | null;
  lot: string | null;
  serial: string | null;
  expiry: string | null;
  source_label: string;
  /** One plain sentence per reason, the first being the headline. */
  plain_reasons: string[];
  suspect: boolean;
  investigation: 'none' | 'investigating' | 'cleared' | 'illegitimate';
}

/** "scan:receiving" → "Receiving scan"; the technical source stays in the item. */
export function sourceLabel(source: string): string {
  const [kind = '', ...rest] = source.split(':');
  const detail = rest.join(':');
  switch (kind) {
    case 'scan':
      return detail === 'receiving' ? 'Scanned at receiving' : `Scanned (${detail})`;
    case 'ndjson':
      return `Drug-record file ${detail}`;
    case 'edi':
      return `Wholesaler EDI file ${detail}`;
    case 'pos':
      return detail === 'return' ? 'Register return' : 'Register sale';
    case 'ui':
      return `Entered on the ${detail.replace(/-/g, ' ')} screen`;
    default:
      return source;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Product fields from the item's context, else from its payload when that is a JSON record. */
function productFields(ws: Workstation, item: QuarantineItem): { ndc: string | null; gtin: string | null; lot: string | null; serial: string | null; expiry: string | null; name: string | null } {
  const c = item.context;
  let rec: Record<string, unknown> = {};
  // An item kept by reference (a huge file, or a POS request whose original is encrypted PHI)
  // is not opened here: the summary never reads what phi.read guards.
  if (!str(c.ndc) && !item.raw_ref) {
    const raw = ws.quarantine.raw(item.id);
    if (raw && raw.length <= 64 * 1024) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) rec = parsed as Record<string, unknown>;
      } catch {
        // Not a JSON record (a barcode, an X12 set): the context is all there is.
      }
    }
  }
  const data = (rec.data && typeof rec.data === 'object' ? rec.data : {}) as Record<string, unknown>;
  const serials = Array.isArray(data.serials) ? data.serials.filter((s): s is string => typeof s === 'string') : [];
  const sent = str(c.ndc) ?? str(rec.ndc);
  // The 11-digit form the catalog and the serial register use; a 10-digit NDC is read with its hyphens.
  const parsed = sent ? parseNdc(sent) : null;
  return {
    ndc: parsed && parsed.ok && parsed.ndc11 ? parsed.ndc11 : sent,
    gtin: str(c.gtin) ?? str(rec.gtin),
    lot: str(c.lot) ?? str(rec.lot) ?? str(rec.lot_number),
    serial: str(c.serial) ?? str(rec.serial) ?? str(rec.serial_number) ?? (serials.length ? serials.slice(0, 3).join(', ') + (serials.length > 3 ? ` and ${serials.length - 3} more` : '') : null),
    expiry: str(c.expiry) ?? str(rec.expiry) ?? str(rec.expiration_date),
    // Only a field that names the drug: a payload's other names may be a patient's.
    name: str(rec.drug_name),
  };
}

function catalogRow(ws: Workstation, ndc: string | null): { name: string; description: string | null } | null {
  if (!ndc) return null;
  const digits = ndc.replace(/[^0-9]/g, '');
  const row = ws.db
    .prepare<[string, string], { name: string; data: string }>("SELECT name, data FROM catalog_packages WHERE ndc11 = ? OR replace(ndc11, '-', '') = ? LIMIT 1")
    .get(ndc, digits);
  if (!row) return null;
  // The package description ("30 TABLET in 1 BOTTLE") is somewhere in the imported record,
  // whichever FDA format it came from.
  const m = /"(?:description|PACKAGEDESCRIPTION)"\s*:\s*"([^"]*)"/i.exec(row.data);
  return { name: row.name, description: m?.[1] ?? null };
}

/** When a duplicate serial was first seen: received into stock, or scanned into a delivery still open. */
function firstSeen(ws: Workstation, gtin: string | null, ndc: string | null, serial: string | null): { received?: string; scanned?: string } {
  if (!serial) return {};
  const received = ws.db
    .prepare<[string, string | null, string | null], { at: string | null }>('SELECT MIN(received_at) AS at FROM dscsa_serials WHERE serial = ? AND (gtin = ? OR ndc = ?)')
    .get(serial, gtin, ndc)?.at;
  if (received) return { received };
  const scanned = ws.db
    .prepare<[string, string | null, string | null], { at: string | null }>(
      `SELECT MIN(s.received_at) AS at FROM receiving_units u JOIN receiving_scans s ON s.id = u.scan_id
        WHERE u.serial = ? AND (u.gtin = ? OR u.ndc = ?) AND u.status = 'accepted'`,
    )
    .get(serial, gtin, ndc)?.at;
  return scanned ? { scanned } : {};
}

export function investigationState(ws: Workstation, id: number): ItemSummary['investigation'] {
  const rows = ws.db.prepare<[number], { step: string }>('SELECT step FROM suspect_investigation_steps WHERE quarantine_id = ? ORDER BY id').all(id);
  if (!rows.length) return 'none';
  const outcome = rows.find((r) => r.step === 'cleared' || r.step === 'illegitimate');
  return (outcome?.step as 'cleared' | 'illegitimate' | undefined) ?? 'investigating';
}

export function summarize(ws: Workstation, item: QuarantineItem): ItemSummary {
  const p = productFields(ws, item);
  const cat = catalogRow(ws, p.ndc);
  const zone = signingTimeZone(ws);
  const now = ws.clock.now();
  const facts: ReasonFacts = { unitWord: containerWordOf(cat?.description) };
  if (item.reasons.includes('DUPLICATE_SERIAL')) {
    const seen = firstSeen(ws, p.gtin, p.ndc, p.serial);
    if (seen.received) facts.firstReceivedOn = shortDay(seen.received, zone, now);
    else if (seen.scanned) facts.firstScannedOn = shortDay(seen.scanned, zone, now);
  }
  const suspect = isSuspect(item.reasons);
  // Suspect reasons first: they decide what the pharmacist must do with the unit.
  const ordered = [...item.reasons].sort((a, b) => Number(isSuspect([b])) - Number(isSuspect([a])));
  return {
    drug_name: cat?.name ?? p.name,
    ndc: p.ndc,
    lot: p.lot,
    serial: p.serial,
    expiry: p.expiry,
    source_label: sourceLabel(item.source),
    plain_reasons: ordered.map((r) => plainReason(r, facts)),
    suspect,
    investigation: suspect ? investigationState(ws, item.id) : 'none',
  };
}
