import type { Schedule } from '../../shared/domain/schedule';
import { parseNdc } from '../../shared/identifiers';
import { CanonicalEvent, type CanonicalEventInput, type EventSourceKind } from '../../shared/ingest/event';
import { canonicalJson } from '../../shared/ledger/canonical';
import { describeIssues } from '../../shared/schemas/drug-record';
import { sameUnit, type PackageUnits } from '../../shared/units';
import type { User } from '../auth/users';
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';
import { findActiveHold } from '../holds';
import type { NewEntry } from '../ledger/append';
import { sha256Hex } from '../ledger/hash';
import type { CatalogPort } from './catalog-port';
import { productGtins, recordGtin, type SerialClaim, type SerialRegister } from './serials';
import { handlerPolicy, requireCatalog } from './settings';

/**
 * The ingestion gate's rules: what makes an event acceptable and where it goes, decided without
 * writing anything (schema, NDC and catalog, schedule, units, order form, handler, time, lot and
 * expiry, facility, holds, DSCSA serials). The gate (gate.ts) runs them inside its transaction
 * and owns the writing: commit, serial records, quarantine, retries.
 */

/** What the holds module answers (src/main/holds, issue 5): an active hold on the lot, or null. */
export type ActiveHoldLookup = (db: Db, facilityId: string, ndc11: string, lot: string | null, exceptHoldId?: string | null) => { hold_id: string | number; message?: string } | null;

/** The route an event takes: which stock it moves, and the handling its schedule needs. */
export interface Route {
  facility_id: string;
  ndc11: string;
  schedule: Schedule | null;
  lane: 'cii' | 'controlled' | 'non-controlled';
}

/** A normalizer's answer: a canonical event (checked again by the gate) or why there is none. */
export type Candidate = { ok: true; event: CanonicalEventInput } | { ok: false; reasons: string[]; issues: string[] };

export type Verdict =
  | { ok: true; entry: NewEntry; fingerprint: string; route: Route; serials: SerialClaim[] }
  | { ok: false; reasons: string[]; issues: string[] };

const SIGN = { RECEIPT: 1, DISPENSE: -1, RETURN: 1, ADJUSTMENT: 1, COUNT: 0, INITIAL_INVENTORY: 1 } as const;

export interface GateRulesDeps {
  db: Db;
  facilities: () => readonly string[];
  user: (userId: string) => User | null;
  setting: (key: string) => string | null;
  /** The catalog when it holds rows, else null. */
  catalog: () => CatalogPort | null;
  serials: () => SerialRegister;
  activeHold?: ActiveHoldLookup | undefined;
  now: () => Date;
}

export class GateRules {
  private readonly stmts;

  constructor(private readonly deps: GateRulesDeps) {
    this.stmts = {
      knownSchedule: deps.db.prepare<[string], { schedule: Schedule | null }>(
        'SELECT schedule FROM stock WHERE ndc = ? ORDER BY last_event_time DESC LIMIT 1',
      ),
      keyUsed: deps.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM idempotency WHERE key = ?'),
    };
  }

  private get catalog(): CatalogPort | null {
    return this.deps.catalog();
  }

  private get serials(): SerialRegister {
    return this.deps.serials();
  }

  private now(): Date {
    return this.deps.now();
  }

