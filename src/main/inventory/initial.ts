import { ContainerBreakdown, unitsOf as containerUnits } from '../../shared/counts';
import { localDate } from '../../shared/reports/period';
import { RxError } from '../../shared/errors/error-codes';
import type { EntryRef, LedgerEntry } from '../../shared/schemas/ledger-entry';
import type { SignatureManifestation } from '../../shared/counts';
import type { Session } from '../auth/sessions';
import { PackageUnitsLookup } from '../catalog/package-units';
import { canonicalRequest, entryThroughGate } from '../counts/through-gate';
import { CatalogStore } from '../catalog/store';
import { attachSignatures, authenticateSigner, manifestationsFor, signingTimeZone, type Credentials } from '../holds/signatures';
import type { Workstation } from '../workstation';

/** One line of an initial inventory: what the pharmacist counted of one NDC and lot. */
export interface InitialInventoryLine {
  ndc: string;
  lot: string | null;
  expiry?: string | null | undefined;
  /** Units counted in all; with `containers`, it must equal their sum. Either may be given. */
  counted?: number | null | undefined;
  /** Sealed containers and the units in each opened one (1304.11(e)). */
  containers?: { full_containers: number; partial_units: number[] } | null | undefined;
}

export interface InitialInventoryRequest {
  lines: InitialInventoryLine[];
  /** 1304.11(a): taken at the opening or the close of business. */
  taken: 'opening' | 'close';
  signer: Credentials;
  cosigner?: Credentials | null | undefined;
  note?: string | null | undefined;
  session?: Session | null | undefined;
  source: 'ui' | 'cli';
}

export interface InitialInventoryResult {
  inventory_date: string;
  taken: 'opening' | 'close';
  entries: (EntryRef & { ndc: string; lot: string | null; quantity: number; unit: string | null })[];
  signatures: SignatureManifestation[];
}

/**
 * The initial inventory (21 CFR 1304.11(b)): a registrant that starts — or starts using RxLedger
 * with stock on the shelf — records what it holds, per NDC and lot, counted and signed by a
 * pharmacist. Each line is an INITIAL_INVENTORY entry whose delta is the opening balance, through
 * the ingestion gate (catalog, schedule, units) with the pharmacist's Part 11 signature, all
 * lines in one transaction. A lot that already has stock movements at or before now is refused:
 * its balance is in the ledger already, and a count (with a signed adjustment) corrects it.
 */
