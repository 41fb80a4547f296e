import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Schedule } from '../../shared/domain/schedule';
import { parseNdc } from '../../shared/identifiers';
import { CanonicalEvent, type CanonicalEventInput, type EventSourceKind } from '../../shared/ingest/event';
import { canonicalJson } from '../../shared/ledger/canonical';
import { describeIssues } from '../../shared/schemas/drug-record';
import { sameUnit, type PackageUnits } from '../../shared/units';
import type { LedgerEntry } from '../../shared/schemas/ledger-entry';
import { IngestMetrics } from '../alerts/metrics';
import { AuditTrail } from '../audit/trail';
import type { User } from '../auth/users';
import type { Db } from '../db/open';
import { findActiveHold } from '../holds';
import { cachedStatement } from '../db/statement-cache';
import { LedgerRuleError, type AppendResult, type Ledger, type NewEntry } from '../ledger/append';
import { sha256Hex } from '../ledger/hash';
import type { QuarantineStore } from '../quarantine/store';
import type { Workstation } from '../workstation';
import { catalogFromDb, type CatalogPort } from './catalog-port';
import { productGtins, recordGtin, SerialRegister, type SerialClaim } from './serials';
import { handlerPolicy, requireCatalog } from './settings';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from './retry';

/** What the holds module answers (src/main/holds, issue 5): an active hold on the lot, or null. */
export type ActiveHoldLookup = (db: Db, facilityId: string, ndc11: string, lot: string | null, exceptHoldId?: string | null) => { hold_id: string | number; message?: string } | null;

export interface GateDeps {
  db: Db;
  ledger: Ledger;
  quarantine: QuarantineStore;
  /** Facilities this workstation records for. */
  facilities: () => readonly string[];
  /** An active user of this workstation, or null. */
  user: (userId: string) => User | null;
  setting: (key: string) => string | null;
  catalog?: CatalogPort | null;
  /** Where report lines that are not stock movements (X12 846, on-hand, planning) are kept. */
  audit?: AuditTrail;
  /** The active hold covering a lot (default: the holds module's, from the ledger). */
  activeHold?: ActiveHoldLookup;
  now?: () => Date;
  metrics?: IngestMetrics;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** The route an event takes: which stock it moves, and the handling its schedule needs. */
export interface Route {
  facility_id: string;
  ndc11: string;
  schedule: Schedule | null;
  lane: 'cii' | 'controlled' | 'non-controlled';
}

/** A normalizer's answer: a canonical event (checked again by the gate) or why there is none. */
export type Candidate = { ok: true; event: CanonicalEventInput } | { ok: false; reasons: string[]; issues: string[] };

export interface GateInput {
  /** Quarantine source label: "ndjson:file.ndjson", "edi:file.edi", "pos", "ui:receiving". */
  source: string;
  /** The payload exactly as received. */
  raw: Buffer;
  /** sha256 of `raw`, when the caller already has it. */
  rawSha256?: string;
  candidate: Candidate;
  /** Kept with a quarantined item: file and line, X12 control numbers, POS transaction id. */
  context?: Record<string, unknown>;
  correlationId?: string;
  /**
   * What the quarantine keeps instead of `raw` (the POS path keeps a redacted copy and puts
   * the whole original, encrypted, in the PHI store); sha256 stays that of `raw`.
   */
  quarantineCopy?: { raw: Buffer | null; rawRef: string | null; context?: Record<string, unknown> };
  /**
   * Who submitted the input and proved it (the user running `rxledger ingest`, the POS token's
   * system, the person replaying a quarantined item): the entry's actor. The payload's
   * `handler_id` is then only what the file claims, kept as `data.claimed_handler_id` (Part 11
   * §11.10(d),(g): a record names the person who acted, not whoever a file names). Forms of a
   * signed-in user leave it out: there the handler is the session's user.
   */
  submitter?: string;
}

export type GateOutcome =
  | { status: 'committed'; entry: LedgerEntry; route: Route; correlationId: string; fingerprint: string }
  | { status: 'duplicate'; existing: { device_id: string; seq: number }; route: Route; correlationId: string; fingerprint: string }
  | { status: 'quarantined'; quarantineId: number; reasons: string[]; issues: string[]; correlationId: string }
  /** Only with `quarantine: false` (a replay being tried): nothing was written. */
  | { status: 'refused'; reasons: string[]; issues: string[]; correlationId: string };

export interface ProcessOptions {
  /** false: a failure is returned, not quarantined (used when replaying a quarantined item). */
  quarantine?: boolean;
  /** The hold this very entry resolves: the only hold the hold check must not refuse it for. */
  exceptHold?: string | null;
}

type Verdict =
  | { ok: true; entry: NewEntry; fingerprint: string; route: Route; serials: SerialClaim[] }
  | { ok: false; reasons: string[]; issues: string[] };

const SIGN = { RECEIPT: 1, DISPENSE: -1, RETURN: 1, ADJUSTMENT: 1, COUNT: 0, INITIAL_INVENTORY: 1 } as const;

/**
 * The one ingestion gate (DESIGN.md "The way data flows"): every NDJSON line, X12 line item,
 * POS call and UI form meets the same checks and the same commit.
 *
 *   normalize (the source's normalizer gives a Candidate) → validate (schema, NDC, catalog,
 *   schedule, handler, lot/expiry/serial, time) → route (facility, NDC, schedule, holds) →
 *   DSCSA serials → idempotency + commit (one savepoint, with the serial records) — or
 *   quarantine, with the raw bytes whole.
 *
 * Strict by default: a handler must be an active user or a configured handler id, and an NDC
 * must be in the catalog — an empty catalog refuses every NDC. Only the settings
 * `ingest.handler_policy=open` and `ingest.require_catalog=false` relax this (src/main/ingest/settings.ts).
 *
 * `processInTransaction` is synchronous and must run inside a transaction (callers batch lines
 * or add their own rows to it); `submit` wraps one event in its own transaction with retry.
 */
export class IngestGate {
  readonly metrics: IngestMetrics;
  private readonly stmts;
  private serialRegister: SerialRegister | null = null;