  /** Validates and routes without writing anything. Deterministic given the database state. */
  evaluate(candidate: Candidate, rawSha256: string, correlationId: string, exceptHold: string | null = null, submitter: string | null = null): Verdict {
    if (!candidate.ok) return { ok: false, reasons: candidate.reasons, issues: candidate.issues };
    const input = candidate.event as Record<string, unknown>;
    const parsed = CanonicalEvent.safeParse(
      input && typeof input === 'object' && input.source && typeof input.source === 'object'
        ? input
        : { ...input, source: { kind: 'cli', correlation_id: correlationId, payload_sha256: rawSha256 } },
    );
    if (!parsed.success) {
      const reasons = new Set<string>(['SCHEMA']);
      for (const i of parsed.error.issues) {
        const f = String(i.path[0] ?? '');
        if (f === 'quantity') reasons.add('BAD_QUANTITY');
        if (f === 'lot' || f === 'serial') reasons.add('BAD_LOT');
        if (f === 'type') reasons.add('UNKNOWN_TRANSACTION_TYPE');
        if (i.code === 'invalid_type' && input?.[f] === undefined) reasons.add('MISSING_FIELD');
      }
      return { ok: false, reasons: [...reasons], issues: describeIssues(parsed.error.issues) };
    }
    const e = parsed.data;
    const reasons: string[] = [];
    const issues: string[] = [];
    const refuse = (code: string, issue: string) => {
      if (!reasons.includes(code)) reasons.push(code);
      issues.push(issue);
    };

    // NDC: normalized to the 11-digit form; a 10-digit NDC without hyphens needs the catalog.
    const catalog = this.catalog;
    const ndc = parseNdc(e.ndc, catalog ? { isKnown: (n) => catalog.isKnownNdc(n) } : {});
    if (!ndc.ok) return { ok: false, reasons: [ndc.issue.code === 'ndc-ambiguous' ? 'AMBIGUOUS_NDC' : 'BAD_NDC'], issues: [`ndc: ${ndc.error}`] };
    if (!ndc.ndc11) return { ok: false, reasons: ['BAD_NDC'], issues: [`ndc: ${e.ndc} has no 11-digit form; the ledger keys products by the 11-digit NDC`] };
    const ndc11 = ndc.ndc11;

    // Catalog and schedule classification.
    let schedule: Schedule | null | undefined = e.schedule;
    const known = this.stmts.knownSchedule.get(ndc11);
    if (!catalog && requireCatalog(this.deps.setting)) {
      refuse(
        'UNKNOWN_NDC',
        `ndc: ${ndc11} cannot be checked: the drug catalog of this workstation is empty. Load the catalog first: rxledger catalog import --data DIR FILE (FDA NDC Directory or openFDA files)`,
      );
    }
    // A schedule from the catalog means the NDC is in it: only an unknown schedule needs the second question.
    const cat = catalog?.scheduleOf(ndc11);
    if (catalog) {
      if (cat === undefined && !catalog.isKnownNdc(ndc11)) refuse('UNKNOWN_NDC', `ndc: ${ndc11} is not in the catalog; unknown NDCs are never guessed: load a catalog that lists it (rxledger catalog import --data DIR FILE) and replay`);
      else if (cat !== undefined) {
        if (schedule !== undefined && schedule !== cat) {
          refuse('SCHEDULE_MISMATCH', `schedule: ${schedule ?? 'not controlled'} was sent, the catalog classifies ${ndc11} as ${cat ?? 'not controlled'}`);
        }
        // The catalog decides; a change it made is an allowed transition.
        schedule = cat;
      }
    }
    if (schedule === undefined) {
      if (known) schedule = known.schedule;
      else if (!reasons.includes('UNKNOWN_NDC')) {
        refuse('UNKNOWN_SCHEDULE', `schedule: ${ndc11} is not in the catalog and has no earlier entry; send its schedule or load the catalog`);
      }
    } else if (known && known.schedule !== schedule && cat !== schedule) {
      refuse('SCHEDULE_CHANGE', `schedule: ${ndc11} was recorded as ${known.schedule ?? 'not controlled'}; ${schedule ?? 'not controlled'} needs the catalog to say so`);
    }

    // Dosage units: a declared unit, and units per container behind a container count, must be
    // the catalog's for the NDC; every entry carries the unit it is counted in.
    const units = catalog?.unitsOf?.(ndc11) ?? null;
    this.unitProblems(e, ndc11, units, refuse);

    // A DEA Form 222 / CSOS number names one order, from one supplier (21 CFR 1305).
    if (e.type === 'RECEIPT') {
      const reused = this.orderFormReuse(e.data);
      if (reused) refuse('ORDER_FORM_REUSED', reused);
    }

    // An authorized handler.
    const handlerProblem = this.handlerProblem(e.handler_id, e.source.kind);
    if (handlerProblem) refuse('UNAUTHORIZED_HANDLER', `handler_id: ${handlerProblem}`);

    // Time, lot, expiry.
    const eventTime = new Date(e.event_time);
    const now = this.now();
    if (eventTime.getTime() > now.getTime() + 5 * 60_000) refuse('FUTURE_EVENT', `event_time: ${e.event_time} is in the future`);
    const day = eventTime.toISOString().slice(0, 10);
    if (e.expiry && e.expiry < day && (e.type === 'RECEIPT' || e.type === 'DISPENSE')) {
      refuse(
        'EXPIRED_LOT',
        e.type === 'RECEIPT' ? `expiry: lot ${e.lot} expired on ${e.expiry}, before it was received` : `expiry: lot ${e.lot} expired on ${e.expiry}; it may not be dispensed`,
      );
    }

    // Route: facility, NDC, schedule.
    const facilities = this.deps.facilities();
    if (!facilities.includes(e.facility_id)) {
      refuse('WRONG_FACILITY', `facility_id: ${e.facility_id} is not served by this workstation (${facilities.join(', ')})`);
    }
    const route: Route = {
      facility_id: e.facility_id,
      ndc11,
      schedule: schedule ?? null,
      lane: schedule === 'CII' ? 'cii' : schedule ? 'controlled' : 'non-controlled',
    };
    const takes = e.type === 'DISPENSE' || (e.type === 'ADJUSTMENT' && e.quantity < 0);
    if (takes && reasons.length === 0) {
      const hold = (this.deps.activeHold ?? findActiveHold)(this.deps.db, e.facility_id, ndc11, e.lot, exceptHold);
      if (hold) refuse('HOLD_ACTIVE', hold.message ?? `${ndc11}${e.lot ? ` lot ${e.lot}` : ''} is on hold (${hold.hold_id}); release the hold first`);
    }

    const content = {
      type: e.type,
      facility_id: e.facility_id,
      ndc: ndc11,
      lot: e.lot,
      serial: e.serial,
      expiry: e.expiry,
      schedule: route.schedule,
      quantity: e.quantity,
      event_time: eventTime.toISOString(),
      handler_id: e.handler_id,
      data: e.data,
    };
    const fingerprint = e.fingerprint ?? sha256Hex(canonicalJson(content));
    const idempotencyKey = e.idempotency_key ?? `content:${fingerprint}`;

    // DSCSA serials: a unit already in stock is never stocked twice (a repeat of a committed
    // event is left to the idempotency check: it is a duplicate, not a second unit).
    const serials = this.serialClaims(e, ndc11, refuse, () => this.stmts.keyUsed.get(idempotencyKey) !== undefined);
    if (reasons.length) return { ok: false, reasons, issues };
    const data = { ...e.data } as NonNullable<NewEntry['data']>;
    if (e.replay_of !== null) data.replay_of = e.replay_of;
    if (submitter !== null) data.claimed_handler_id = e.handler_id;
    const unit = units?.unit ?? (typeof data.unit === 'string' ? data.unit : (e.unit ?? null));
    if (unit !== null) data.unit = unit;
    if (units && data.units_per_container === undefined) data.units_per_container = units.units_per_container;
    const entry: NewEntry = {
      type: e.type,
      facility_id: e.facility_id,
      ndc: ndc11,
      lot: e.lot,
      serial: e.serial,
      expiry: e.expiry,
      schedule: route.schedule,
      quantity: e.type === 'ADJUSTMENT' ? Math.abs(e.quantity) : e.quantity,
      delta: e.type === 'ADJUSTMENT' ? e.quantity : SIGN[e.type] * e.quantity,
      event_time: eventTime.toISOString(),
      actor: submitter ?? e.handler_id,
      idempotency_key: idempotencyKey,
      source: { kind: e.source.kind, payload_sha256: e.source.payload_sha256, correlation_id: e.source.correlation_id },
      data,
    };
    return { ok: true, entry, fingerprint, route, serials };
  }

