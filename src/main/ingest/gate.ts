import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CanonicalEventInput } from '../../shared/ingest/event';
import type { LedgerEntry } from '../../shared/schemas/ledger-entry';
import { IngestMetrics } from '../alerts/metrics';
import { AuditTrail } from '../audit/trail';
import type { User } from '../auth/users';
import type { Db } from '../db/open';
import { LedgerRuleError, type AppendResult, type Ledger, type NewEntry } from '../ledger/append';
import { sha256Hex } from '../ledger/hash';
import type { QuarantineStore } from '../quarantine/store';
import type { Workstation } from '../workstation';
import { catalogFromDb, type CatalogPort } from './catalog-port';
import { SerialRegister } from './serials';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from './retry';
import { GateRules, parseList, type ActiveHoldLookup, type Candidate, type Route, type Verdict } from './gate-rules';

export { parseList, type ActiveHoldLookup, type Candidate, type Route } from './gate-rules';


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
  /** What makes an event acceptable and where it goes (gate-rules.ts); this class writes. */
  readonly rules: GateRules;
  private readonly stmts;
  private serialRegister: SerialRegister | null = null;

  constructor(private readonly deps: GateDeps) {
    this.metrics = deps.metrics ?? new IngestMetrics();
    this.rules = new GateRules({
      db: deps.db,
      facilities: deps.facilities,
      user: deps.user,
      setting: deps.setting,
      catalog: () => this.catalog,
      serials: () => this.serials,
      activeHold: deps.activeHold,
      now: () => this.now(),
    });
    this.stmts = {
      sameOpen: deps.db.prepare<[string, string, string, string], { id: number }>(
        `SELECT q.id FROM quarantine q WHERE q.sha256 = ? AND q.source = ? AND q.reasons = ? AND q.context = ?
            AND NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.quarantine_id = q.id) LIMIT 1`,
      ),
    };
  }

  get db(): Db {
    return this.deps.db;
  }

  /** Validates and routes without writing anything (gate-rules.ts). Deterministic given the database state. */
  evaluate(candidate: Candidate, rawSha256: string, correlationId: string, exceptHold: string | null = null, submitter: string | null = null): Verdict {
    return this.rules.evaluate(candidate, rawSha256, correlationId, exceptHold, submitter);
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
    const handler = this.rules.handlerProblem(entry.actor, entry.source.kind);
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