export function recordInitialInventory(ws: Workstation, req: InitialInventoryRequest): InitialInventoryResult {
  if (!req.lines.length) throw new RxError('BAD_INPUT', 'An initial inventory needs at least one line (or record "none on hand"). Nothing was signed.');
  const db = ws.db;
  const units = new PackageUnitsLookup(db, () => ws.clock.now());
  const catalog = new CatalogStore(db);
  const now = ws.clock.now();
  const eventTime = now.toISOString();
  const zone = signingTimeZone(ws);
  const inventoryDate = localDate(now, zone);
  const problems: string[] = [];
  const planned = req.lines.map((line, i) => {
    const where = `line ${i + 1} (${line.ndc}${line.lot ? ` lot ${line.lot}` : ''})`;
    const entry = catalog.lookup(line.ndc);
    if (!entry) {
      problems.push(`${where}: not in the catalog; import the catalog that lists it first`);
      return null;
    }
    const ndc = entry.ndc11;
    const pu = units.of(ndc);
    let counted = line.counted ?? null;
    let breakdown: ContainerBreakdown | null = null;
    if (line.containers) {
      if (!pu) {
        problems.push(`${where}: the catalog gives no package size, so containers cannot be counted; enter the package size (rxledger catalog size) or count in units`);
        return null;
      }
      const parsed = ContainerBreakdown.safeParse({ ...line.containers, units_per_container: pu.units_per_container });
      if (!parsed.success) {
        problems.push(`${where}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
        return null;
      }
      breakdown = parsed.data;
      const total = containerUnits(breakdown);
      if (counted !== null && counted !== total) {
        problems.push(`${where}: the containers add up to ${total} units, not ${counted}`);
        return null;
      }
      counted = total;
    }
    if (counted === null || !Number.isSafeInteger(counted) || counted < 0) {
      problems.push(`${where}: give the units counted (a whole number, 0 or more) or the containers`);
      return null;
    }
    const earlier = db
      .prepare<[string, string, string, string], { seq: number; device_id: string; type: string }>(
        "SELECT device_id, seq, type FROM ledger_entries WHERE facility_id = ? AND ndc = ? AND COALESCE(lot, '') = ? AND event_time <= ? AND (delta != 0 OR type = 'INITIAL_INVENTORY') LIMIT 1",
      )
      .get(ws.facilityId, ndc, line.lot ?? '', eventTime);
    if (earlier) {
      problems.push(
        earlier.type === 'INITIAL_INVENTORY'
          ? `${where}: its initial inventory was already recorded (entry ${earlier.device_id}#${earlier.seq})`
          : `${where}: the ledger already holds its stock (entry ${earlier.device_id}#${earlier.seq}); count it instead, and sign an adjustment for any difference`,
      );
      return null;
    }
    return { line, ndc, counted, breakdown, unit: pu?.unit ?? null, where };
  });
  if (problems.length) throw new RxError('BAD_INPUT', `Not recorded — ${problems.join(' · ')}. Nothing was signed.`);
  const lines = planned.filter((p): p is NonNullable<typeof p> => p !== null);
  const keys = new Set<string>();
  for (const p of lines) {
    const k = `${p.ndc}|${p.line.lot ?? ''}`;
    if (keys.has(k)) throw new RxError('BAD_INPUT', `${p.where}: the same NDC and lot is listed twice. Nothing was signed.`);
    keys.add(k);
  }

  const action = `the initial inventory of ${lines.length} line(s)`;
  const signers = [authenticateSigner(ws, req.signer, 'signer', 'responsibility', action)];
  if (req.cosigner) {
    if (req.cosigner.userId === req.signer.userId) throw new RxError('BAD_INPUT', 'The co-signer must be another person than the signer. Nothing was signed.');
    signers.push(authenticateSigner(ws, req.cosigner, 'co-signer', 'review', action));
  }
  const note = req.note?.trim() || null;
  const result = db
    .transaction((): InitialInventoryResult => {
      const signatures = manifestationsFor(signers, now, zone);
      const request = canonicalRequest({
        request: 'inventory.initial',
        facility_id: ws.facilityId,
        taken: req.taken,
        inventory_date: inventoryDate,
        lines: lines.map((p) => ({ ndc: p.ndc, lot: p.line.lot, expiry: p.line.expiry ?? null, counted: p.counted, containers: p.breakdown })),
        signer: req.signer.userId,
        cosigner: req.cosigner?.userId ?? null,
        note,
      });
      const out: InitialInventoryResult['entries'] = [];
      for (const p of lines) {
        const entry: LedgerEntry = entryThroughGate(
          ws,
          {
            type: 'INITIAL_INVENTORY',
            facility_id: ws.facilityId,
            ndc: p.ndc,
            lot: p.line.lot,
            serial: null,
            expiry: p.line.expiry ?? null,
            quantity: p.counted,
            event_time: eventTime,
            handler_id: signers[0]!.user.user_id,
            idempotency_key: `initial-inventory:${ws.facilityId}:${p.ndc}:${p.line.lot ?? ''}`,
            data: {
              kind: 'initial_inventory',
              inventory_date: inventoryDate,
              taken: req.taken,
              containers: p.breakdown ? { ...p.breakdown, partial_units: [...p.breakdown.partial_units] } : null,
              note,
              signatures: signatures.map((s) => ({ ...s })),
            },
            source: { kind: req.source, correlation_id: `initial-inventory:${inventoryDate}`, payload_sha256: request.sha256, ref: `initial inventory ${inventoryDate} (${req.taken})` },
          },
          { request, source: `${req.source}:initial-inventory`, what: `The initial inventory of ${p.ndc}${p.line.lot ? ` lot ${p.line.lot}` : ''}`, nothing: 'Nothing was signed.' },
        );
        attachSignatures(db, entry, signers, null);
        out.push({ device_id: entry.device_id, seq: entry.seq, hash: entry.hash, ndc: p.ndc, lot: p.line.lot, quantity: p.counted, unit: p.unit });
      }
      for (const s of signatures) {
        ws.audit.record({ actor: s.user_id, action: 'SIGNATURE_APPLIED', target: 'initial-inventory', details: { role: s.role, meaning: s.meaning, entries: out.map((e) => `${e.device_id}#${e.seq}`) } });
      }
      ws.audit.record({ actor: signers[0]!.user.user_id, action: 'INITIAL_INVENTORY_RECORDED', target: inventoryDate, details: { taken: req.taken, lines: out.length } });
      return { inventory_date: inventoryDate, taken: req.taken, entries: out, signatures };
    })
    .immediate();
  if (req.session) req.session.hasSigned = true;
  return result;
}