  /**
   * A receipt's order form (`data.order_form`) already recorded for an order from another
   * supplier: the number names one order, so a second order under it is refused. Deliveries of
   * the same order (partial shipments from its supplier) are fine.
   */
  private orderFormReuse(data: Record<string, unknown>): string | null {
    const form = data.order_form as { kind?: unknown; number?: unknown } | undefined;
    if (!form || typeof form !== 'object' || typeof form.number !== 'string') return null;
    const supplier = (data.supplier as { dea_number?: unknown } | undefined)?.dea_number;
    const earlier = cachedStatement<[string, string], { device_id: string; seq: number; dea: string | null }>(
      this.deps.db,
      `SELECT device_id, seq, json_extract(body, '$.data.supplier.dea_number') AS dea FROM ledger_entries
        WHERE type = 'RECEIPT' AND json_extract(body, '$.data.order_form.number') = ? AND json_extract(body, '$.data.order_form.kind') = ? LIMIT 50`,
    ).all(form.number, String(form.kind));
    const other = earlier.find((r) => typeof supplier === 'string' && r.dea !== null && r.dea.toUpperCase() !== supplier.toUpperCase());
    if (!other) return null;
    const label = form.kind === 'CSOS' ? 'CSOS order' : 'DEA Form 222';
    return `order_form: ${label} ${form.number} was already used for an order from supplier DEA ${other.dea} (entry ${other.device_id}#${other.seq}); one order form number names one order — check the number on the form`;
  }

