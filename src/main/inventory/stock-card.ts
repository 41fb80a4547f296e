import type { StockCard, StockCardMovement } from '../../shared/ipc/inventory-channels';
import type { EntryBody, EntryType } from '../../shared/schemas/ledger-entry';
import { formatUnits } from '../../shared/units';
import { PackageUnitsLookup } from '../catalog/package-units';
import { CatalogStore } from '../catalog/store';
import type { Db } from '../db/open';
import { findActiveHold } from '../holds';
import { entryDocument } from '../../shared/ledger/entry-document';
import { unitsOfEntry } from '../ledger/legacy-basis';
import { signatureManifestationLines } from '../holds/signatures';

/**
 * A lot's stock card: every entry that touched it, oldest first by event time, with the
 * running balance in dosage units, who acted, the document behind it and its signatures. Holds
 * on every lot of the NDC and counts of this lot are listed too (they do not move the balance).
 * Read from the ledger (all chains held here), not from the projection.
 */
export function stockCard(db: Db, facilityId: string, ndc: string, lot: string): Omit<StockCard, 'hidden'> {
  const catalog = new CatalogStore(db);
  const units = new PackageUnitsLookup(db);
  const unitsOf = (n: string) => units.of(n);
  const product = catalog.lookup(ndc);
  const pu = units.of(ndc);
  const names = new Map(db.prepare<[], { user_id: string; name: string }>('SELECT user_id, name FROM users').all().map((u) => [u.user_id, u.name]));
  const rows = db
    .prepare<[string, string, string], { device_id: string; seq: number; hash: string; body: string }>(
      `SELECT device_id, seq, hash, body FROM ledger_entries
        WHERE facility_id = ? AND ndc = ? AND (COALESCE(lot, '') = ? OR (lot IS NULL AND type IN ('HOLD_PLACED', 'HOLD_RELEASED')))
        ORDER BY event_time, recorded_at, device_id, seq`,
    )
    .all(facilityId, ndc, lot);
  let balance = 0;
  let expiry: string | null = null;
  let schedule: EntryBody['schedule'] = null;
  const movements: StockCardMovement[] = rows.map((r) => {
    const b = JSON.parse(r.body) as EntryBody;
    const u = unitsOfEntry(b, unitsOf);
    balance += u.delta;
    if (b.expiry && (b.type === 'RECEIPT' || b.type === 'INITIAL_INVENTORY' || b.type === 'RETURN')) expiry = b.expiry;
    schedule = b.schedule ?? schedule;
    let note: string | null = null;
    if (u.legacy) {
      note = u.unresolved
        ? `recorded by version 0.1 as ${b.quantity} container(s); the package size is unknown, so it counts as ${b.quantity} here until it is entered (rxledger catalog size)`
        : `recorded by version 0.1 as ${b.quantity} container(s) of ${formatUnits(u.units_per_container!, u.unit)}: ${formatUnits(u.quantity, u.unit)}`;
    }
    return {
      device_id: r.device_id,
      seq: r.seq,
      hash: r.hash,
      type: b.type as EntryType,
      event_time: b.event_time,
      recorded_at: b.recorded_at,
      delta: u.delta,
      quantity: u.quantity,
      balance,
      actor: b.actor,
      actor_name: names.get(b.actor) ?? null,
      document: entryDocument(b, pu?.unit ?? null),
      signatures: signatureManifestationLines({ data: b.data }),
      note,
    };
  });
  const hold = findActiveHold(db, facilityId, ndc, lot || null);
  const onHand = db.prepare<[string, string, string], { on_hand: number }>('SELECT on_hand FROM stock WHERE facility_id = ? AND ndc = ? AND lot = ?').get(facilityId, ndc, lot)?.on_hand ?? balance;
  return {
    facility_id: facilityId,
    ndc,
    lot,
    name: product?.name ?? null,
    strength: product?.strength ?? null,
    dosage_form: product?.dosage_form ?? null,
    schedule: schedule ?? product?.schedule ?? null,
    unit: pu?.unit ?? null,
    units_per_container: pu?.units_per_container ?? null,
    expiry,
    on_hand: onHand,
    hold: hold ? { hold_id: hold.hold_id, placed_at: hold.placed_at, message: hold.message } : null,
    movements,
  };
}
