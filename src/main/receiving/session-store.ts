import { createHash, randomUUID } from 'node:crypto';
import type { Schedule } from '../../shared/domain/schedule';
import { RxError } from '../../shared/errors/error-codes';
import type { ExpectedShipment, OrderForm, Supplier } from '../../shared/receiving/types';
import { PackageSizeError, PackageUnitsLookup } from '../catalog/package-units';
import { reprojectLegacyNdcs } from '../ledger/stock';
import type { Workstation } from '../workstation';
import type { ReceivingCatalog } from './catalog';

export interface SessionRow {
  id: string;
  shipment_id: number;
  status: 'open' | 'committed' | 'cancelled';
  supplier_name: string | null;
  supplier_address: string | null;
  supplier_dea: string | null;
  po_number: string | null;
  order_form_kind: '222' | 'CSOS' | null;
  order_form_number: string | null;
  ship_date: string | null;
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
  commit_summary: string | null;
}

export interface LineRow {
  id: number;
  session_id: string;
  line_no: number;
  origin: 'expected' | 'unexpected';
  ndc: string | null;
  gtin: string | null;
  name: string | null;
  schedule: Schedule | null;
  schedule_known: number;
  expected: number;
  units_per_container: number | null;
  unit: string | null;
  /** "catalog", "entered by USER", or null while unknown. */
  units_source: string | null;
  lot: string | null;
  expiry: string | null;
  serials: string;
}

export interface UnitRow {
  id: number;
  session_id: string;
  line_id: number | null;
  scan_id: number;
  status: 'accepted' | 'suspect' | 'rejected';
  verdict: string;
  gtin: string | null;
  ndc: string | null;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  containers: number;
  flags: string;
}

/**
 * Receiving sessions as stored: the session, its expected lines (with their units per
 * container), and the units received against them. Starting, changing the header, entering a
 * line's package size and cancelling; the service (service.ts) decides which session is active.
 */
export class ReceivingSessions {
  constructor(
    private readonly ws: Workstation,
    readonly catalog: ReceivingCatalog,
  ) {}

  sessionRow(id: string): SessionRow | undefined {
    return this.ws.db.prepare<[string], SessionRow>('SELECT * FROM receiving_sessions WHERE id = ?').get(id);
  }

  mustSession(id: string): SessionRow {
    const s = this.sessionRow(id);
    if (!s) throw new RxError('NOT_FOUND', `No receiving session ${id}.`);
    return s;
  }

  lines(sessionId: string): LineRow[] {
    return this.ws.db.prepare<[string], LineRow>('SELECT * FROM receiving_lines WHERE session_id = ? ORDER BY line_no').all(sessionId);
  }

  units(sessionId: string): UnitRow[] {
    return this.ws.db.prepare<[string], UnitRow>('SELECT * FROM receiving_units WHERE session_id = ? ORDER BY id').all(sessionId);
  }