  constructor(private readonly deps: GateDeps) {
    this.metrics = deps.metrics ?? new IngestMetrics();
    this.stmts = {
      knownSchedule: deps.db.prepare<[string], { schedule: Schedule | null }>(
        'SELECT schedule FROM stock WHERE ndc = ? ORDER BY last_event_time DESC LIMIT 1',
      ),
      keyUsed: deps.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM idempotency WHERE key = ?'),
      sameOpen: deps.db.prepare<[string, string, string, string], { id: number }>(
        `SELECT q.id FROM quarantine q WHERE q.sha256 = ? AND q.source = ? AND q.reasons = ? AND q.context = ?
            AND NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.quarantine_id = q.id) LIMIT 1`,
      ),
    };
  }

  get db(): Db {
    return this.deps.db;
  }

  /**
   * The catalog when it holds rows, else null. (Null does not skip the NDC-in-catalog check:
   * with no catalog loaded every NDC is UNKNOWN_NDC unless `ingest.require_catalog=false`.)
   */
  get catalog(): CatalogPort | null {
    return this.deps.catalog && this.deps.catalog.hasRows() ? this.deps.catalog : null;
  }

  /** The workstation's audit trail. */
  get audit(): AuditTrail {
    return this.deps.audit ?? new AuditTrail(this.deps.db, () => this.now());
  }

