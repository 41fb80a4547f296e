import type { CommitSummary, ReceivingLineView, ReceivingSessionView } from '../../shared/ipc/receiving-channels';
import { lineState } from '../../shared/receiving/match';
import type { ExpectedShipment } from '../../shared/receiving/types';
import type { Workstation } from '../workstation';
import type { ReceivingSessions, UnitRow } from './session-store';

/** What the Receiving screen shows of a session: lines with received, units, lots, state and flags; totals; the commit. */
export function sessionView(ws: Workstation, sessions: ReceivingSessions, id: string, state: { activeId: string | null; shortDatedDays: number }): ReceivingSessionView {
  const s = sessions.mustSession(id);
  const shipment = ws.db
    .prepare<[number], { kind: ReceivingSessionView['kind']; file_name: string | null; document_id: string | null; parsed: string }>(
      'SELECT kind, file_name, document_id, parsed FROM receiving_shipments WHERE id = ?',
    )
    .get(s.shipment_id)!;
  const warnings = (JSON.parse(shipment.parsed) as ExpectedShipment).warnings ?? [];
  const units = sessions.units(id);
  const byLine = new Map<number, UnitRow[]>();
  for (const u of units) {
    if (u.line_id === null) continue;
    const list = byLine.get(u.line_id) ?? [];
    list.push(u);
    byLine.set(u.line_id, list);
  }
  const lines: ReceivingLineView[] = sessions.lines(id).map((l) => {
    const us = byLine.get(l.id) ?? [];
    const accepted = us.filter((u) => u.status === 'accepted');
    const received = accepted.reduce((n, u) => n + u.containers, 0);
    const lots = new Map<string, { lot: string; expiry: string | null; containers: number }>();
    const flags = new Set<string>();
    for (const u of accepted) {
      const k = `${u.lot ?? ''}|${u.expiry ?? ''}`;
      const e = lots.get(k) ?? { lot: u.lot ?? '', expiry: u.expiry, containers: 0 };
      e.containers += u.containers;
      lots.set(k, e);
      for (const f of JSON.parse(u.flags) as string[]) if (f !== 'over' && f !== 'lot-from-document') flags.add(f);
    }
    if (l.origin === 'expected' && received > l.expected) flags.add('over');
    return {
      id: l.id,
      lineNo: l.line_no,
      origin: l.origin,
      ndc: l.ndc,
      gtin: l.gtin,
      name: l.name,
      schedule: l.schedule,
      scheduleKnown: l.schedule_known === 1,
      expected: l.expected,
      received,
      unitsPerContainer: l.units_per_container,
      unit: l.unit,
      unitsSource: l.units_source,
      receivedUnits: l.units_per_container === null ? null : received * l.units_per_container,
      lot: l.lot,
      expiry: l.expiry,
      lots: [...lots.values()],
      state: l.origin === 'unexpected' ? 'unexpected' : lineState(l.expected, received),
      flags: [...flags],
      suspect: us.filter((u) => u.status === 'suspect').reduce((n, u) => n + u.containers, 0),
      rejected: us.filter((u) => u.status === 'rejected').reduce((n, u) => n + u.containers, 0),
    };
  });
  const packs = (ws.db.prepare('SELECT COUNT(*) AS n FROM receiving_packs WHERE session_id = ?').get(id) as { n: number }).n;
  const sum = (f: (u: UnitRow) => boolean) => units.filter(f).reduce((n, u) => n + u.containers, 0);
  return {
    id: s.id,
    status: s.status,
    active: state.activeId === s.id,
    kind: shipment.kind,
    fileName: shipment.file_name,
    documentId: shipment.document_id,
    supplier: { name: s.supplier_name, address: s.supplier_address, deaNumber: s.supplier_dea },
    poNumber: s.po_number,
    orderForm: s.order_form_kind && s.order_form_number ? { kind: s.order_form_kind, number: s.order_form_number } : null,
    shipDate: s.ship_date,
    createdAt: s.created_at,
    createdBy: s.created_by,
    warnings,
    lines,
    packs,
    totals: {
      expected: lines.filter((l) => l.origin === 'expected').reduce((n, l) => n + l.expected, 0),
      received: sum((u) => u.status === 'accepted'),
      suspect: sum((u) => u.status === 'suspect'),
      rejected: sum((u) => u.status === 'rejected'),
    },
    policy: { shortDatedDays: state.shortDatedDays },
    commit: s.commit_summary ? (JSON.parse(s.commit_summary) as CommitSummary) : null,
  };
}

/** Open sessions (and closed ones when asked), newest first. */
export function listSessions(ws: Workstation, includeClosed: boolean, viewOf: (id: string) => ReceivingSessionView): ReceivingSessionView[] {
  const ids = ws.db
    .prepare<[number], { id: string }>(`SELECT id FROM receiving_sessions WHERE status = 'open' OR ? ORDER BY created_at DESC LIMIT 100`)
    .all(includeClosed ? 1 : 0);
  return ids.map((r) => viewOf(r.id));
}