  /** Opens a session from an expected shipment (the service makes it the active one). */
  start(shipment: ExpectedShipment, raw: Buffer, actor: string): string {
    if (!shipment.lines.length) throw new RxError('BAD_INPUT', 'The shipment lists no lines to receive.');
    const id = randomUUID();
    const now = this.ws.clock.now().toISOString();
    const db = this.ws.db;
    const warnings = [...(shipment.warnings ?? [])];
    const sizeProblems: string[] = [];
    const prepared = shipment.lines.map((l) => {
      let ndc = l.ndc;
      if (!ndc && l.ndc10Candidates.length) {
        const known = l.ndc10Candidates.filter((c) => this.catalog.isKnownNdc(c));
        if (known.length === 1) ndc = known[0]!;
      }
      const cat = ndc ? this.catalog.lookup(ndc) : null;
      const size = lineUnits(l.unitsPerContainer ?? null, cat, shipment.kind === 'manual', actor);
      const where = `line ${l.lineNo} (${ndc ?? l.gtin ?? 'no NDC'})`;
      if ('problem' in size) sizeProblems.push(`${where}: ${size.problem}`);
      else if (size.warning) warnings.push(`${where}: ${size.warning}`);
      return { l, ndc, cat, size };
    });
    if (sizeProblems.length) throw new RxError('BAD_INPUT', `Not started — ${sizeProblems.join(' · ')}`);
    const stored = warnings.length === (shipment.warnings ?? []).length ? shipment : { ...shipment, warnings };
    db.transaction(() => {
      const sha = createHash('sha256').update(raw).digest('hex');
      const shipmentId = Number(
        db
          .prepare(
            'INSERT INTO receiving_shipments (kind, file_name, document_id, sha256, raw, parsed, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(shipment.kind, shipment.fileName, shipment.documentId, sha, raw, JSON.stringify(stored), now, actor).lastInsertRowid,
      );
      db.prepare(
        `INSERT INTO receiving_sessions (id, shipment_id, status, supplier_name, supplier_address, supplier_dea, po_number, order_form_kind, order_form_number, ship_date, created_at, created_by)
         VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        shipmentId,
        shipment.supplier.name,
        shipment.supplier.address,
        shipment.supplier.deaNumber,
        shipment.poNumber,
        shipment.orderForm?.kind ?? null,
        shipment.orderForm?.number ?? null,
        shipment.shipDate,
        now,
        actor,
      );
      const insertLine = db.prepare(
        `INSERT INTO receiving_lines (session_id, line_no, origin, ndc, gtin, name, schedule, schedule_known, expected, units_per_container, unit, units_source, lot, expiry, serials)
         VALUES (?, ?, 'expected', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const { l, ndc, cat, size } of prepared) {
        if ('problem' in size) continue;
        const schedule = l.schedule !== undefined ? l.schedule : cat?.schedule;
        insertLine.run(
          id,
          l.lineNo,
          ndc,
          l.gtin,
          l.name ?? cat?.name ?? null,
          schedule ?? null,
          schedule === undefined ? 0 : 1,
          l.quantity,
          size.unitsPerContainer,
          size.unit,
          size.source,
          l.lot,
          l.expiry,
          JSON.stringify(l.serials),
        );
      }
      const insertPack = db.prepare('INSERT OR IGNORE INTO receiving_packs (session_id, key, children, items) VALUES (?, ?, ?, ?)');
      for (const p of shipment.packs) insertPack.run(id, p.key, JSON.stringify(p.children), JSON.stringify(p.items));
    }).immediate();
    this.ws.audit.record({
      actor,
      action: 'RECEIVING_STARTED',
      target: id,
      details: { kind: shipment.kind, file_name: shipment.fileName, document_id: shipment.documentId, po_number: shipment.poNumber, lines: shipment.lines.length },
    });
    return id;
  }

  updateHeader(id: string, patch: { supplier?: Supplier; orderForm?: OrderForm | null; poNumber?: string | null }, actor: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', 'The session is closed; its header can no longer change.');
    const sup = patch.supplier;
    this.ws.db
      .prepare(
        `UPDATE receiving_sessions SET supplier_name = ?, supplier_address = ?, supplier_dea = ?, order_form_kind = ?, order_form_number = ?, po_number = ? WHERE id = ?`,
      )
      .run(
        sup ? sup.name : s.supplier_name,
        sup ? sup.address : s.supplier_address,
        sup ? (sup.deaNumber?.toUpperCase() ?? null) : s.supplier_dea,
        patch.orderForm !== undefined ? (patch.orderForm?.kind ?? null) : s.order_form_kind,
        patch.orderForm !== undefined ? (patch.orderForm?.number ?? null) : s.order_form_number,
        patch.poNumber !== undefined ? patch.poNumber : s.po_number,
        id,
      );
    this.ws.audit.record({ actor, action: 'RECEIVING_HEADER_CHANGED', target: id, details: JSON.parse(JSON.stringify(patch)) as Record<string, unknown> });
  }

  /**
   * A person enters the units per container of a line whose package the catalog gives no size
   * for (read off the package). Kept for the NDC too (package_sizes, audited), so the next
   * delivery and counts know it. Refused where the catalog states the size.
   */
  setLineUnits(id: string, lineId: number, unitsPerContainer: number, unit: string, actor: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', 'The session is closed; its lines can no longer change.');
    const line = this.lines(id).find((l) => l.id === lineId);
    if (!line) throw new RxError('NOT_FOUND', `No line ${lineId} in this session.`);
    if (!line.ndc) throw new RxError('BAD_INPUT', `Line ${line.line_no} has no NDC: its size cannot be entered.`);
    const cat = this.catalog.lookup(line.ndc);
    if (cat?.unitsPerContainer) {
      throw new RxError('BAD_INPUT', `The catalog gives ${line.ndc} as ${cat.unitsPerContainer} ${cat.unit ?? 'units'} per container; that figure is used and cannot be changed here.`);
    }
    const lookup = new PackageUnitsLookup(this.ws.db, () => this.ws.clock.now());
    try {
      this.ws.db.transaction(() => {
        lookup.enter({ ndc11: line.ndc!, unitsPerContainer, unit, actor, note: `receiving session ${id} line ${line.line_no}` }, this.ws.audit);
        this.ws.db
          .prepare('UPDATE receiving_lines SET units_per_container = ?, unit = ?, units_source = ? WHERE id = ?')
          .run(unitsPerContainer, unit.trim(), `entered by ${actor}`, lineId);
      })();
    } catch (err) {
      if (err instanceof PackageSizeError) throw new RxError('BAD_INPUT', err.message);
      throw err;
    }
    reprojectLegacyNdcs(this.ws.db, [line.ndc]);
  }

  cancel(id: string, actor: string, reason: string): void {
    const s = this.mustSession(id);
    if (s.status !== 'open') throw new RxError('CONFLICT', `The session is already ${s.status}.`);
    this.ws.db
      .prepare("UPDATE receiving_sessions SET status = 'cancelled', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?")
      .run(this.ws.clock.now().toISOString(), actor, reason, id);
    this.ws.audit.record({ actor, action: 'RECEIVING_CANCELLED', target: id, details: { reason } });
  }
}

/**
 * A line's units per container: the catalog's where it states one. A typed purchase order's
 * figure is a person's entry, used where the catalog has none and refused where it disagrees;
 * a shipment document's figure differing from the catalog is a warning (the catalog is used),
 * and where the catalog has none the line waits for a person to enter it.
 */
function lineUnits(
  stated: number | null,
  cat: { unitsPerContainer: number | null; unit?: string | null } | null,
  typedByPerson: boolean,
  actor: string,
): { unitsPerContainer: number | null; unit: string | null; source: string | null; warning?: string } | { problem: string } {
  if (cat?.unitsPerContainer) {
    if (stated !== null && stated !== cat.unitsPerContainer) {
      const msg = `the catalog gives ${cat.unitsPerContainer} ${cat.unit ?? 'units'} per container, the ${typedByPerson ? 'order' : 'shipment'} says ${stated}`;
      if (typedByPerson) return { problem: `${msg}: correct the units per container (or leave it empty to use the catalog's)` };
      return { unitsPerContainer: cat.unitsPerContainer, unit: cat.unit ?? null, source: 'catalog', warning: `${msg}; the catalog's figure is used` };
    }
    return { unitsPerContainer: cat.unitsPerContainer, unit: cat.unit ?? null, source: 'catalog' };
  }
  if (stated !== null && typedByPerson) return { unitsPerContainer: stated, unit: null, source: `entered by ${actor}` };
  return {
    unitsPerContainer: null,
    unit: null,
    source: null,
    ...(stated !== null ? { warning: `the shipment says ${stated} units per container and the catalog gives no size: confirm it on the line before committing` } : {}),
  };
}