  /** The DSCSA serial register (dscsa_serials), opened on first use. */
  get serials(): SerialRegister {
    return (this.serialRegister ??= new SerialRegister(this.deps.db));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
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
    if (catalog) {
      if (!catalog.isKnownNdc(ndc11)) refuse('UNKNOWN_NDC', `ndc: ${ndc11} is not in the catalog; unknown NDCs are never guessed: load a catalog that lists it (rxledger catalog import --data DIR FILE) and replay`);
      else {
        const cat = catalog.scheduleOf(ndc11);
        if (cat !== undefined) {
          if (schedule !== undefined && schedule !== cat) {
            refuse('SCHEDULE_MISMATCH', `schedule: ${schedule ?? 'not controlled'} was sent, the catalog classifies ${ndc11} as ${cat ?? 'not controlled'}`);
          }
          // The catalog decides; a change it made is an allowed transition.
          schedule = cat;
        }
      }
    }
    if (schedule === undefined) {
      if (known) schedule = known.schedule;
      else if (!reasons.includes('UNKNOWN_NDC')) {
        refuse('UNKNOWN_SCHEDULE', `schedule: ${ndc11} is not in the catalog and has no earlier entry; send its schedule or load the catalog`);
      }
    } else if (known && known.schedule !== schedule && !(catalog && catalog.scheduleOf(ndc11) === schedule)) {
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
    const serials = this.stmts.keyUsed.get(idempotencyKey) ? [] : this.serialClaims(e, ndc11, refuse);
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
  ): SerialClaim[] {
    if (e.type !== 'RECEIPT' && e.type !== 'RETURN') return [];
    const listed = Array.isArray(e.data.serials) ? e.data.serials.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
    const units = e.serial && !listed.includes(e.serial) ? [...listed, e.serial] : listed;
    if (!units.length) return [];
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
  private handlerProblem(handler: string, kind: EventSourceKind): string | null {
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

  /**
   * HOLD_PLACED and HOLD_RELEASED (src/main/holds): they move no stock and come from no outside
   * source, but they are ledger entries like any other, so they are written here too — in the
   * caller's transaction (the count or the signed adjustment they belong to), with the same
   * facility and handler checks and the same idempotent savepoint as every event. A refusal
   * throws (nothing of the caller's transaction is kept); a repeat returns the existing entry.
   */
  recordHoldInTransaction(entry: NewEntry): AppendResult {
    if (!this.deps.db.inTransaction) throw new Error('recordHoldInTransaction needs an open transaction');
    if (entry.type !== 'HOLD_PLACED' && entry.type !== 'HOLD_RELEASED') throw new Error(`recordHoldInTransaction takes hold entries, not ${entry.type}`);
    const facilities = this.deps.facilities();
    if (!facilities.includes(entry.facility_id)) throw new LedgerRuleError('INVALID_ENTRY', `facility_id: ${entry.facility_id} is not served by this workstation (${facilities.join(', ')})`);
    if (entry.source.kind === 'sync') throw new Error('entries pulled from a sibling are stored by the sync, not written here');
    const handler = this.handlerProblem(entry.actor, entry.source.kind);
    if (handler) throw new LedgerRuleError('INVALID_ENTRY', `actor: ${handler}`);
    if (typeof entry.data?.hold_id !== 'string') throw new LedgerRuleError('INVALID_ENTRY', 'data.hold_id: a hold entry names its hold');
    return this.deps.ledger.appendInTransaction(entry, null);
  }

  /** Runs one event through the gate inside the caller's transaction. */
  processInTransaction(input: GateInput, opts: ProcessOptions = {}): GateOutcome {
    const db = this.deps.db;
    if (!db.inTransaction) throw new Error('processInTransaction needs an open transaction');
    const correlationId = input.correlationId ?? randomUUID();
    const rawSha256 = input.rawSha256 ?? sha256Hex(input.raw);
    const verdict = this.evaluate(input.candidate, rawSha256, correlationId, opts.exceptHold ?? null, input.submitter ?? null);
    const fail = (reasons: string[], issues: string[]): GateOutcome =>
      opts.quarantine === false
        ? { status: 'refused', reasons, issues, correlationId }
        : { status: 'quarantined', quarantineId: this.quarantineInTransaction(input, reasons, issues, correlationId, rawSha256), reasons, issues, correlationId };
    if (!verdict.ok) return fail(verdict.reasons, verdict.issues);
    try {
      const res = verdict.serials.length ? this.commitWithSerials(verdict, input.source) : this.deps.ledger.trySavepoint(verdict.entry, verdict.fingerprint);
      if (res.status === 'committed') return { status: 'committed', entry: res.entry, route: verdict.route, correlationId, fingerprint: verdict.fingerprint };
      if (res.sameContent) return { status: 'duplicate', existing: res.existing, route: verdict.route, correlationId, fingerprint: verdict.fingerprint };
      return fail(['IDEMPOTENCY_CONFLICT'], [`idempotency_key was already used by entry ${res.existing.device_id}#${res.existing.seq} with different content`]);
    } catch (err) {
      if (err instanceof LedgerRuleError) return fail([err.code], [err.message]);
      if (err instanceof DuplicateSerialError) return fail(['DUPLICATE_SERIAL'], [err.message]);
      throw err;
    }
  }

  /** The entry and its DSCSA serial records in one savepoint: both or neither. */
  private commitWithSerials(verdict: Extract<Verdict, { ok: true }>, source: string) {
    const data = verdict.entry.data as Record<string, unknown> | undefined;
    const session = typeof data?.receiving_session === 'string' ? data.receiving_session : source;
    return this.deps.db.transaction(() => {
      const res = this.deps.ledger.trySavepoint(verdict.entry, verdict.fingerprint);
      if (res.status !== 'committed') return res;
      for (const claim of verdict.serials) {
        if (!claim.insert) continue;
        try {
          this.serials.record(claim, session, res.entry, res.entry.body.event_time);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new DuplicateSerialError(`serial: ${claim.serial} of ${claim.ndc11} is already on record (DSCSA); nothing was committed`);
          }
          throw err;
        }
      }
      return res;
    })();
  }

  /**
   * Quarantines the input in the caller's transaction. The same input (same bytes, source,
   * reasons and context) already waiting in the quarantine is not stored twice: a file sent
   * again finds its earlier items.
   */
  quarantineInTransaction(input: GateInput, reasons: string[], issues: string[], correlationId: string, rawSha256?: string): number {
    const copy = input.quarantineCopy;
    const sha = rawSha256 ?? input.rawSha256 ?? sha256Hex(input.raw);
    const context = { ...(input.context ?? {}), ...(copy?.context ?? {}) };
    const existing = this.stmts.sameOpen.get(sha, input.source, JSON.stringify(reasons), JSON.stringify(context));
    if (existing) return existing.id;
    return this.deps.quarantine.put({
      source: input.source,
      raw: copy ? copy.raw : input.raw,
      rawRef: copy?.rawRef ?? null,
      sha256: sha,
      reasons,
      issues,
      context,
      correlationId,
      receivedAt: this.now().toISOString(),
    });
  }

  /**
   * One event in its own IMMEDIATE transaction. A busy database is retried with exponential
   * backoff and full jitter; when it stays busy the event is quarantined with
   * TRANSIENT_FAILURE (and if even that cannot be written, the error is thrown: nothing lost,
   * the caller still holds the input).
   */
  async submit(input: GateInput, opts: ProcessOptions = {}): Promise<GateOutcome> {
    const t0 = performance.now();
    const correlationId = input.correlationId ?? randomUUID();
    const withId = { ...input, correlationId };
    const out = await this.retrying(
      () => this.deps.db.transaction(() => this.processInTransaction(withId, opts)).immediate(),
      withId,
    );
    this.observe(out, input.source, performance.now() - t0);
    return out;
  }

  /** Runs `work` with retry; after the last transient failure, quarantines `input` with its reason. */
  async retrying(work: () => GateOutcome, input: GateInput): Promise<GateOutcome> {
    try {
      return await withRetry(work, isTransientSqliteError, this.deps.retry ?? DEFAULT_RETRY, this.deps.sleep);
    } catch (err) {
      if (!isTransientSqliteError(err)) throw err;
      const correlationId = input.correlationId ?? randomUUID();
      const issues = [`the database stayed busy after ${(this.deps.retry ?? DEFAULT_RETRY).attempts} attempts: ${(err as Error).message}`];
      let id: number;
      try {
        id = this.deps.db.transaction(() => this.quarantineInTransaction(input, ['TRANSIENT_FAILURE'], issues, correlationId)).immediate();
      } catch {
        throw err;
      }
      return { status: 'quarantined', quarantineId: id, reasons: ['TRANSIENT_FAILURE'], issues, correlationId };
    }
  }

  observe(out: GateOutcome, source: string, latencyMs: number): void {
    if (out.status === 'refused') return;
    this.metrics.record({ latencyMs, outcome: out.status, source });
  }
}

class DuplicateSerialError extends Error {}

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

export interface GateOptions {
  catalog?: CatalogPort | null;
  activeHold?: ActiveHoldLookup;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** The gate of a workstation, built from its services. */
export function createGate(ws: Workstation, opts: GateOptions = {}): IngestGate {
  return new IngestGate({
    db: ws.db,
    ledger: ws.ledger,
    quarantine: ws.quarantine,
    facilities: () => [ws.facilityId, ...parseList(ws.setting('ingest.facilities'))],
    user: (id) => ws.users.get(id),
    setting: (k) => ws.setting(k),
    catalog: opts.catalog === undefined ? catalogFromDb(ws.db) : opts.catalog,
    audit: ws.audit,
    ...(opts.activeHold ? { activeHold: opts.activeHold } : {}),
    now: () => ws.clock.now(),
    metrics: ws.metrics,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
}

/**
 * For UI handlers and other features (receiving, counts): one canonical event from a form,
 * through the same gate as every file and POS call. The raw payload is the event's JSON as
 * submitted. `source` labels the quarantine item ("ui:receiving").
 */
export async function ingestEvent(
  ws: Workstation,
  event: CanonicalEventInput,
  opts: { source?: string; raw?: Buffer; context?: Record<string, unknown>; gate?: IngestGate } = {},
): Promise<GateOutcome> {
  const raw = opts.raw ?? Buffer.from(JSON.stringify(event), 'utf8');
  return (opts.gate ?? ws.gate).submit({
    source: opts.source ?? `${event.source.kind}`,
    raw,
    candidate: { ok: true, event },
    ...(opts.context ? { context: opts.context } : {}),
    correlationId: event.source.correlation_id,
  });
}

/** Same as ingestEvent, inside a transaction the caller holds (to write its own rows with it). */
export function ingestEventInTransaction(ws: Workstation, event: CanonicalEventInput, opts: { source?: string; raw?: Buffer; context?: Record<string, unknown>; gate?: IngestGate } = {}): GateOutcome {
  const raw = opts.raw ?? Buffer.from(JSON.stringify(event), 'utf8');
  return (opts.gate ?? ws.gate).processInTransaction({
    source: opts.source ?? `${event.source.kind}`,
    raw,
    candidate: { ok: true, event },
    ...(opts.context ? { context: opts.context } : {}),
    correlationId: event.source.correlation_id,
  });
}