  /**
   * The quantity's unit against the catalog's package: a declared unit must be the dosage unit
   * ("30 mL" of a tablet NDC is refused); a container count (`data.containers`, a number) must be
   * containers × the catalog's units per container; a count's container breakdown must use the
   * catalog's container size. Unknown sizes are left to the source, which cannot send
   * containers without one (src/shared/units/convert.ts).
   */
  private unitProblems(
    e: { type: string; quantity: number; serial: string | null; unit?: string | null | undefined; data: Record<string, unknown> },
    ndc11: string,
    units: PackageUnits | null,
    refuse: (code: string, issue: string) => void,
  ): void {
    if (e.serial !== null && e.type !== 'COUNT' && e.type !== 'INITIAL_INVENTORY') {
      // A DSCSA serial is printed on one package: the quantity is that whole package in dosage units.
      if (!units) {
        refuse('UNKNOWN_PACKAGE_SIZE', `serial: ${e.serial} names one package of ${ndc11}, whose size the catalog does not give; enter it (rxledger catalog size) before moving serialized packages`);
      } else if (Math.abs(e.quantity) !== units.units_per_container) {
        refuse(
          'BAD_LOT',
          `serial: ${e.serial} names one package of ${units.units_per_container} ${units.unit}: the quantity must be ${units.units_per_container} (the whole package), not ${Math.abs(e.quantity)}`,
        );
      }
    }
    if (e.unit && units && !sameUnit(e.unit, units.unit)) {
      refuse('UNIT_MISMATCH', `unit: ${ndc11} is counted in ${units.unit} (catalog: ${units.units_per_container} ${units.unit} per ${units.container?.toLowerCase() ?? 'package'}); the record says ${Math.abs(e.quantity)} ${e.unit}`);
    }
    const d = e.data;
    const per = typeof d.units_per_container === 'number' ? d.units_per_container : null;
    if (typeof d.containers === 'number') {
      if (per === null) refuse('UNKNOWN_PACKAGE_SIZE', `containers: ${d.containers} container(s) of ${ndc11} without units per container; the quantity must be in dosage units`);
      else if (units && per !== units.units_per_container) {
        refuse('UNIT_MISMATCH', `units_per_container: ${per} was used, the catalog gives ${units.units_per_container} ${units.unit} per package of ${ndc11}`);
      } else if (d.containers * per !== Math.abs(e.quantity)) {
        refuse('BAD_QUANTITY', `quantity: ${Math.abs(e.quantity)} is not ${d.containers} container(s) × ${per}`);
      }
    } else if (d.containers && typeof d.containers === 'object' && !Array.isArray(d.containers)) {
      const c = d.containers as Record<string, unknown>;
      if (units && typeof c.units_per_container === 'number' && c.units_per_container !== units.units_per_container) {
        refuse('UNIT_MISMATCH', `containers: counted as ${c.units_per_container} per container, the catalog gives ${units.units_per_container} ${units.unit} per package of ${ndc11}`);
      }
    }
  }

  /**
   * The serialized units an event brings into stock (RECEIPT, RETURN: `serial`, and the
   * `data.serials` list of a receiving session or an 856), checked against the DSCSA serial
   * register. A duplicate is DUPLICATE_SERIAL — a suspect product: quarantined, never stocked:
   * - a RECEIPT of a unit already received here (whatever happened to it since);
   * - a RETURN of a unit in stock (received and not dispensed since, or already returned);
   * - the same serial twice in one event.
   * A return of a unit dispensed here is fine; a return of a unit never seen here is recorded.
   */
  private serialClaims(
    e: { type: string; serial: string | null; lot: string | null; expiry: string | null; data: Record<string, unknown> },
    ndc11: string,
    refuse: (code: string, issue: string) => void,
    /** Whether the event's idempotency key is committed already: asked only of an event with serials. */
    committedBefore: () => boolean,
  ): SerialClaim[] {
    if (e.type !== 'RECEIPT' && e.type !== 'RETURN') return [];
    const listed = Array.isArray(e.data.serials) ? e.data.serials.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
    const units = e.serial && !listed.includes(e.serial) ? [...listed, e.serial] : listed;
    if (!units.length || committedBefore()) return [];
    const givenGtin = typeof e.data.gtin === 'string' ? e.data.gtin : null;
    const gtins = productGtins(ndc11, givenGtin);
    const gtin = recordGtin(ndc11, givenGtin, this.serials.catalogNdc10(ndc11));
    const suspect = 'a second unit with the same product identifier is a suspect product (DSCSA): quarantined, not stocked';
    const claims: SerialClaim[] = [];
    const seen = new Set<string>();
    for (const serial of units) {
      if (seen.has(serial)) {
        refuse('DUPLICATE_SERIAL', `serial: ${serial} of ${ndc11} appears twice in this event; ${suspect}`);
        continue;
      }
      seen.add(serial);
      const rec = this.serials.received(gtins, serial);
      const where = rec ? `${rec.received_at.slice(0, 10)} (${rec.session_id}, entry ${rec.entry_device_id}#${rec.entry_seq})` : '';
      if (e.type === 'RECEIPT') {
        if (rec) refuse('DUPLICATE_SERIAL', `serial: ${serial} of ${ndc11} was already received on ${where}; ${suspect}`);
        else claims.push({ gtin, gtins, serial, ndc11, lot: e.lot, expiry: e.expiry, insert: true });
        continue;
      }
      const last = this.serials.lastMovement(ndc11, serial);
      if (last?.type === 'RETURN') {
        refuse('DUPLICATE_SERIAL', `serial: ${serial} of ${ndc11} was already returned (entry ${last.device_id}#${last.seq}, ${last.event_time}) and not dispensed since; ${suspect}`);
      } else if (!last && rec) {
        refuse('DUPLICATE_SERIAL', `serial: ${serial} of ${ndc11} is in stock (received on ${where}, never dispensed): it cannot come back as a return; ${suspect}`);
      } else {
        claims.push({ gtin, gtins, serial, ndc11, lot: e.lot, expiry: e.expiry, insert: !rec });
      }
    }
    return claims;
  }

  /**
   * An authorized handler is an active user of this workstation, or an id listed in the
   * setting `ingest.handler_ids` (JSON array or comma list: an ERP's or wholesaler's ids).
   * Anything else is refused, unless `ingest.handler_policy` is `open` (not for production:
   * ids are then taken as sent); a disabled user is refused under either policy. EDI files
   * name no person: their actor is "edi:<sender id>".
   */
  handlerProblem(handler: string, kind: EventSourceKind): string | null {
    if (kind === 'edi' && handler.startsWith('edi:')) {
      // An EDI file names no person: its sender must be a trading partner listed here.
      const sender = handler.slice(4);
      if (parseList(this.deps.setting('ingest.edi_senders')).includes(sender)) return null;
      if (handlerPolicy(this.deps.setting) === 'open') return null;
      return sender === 'bare'
        ? 'a bare ST..SE file names no sender; list "bare" in the setting ingest.edi_senders to take such files (rxledger ingest --data DIR --set ingest.edi_senders=...)'
        : `EDI sender ${sender} is not listed in the setting ingest.edi_senders; list your trading partners' ids there (rxledger ingest --data DIR --set ingest.edi_senders=${sender},...)`;
    }
    const user = this.deps.user(handler);
    if (user) return user.disabled ? `${handler} is a disabled user` : null;
    const listed = parseList(this.deps.setting('ingest.handler_ids'));
    if (listed.includes(handler)) return null;
    if (handlerPolicy(this.deps.setting) === 'open') return null;
    return `${handler} is not an active user of this workstation nor an id listed in the setting ingest.handler_ids; add the user (rxledger user add) or list the id`;
  }
}

export function parseList(text: string | null): string[] {
  if (!text) return [];
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }
  return t.split(',').map((s) => s.trim()).filter(Boolean);
}
