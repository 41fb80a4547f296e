import { isStorageFullError } from '../db/storage-full';
import { reserveWalRoom } from '../db/wal-room';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describeIssues } from '../../shared/schemas/drug-record';
import type { EntryBody } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { createGate, type ActiveHoldLookup, type GateInput, type GateOutcome, type IngestGate } from '../ingest/gate';
import type { CatalogPort } from '../ingest/catalog-port';
import { DEFAULT_RETRY, isTransientSqliteError, withRetry, type RetryPolicy } from '../ingest/retry';
import { sha256Hex } from '../ledger/hash';
import type { PhiVault } from '../phi/vault';
import { recordResolvedByResend } from '../quarantine/decide';
import type { Workstation } from '../workstation';
import { posEvent, posFingerprint } from './event';
import { POS_SYSTEM_ACTOR } from './token';
import { MetadataWorker } from './metadata-worker';
import { redactPhi } from '../../shared/ingest/phi-keys';
import { FINAL_REASONS, MALFORMED_REASONS, PosRequest, type PosKind } from './request';

export interface PosAnswer {
  status: number;
  body: PosReply;
}

export type PosReply =
  | { status: 'accepted'; transaction_id: string; entry: PosEntryView }
  | { status: 'refused'; reason: string; message: string; transaction_id: string | null; quarantine_id: number | null };

/** What the POS gets back of the committed entry: no PHI, only the patient token. */
export interface PosEntryView {
  device_id: string;
  seq: number;
  hash: string;
  type: string;
  facility_id: string;
  ndc: string | null;
  lot: string | null;
  schedule: string | null;
  quantity: number;
  delta: number;
  event_time: string;
  recorded_at: string;
  actor: string;
  patient_token: string | null;
}

export interface PosServiceOptions {
  activeHold?: ActiveHoldLookup;
  catalog?: CatalogPort | null;
  retry?: RetryPolicy;
  /** Test seam: the gate to use. */
  gate?: IngestGate;
}

interface StoredAnswer {
  transaction_id: string;
  kind: PosKind;
  fingerprint: string;
  status: 'accepted' | 'refused';
  reason: string | null;
  message: string | null;
  quarantine_id: number | null;
  entry_device_id: string | null;
  entry_seq: number | null;
}

/** A quarantine item an earlier attempt at the same POS transaction left. */
interface EarlierItem {
  id: number;
  sha256: string;
  reasons: string;
  context: string;
  decision: 'replayed' | 'rejected' | null;
  decided_by: string | null;
  decision_reason: string | null;
}

function view(device_id: string, seq: number, hash: string, body: EntryBody): PosEntryView {
  const token = body.data.patient_token;
  return {
    device_id,
    seq,
    hash,
    type: body.type,
    facility_id: body.facility_id,
    ndc: body.ndc,
    lot: body.lot,
    schedule: body.schedule,
    quantity: body.quantity,
    delta: body.delta,
    event_time: body.event_time,
    recorded_at: body.recorded_at,
    actor: body.actor,
    patient_token: typeof token === 'string' ? token : null,
  };
}

/**
 * The POS dispensing API's logic, apart from HTTP: a request goes through the ingestion gate
 * and is answered only after the ledger commit. Idempotent by transaction id: the first answer
 * is stored (pos_requests) and binds the id to the request's content; the same id with
 * different content is refused (IDEMPOTENCY_CONFLICT) and kept in quarantine. The same request
 * again gets the stored answer when it can never change (accepted, or refused for its content:
 * FINAL_REASONS); a refusal that depends on the workstation's state (HOLD_ACTIVE,
 * INSUFFICIENT_STOCK, TRANSIENT_FAILURE, ...) is evaluated again, and when the resend commits,
 * the quarantine items the earlier attempts left are recorded as replayed, naming the entry.
 * Patient fields are replaced by their token before anything is written; they are kept only
 * encrypted (PhiVault).
 */
export class PosService {
  readonly gate: IngestGate;
  readonly vault: PhiVault;
  readonly worker: MetadataWorker;
  private readonly db: Db;
  private readonly stmts;
  private readonly retry: RetryPolicy;
  private queue: Array<{ work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;

  constructor(
    private readonly ws: Workstation,
    opts: PosServiceOptions = {},
  ) {
    this.db = ws.db;
    // The workstation's one gate, unless a test host asks for its own holds, catalog or retry.
    this.gate =
      opts.gate ??
      (opts.activeHold || opts.catalog !== undefined || opts.retry
        ? createGate(ws, {
            ...(opts.activeHold ? { activeHold: opts.activeHold } : {}),
            ...(opts.catalog !== undefined ? { catalog: opts.catalog } : {}),
            ...(opts.retry ? { retry: opts.retry } : {}),
          })
        : ws.gate);
    this.vault = ws.phi;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.worker = new MetadataWorker(ws.db, () => ws.clock.now(), this.vault);
    this.stmts = {
      answer: ws.db.prepare<[string], StoredAnswer>('SELECT * FROM pos_requests WHERE transaction_id = ?'),
      putAnswer: ws.db.prepare(
        `INSERT INTO pos_requests (transaction_id, kind, fingerprint, status, reason, message, quarantine_id, entry_device_id, entry_seq, answered_at)
         VALUES (@transaction_id, @kind, @fingerprint, @status, @reason, @message, @quarantine_id, @entry_device_id, @entry_seq, @answered_at)`,
      ),
      entry: ws.db.prepare<[string, number], { hash: string; body: string }>('SELECT hash, body FROM ledger_entries WHERE device_id = ? AND seq = ?'),
      committedKey: ws.db.prepare<[string], { device_id: string; seq: number; fingerprint: string | null }>('SELECT device_id, seq, fingerprint FROM idempotency WHERE key = ?'),
      // Earlier attempts at a transaction: the same bytes (indexed; every request), or, when the
      // transaction was refused before, any item naming it (a scan of the POS items; resends only).
      earlierBySha: ws.db.prepare<[{ source: string; sha: string }], EarlierItem>(`${EARLIER_SELECT} WHERE q.sha256 = @sha AND q.source = @source`),
      earlierByTransaction: ws.db.prepare<[{ source: string; txid: string; qid: number | null }], EarlierItem>(
        `${EARLIER_SELECT} WHERE q.source = @source AND (json_extract(q.context, '$.transaction_id') = @txid OR q.id = @qid)`,
      ),
    };
  }

  /** Handles one POST body. Never throws for anything the caller sent. */
  async handle(kind: PosKind, raw: Buffer): Promise<PosAnswer> {
    const t0 = performance.now();
    const answer = await this.handleInner(kind, raw);
    if (answer.status !== 503) {
      this.gate.metrics.record({ latencyMs: performance.now() - t0, outcome: answer.body.status === 'accepted' ? 'committed' : 'quarantined', source: 'pos' });
    }
    return answer;
  }

  /**
   * `commit` runs the request's transaction: the group commit, or for a rehearsal (warmUp) a
   * transaction that is always rolled back.
   */
  private async handleInner(kind: PosKind, raw: Buffer, commit: Committer = (work) => this.commitInGroup(work)): Promise<PosAnswer> {
    const rehearsal = commit === this.rehearse;
    const rawSha256 = sha256Hex(raw);
    const correlationId = randomUUID();
    const source = `pos:${kind}`;
    // The raw request may hold PHI: its whole bytes go to the PHI store, encrypted; the
    // quarantine keeps a copy with the patient replaced by the token (or nothing, when the
    // body could not be read), plus the sha256 of the original.
    const quarantineMalformed = async (reason: string, issues: string[], txid: string | null, redacted: Buffer | null): Promise<PosAnswer> => {
      const ref = `pos-request:${rawSha256}`;
      const input: GateInput = {
        source,
        raw,
        rawSha256,
        correlationId,
        candidate: { ok: false, reasons: [reason], issues },
        context: { kind, transaction_id: txid },
        quarantineCopy: { raw: redacted, rawRef: `phi:${ref}`, context: { redacted: true } },
      };
      const id = await withRetry(
        () =>
          this.db
            .transaction(() => {
              if (!this.vault.find({ ref }).length) this.vault.store('pt_unknown', raw, 'quarantine', ref);
              return this.gate.quarantineInTransaction(input, [reason], issues, correlationId, rawSha256);
            })
            .immediate(),
        isTransientSqliteError,
        this.retry,
      ).catch(() => null);
      return { status: 400, body: { status: 'refused', reason, message: issues.join('; '), transaction_id: txid, quarantine_id: id } };
    };

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return quarantineMalformed('MALFORMED_JSON', [`the body is not JSON: ${(err as Error).message}`], null, null);
    }
    const parsed = PosRequest.safeParse(json);
    const txidOf = (j: unknown) => (j && typeof j === 'object' && typeof (j as Record<string, unknown>).transaction_id === 'string' ? String((j as Record<string, unknown>).transaction_id).slice(0, 100) : null);
    if (!parsed.success) {
      // Patient data can sit anywhere in a refused body (metadata.patient_name, a top-level
      // "Patient"): every PHI-like key and every metadata value is kept only in the PHI store.
      const redacted = json && typeof json === 'object' && !Array.isArray(json) ? Buffer.from(JSON.stringify(redactPhi(json, ['metadata']))) : null;
      return quarantineMalformed('SCHEMA', describeIssues(parsed.error.issues), txidOf(json), redacted);
    }
    const req = parsed.data;
    if (kind === 'dispense' && req.patient === null) {
      return quarantineMalformed('SCHEMA', ['patient: a dispense needs the patient'], req.transaction_id, Buffer.from(JSON.stringify(redactPhi({ ...req, patient: null }, ['metadata']))));
    }
    const patient = req.patient;
    const token = patient ? (patient.token ?? this.vault.token(patient)) : null;
    const patientFields = patient && Object.keys(patient).some((k) => k !== 'token') ? Buffer.from(JSON.stringify(stripUndefined(patient))) : null;
    const redacted = Buffer.from(JSON.stringify(redactPhi({ ...req, patient: token ? { token } : null }, ['metadata'])));
    const fingerprint = posFingerprint(kind, req, token);
    const input: GateInput = {
      source,
      raw,
      rawSha256,
      correlationId,
      // The fingerprint lets a later commit of the same content find the items this attempt left.
      context: { kind, transaction_id: req.transaction_id, fingerprint },
      submitter: POS_SYSTEM_ACTOR,
      quarantineCopy: { raw: redacted, rawRef: `phi:pos-request:${rawSha256}`, context: { redacted: true } },
      candidate: { ok: true, event: posEvent(kind, req, token, { facilityId: this.ws.facilityId, correlationId, payloadSha256: rawSha256, fingerprint }) },
    };

    const work = (): PosAnswer & { route?: 'non-controlled' | 'controlled' | 'cii' } => {
      const prior = this.stmts.answer.get(req.transaction_id);
      if (prior && prior.fingerprint === fingerprint && prior.kind === kind) {
        const stored = this.storedAnswer(prior);
        if (stored) return stored;
      } else if (prior) {
        const reason = 'IDEMPOTENCY_CONFLICT';
        const issues = [
          `transaction_id ${req.transaction_id} was already used for a different ${prior.kind} (answered ${prior.status}); this request differs — send a new transaction_id`,
        ];
        this.keepOriginal(token, raw, rawSha256);
        const qid = this.gate.quarantineInTransaction(input, [reason], issues, correlationId, rawSha256);
        return { status: 409, body: { status: 'refused', reason, message: issues[0]!, transaction_id: req.transaction_id, quarantine_id: qid } };
      }
      // Here: a new transaction, or the same request again after a refusal that depends on the
      // workstation's state. Quarantine items its earlier attempts left (open) are resolved when it
      // commits, and the entry names the latest (data.replay_of).
      const earlier = this.earlierItems(source, req.transaction_id, fingerprint, rawSha256, prior ?? null);
      // The compliance officer rejected the transaction: that decision is final, a resend does not undo it.
      const rejected = earlier.find((i) => i.decision === 'rejected');
      if (rejected) {
        const note = `quarantine item #${rejected.id} was rejected by ${rejected.decided_by}: ${rejected.decision_reason}; send a new transaction_id if it must be recorded`;
        if (prior) return this.refusedAnswer(prior, ` (${note})`);
        const reason = parseReasons(rejected.reasons)[0] ?? 'INVALID_ENTRY';
        return { status: 409, body: { status: 'refused', reason, message: note, transaction_id: req.transaction_id, quarantine_id: rejected.id } };
      }
      const open = earlier.filter((i) => i.decision === null);
      const candidate: GateInput['candidate'] =
        open.length && input.candidate.ok ? { ok: true, event: { ...input.candidate.event, replay_of: open[open.length - 1]!.id } } : input.candidate;
      const out: GateOutcome = this.gate.processInTransaction({ ...input, candidate });
      const answeredAt = this.ws.clock.now().toISOString();
      if (out.status === 'committed' || out.status === 'duplicate') {
        const ref = out.status === 'committed' ? { device_id: out.entry.device_id, seq: out.entry.seq } : out.existing;
        if (out.status === 'committed' && token && patientFields) this.vault.store(token, patientFields, kind, `pos:${req.transaction_id}`);
        for (const item of open) {
          recordResolvedByResend(this.ws, item.id, {
            actor: POS_SYSTEM_ACTOR,
            entries: [ref],
            reason: `the POS resent transaction ${req.transaction_id} and it was committed (refused before: ${parseReasons(item.reasons).join(', ')})`,
            resentSha256: rawSha256,
            details: { transaction_id: req.transaction_id, claimed_handler_id: req.handler_id },
          });
        }
        // The first answer stays the stored one (pos_requests is append-only); a later resend
        // finds the committed entry through its idempotency key.
        if (!prior) this.stmts.putAnswer.run({
          transaction_id: req.transaction_id,
          kind,
          fingerprint,
          status: 'accepted',
          reason: null,
          message: null,
          quarantine_id: null,
          entry_device_id: ref.device_id,
          entry_seq: ref.seq,
          answered_at: answeredAt,
        });
        if (req.metadata && out.route.lane !== 'non-controlled') this.worker.writeNow(req.transaction_id, req.metadata);
        const body = out.status === 'committed' ? view(out.entry.device_id, out.entry.seq, out.entry.hash, out.entry.body) : this.loadEntry(ref.device_id, ref.seq);
        return { status: 200, body: { status: 'accepted', transaction_id: req.transaction_id, entry: body }, route: out.route.lane };
      }
      if (out.status === 'refused') throw new Error('unreachable: the POS path always quarantines');
      this.keepOriginal(token, raw, rawSha256);
      const reason = out.reasons[0] ?? 'INVALID_ENTRY';
      const message = out.issues.join('; ');
      // Refused again (a resend): the first answer stays stored; this one names the new reason and item.
      if (!prior) this.stmts.putAnswer.run({
        transaction_id: req.transaction_id,
        kind,
        fingerprint,
        status: 'refused',
        reason,
        message,
        quarantine_id: out.quarantineId,
        entry_device_id: null,
        entry_seq: null,
        answered_at: answeredAt,
      });
      return {
        status: MALFORMED_REASONS.has(reason) ? 400 : 409,
        body: { status: 'refused', reason, message, transaction_id: req.transaction_id, quarantine_id: out.quarantineId },
      };
    };

    try {
      const answer = await commit(work);
      // Non-controlled metadata is written after the acknowledgment, off the request's path.
      if (answer.route === 'non-controlled' && req.metadata && !rehearsal) this.worker.enqueue(req.transaction_id, req.metadata);
      return { status: answer.status, body: answer.body };
    } catch (err) {
      // A full disk: nothing was committed, and quarantining the request would need the space
      // that is missing. The client retries the same transaction_id later (503, Retry-After).
      if (isStorageFullError(err)) {
        return {
          status: 503,
          body: { status: 'refused', reason: 'STORAGE_FULL', message: 'the workstation disk is full; nothing was committed. Send the same request again later', transaction_id: req.transaction_id, quarantine_id: null },
        };
      }
      if (!isTransientSqliteError(err)) throw err;
      const issues = [`the database stayed busy after ${this.retry.attempts} attempts; nothing was committed — send the same request again`];
      let qid: number | null = null;
      try {
        qid = this.db
          .transaction(() => {
            this.keepOriginal(token, raw, rawSha256);
            return this.gate.quarantineInTransaction(input, ['TRANSIENT_FAILURE'], issues, correlationId, rawSha256);
          })
          .immediate();
      } catch {
        qid = null;
      }
      return { status: 503, body: { status: 'refused', reason: 'TRANSIENT_FAILURE', message: issues[0]!, transaction_id: req.transaction_id, quarantine_id: qid } };
    }
  }

  /**
   * Group commit: requests that arrive while a commit is running are committed together in
   * the next transaction (one fsync for all of them), each in its own savepoint so a refusal
   * undoes only itself. Every request is still answered only after the commit that holds it.
   */
  private commitInGroup<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, 256);
    if (!batch.length) return;
    try {
      const results = await withRetry(
        () =>
          this.db
            .transaction(() =>
              batch.map((b) => {
                try {
                  return { ok: true as const, value: this.db.transaction(b.work)() };
                } catch (err) {
                  // A busy database fails the whole group (retried together), and so does a full disk:
                  // SQLite may have rolled the whole transaction back. Anything else is this request's own.
                  if (isTransientSqliteError(err) || isStorageFullError(err)) throw err;
                  return { ok: false as const, err };
                }
              }),
            )
            .immediate(),
        isTransientSqliteError,
        this.retry,
      );
      results.forEach((r, k) => (r.ok ? batch[k]!.resolve(r.value) : batch[k]!.reject(r.err)));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
    if (this.queue.length && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  private keepOriginal(token: string | null, raw: Buffer, rawSha256: string): void {
    const ref = `pos-request:${rawSha256}`;
    if (!this.vault.find({ ref }).length) this.vault.store(token ?? 'pt_unknown', raw, 'quarantine', ref);
  }

  private loadEntry(deviceId: string, seq: number): PosEntryView {
    const row = this.stmts.entry.get(deviceId, seq);
    if (!row) throw new Error(`ledger entry ${deviceId}#${seq} named by a POS answer is missing`);
    return view(deviceId, seq, row.hash, JSON.parse(row.body) as EntryBody);
  }

  /**
   * The answer stored for the same request, or null when it must be evaluated again: an
   * accepted transaction, or one committed since it was refused (resent, or fixed and replayed
   * from the quarantine: the entry is the answer now), or a refusal no resend can change.
   */
  private storedAnswer(prior: StoredAnswer): PosAnswer | null {
    if (prior.status === 'accepted') {
      return { status: 200, body: { status: 'accepted', transaction_id: prior.transaction_id, entry: this.loadEntry(prior.entry_device_id!, prior.entry_seq!) } };
    }
    const committed = this.stmts.committedKey.get(`pos:${prior.transaction_id}`);
    if (committed) {
      return { status: 200, body: { status: 'accepted', transaction_id: prior.transaction_id, entry: this.loadEntry(committed.device_id, committed.seq) } };
    }
    return FINAL_REASONS.has(prior.reason ?? 'INVALID_ENTRY') ? this.refusedAnswer(prior) : null;
  }

  private refusedAnswer(prior: StoredAnswer, note = ''): PosAnswer {
    const reason = prior.reason ?? 'INVALID_ENTRY';
    return {
      status: MALFORMED_REASONS.has(reason) ? 400 : 409,
      body: { status: 'refused', reason, message: (prior.message ?? '') + note, transaction_id: prior.transaction_id, quarantine_id: prior.quarantine_id },
    };
  }

  /**
   * Quarantine items left by earlier attempts at this transaction with this content, oldest
   * first: a refusal or a transient failure. Items of a conflicting request (other content) and
   * refusals no resend can change are not among them.
   */
  private earlierItems(source: string, txid: string, fingerprint: string, rawSha256: string, prior: StoredAnswer | null): EarlierItem[] {
    const rows = new Map<number, EarlierItem>();
    for (const r of this.stmts.earlierBySha.all({ source, sha: rawSha256 })) rows.set(r.id, r);
    if (prior) for (const r of this.stmts.earlierByTransaction.all({ source, txid, qid: prior.quarantine_id })) rows.set(r.id, r);
    return [...rows.values()]
      .filter((r) => {
        let ctx: Record<string, unknown> = {};
        try {
          ctx = JSON.parse(r.context) as Record<string, unknown>;
        } catch {
          return false;
        }
        if (ctx.transaction_id !== txid) return false;
        // Items from before the fingerprint was kept: the same bytes, or the item the stored answer names.
        const sameContent = ctx.fingerprint === fingerprint || (ctx.fingerprint === undefined && (r.sha256 === rawSha256 || r.id === prior?.quarantine_id));
        return sameContent && !parseReasons(r.reasons).some((x) => FINAL_REASONS.has(x));
      })
      .sort((a, b) => a.id - b.id);
  }

  /**
   * Makes the first requests as cheap as the later ones, before the port opens: starts the WAL
   * checkpoint and signing workers and waits for them, gives the WAL file its full size
   * (db/wal-room.ts), loads the PHI keys, and runs the request path `rounds` times on a synthetic
   * request — JSON, the request schema, the patient token, the fingerprint, the gate's checks
   * (the catalog, user, setting and hold look-ups with their prepared statements), the
   * stored-answer and earlier-attempt look-ups, and the ledger append up to the signature — then
   * `rehearsals` times through the whole request, writes included, inside a transaction that is
   * always rolled back, so V8 has compiled it and SQLite has prepared and run its statements.
   * Nothing is written: no ledger entry, stock, quarantine item, stored answer or PHI record
   * reaches the database, and the ledger's head does not move. Never throws: a warm-up that
   * fails only leaves the first requests slower.
   */
  async warmUp(rounds = 300, rehearsals = 60): Promise<{ workers: boolean; rounds: number; rehearsals: number; accepted: number; ms: number }> {
    const t0 = performance.now();
    const [checkpointer, signer] = await Promise.all([this.ws.checkpointer.start(), this.ws.ledger.startWorkers()]);
    let done = 0;
    let rehearsed = 0;
    let accepted = 0;
    try {
      // Before the synthetic rounds: the first commits then overwrite WAL blocks instead of growing the file.
      reserveWalRoom(this.db);
      this.vault.warmUp();
      const sample = this.warmUpSample();
      for (; done < rounds; done++) this.warmUpOnce(sample, done);
      // The writing half of the path — the group commit's savepoint, the inserts of the entry,
      // stock, stored answer and encrypted PHI, their statements' first runs — rehearsed on the
      // same synthetic request and always rolled back (rehearse). Nothing reaches the database.
      for (; rehearsed < rehearsals; rehearsed++) {
        const answer = await this.handleInner('dispense', this.warmUpBody(sample, `warm-up-r${rehearsed}`), this.rehearse);
        if (answer.status === 200) accepted++;
      }
    } catch (err) {
      console.warn('[rxledger] POS warm-up stopped early (the first requests may be slower):', (err as Error).message);
    }
    return { workers: checkpointer && signer, rounds: done, rehearsals: rehearsed, accepted, ms: performance.now() - t0 };
  }

  /**
   * Runs a request's work as the group commit does (a savepoint inside a write transaction) and
   * then rolls the whole transaction back, returning the answer the work gave. Any failure comes
   * out as a plain Error, so the request path never takes it for a busy database or a full disk
   * (whose handling would write a quarantine item).
   */
  private readonly rehearse: Committer = async <T,>(work: () => T): Promise<T> => {
    let answer: { value: T } | null = null;
    try {
      this.db
        .transaction(() => {
          answer = { value: this.db.transaction(work)() };
          throw ROLLED_BACK;
        })
        .immediate();
    } catch (err) {
      if (err !== ROLLED_BACK) throw new Error(`rehearsal failed: ${(err as Error).message}`);
    }
    if (!answer) throw new Error('rehearsal gave no answer');
    return (answer as { value: T }).value;
  };

  /** An NDC of the catalog, a lot in stock where there is one, and an active user, so the synthetic request takes the accepting path of the checks. */
  private warmUpSample(): { ndc: string; lot: string; handler: string } {
    const pick = (sql: string, fallback: string): string => {
      try {
        return (this.db.prepare(sql).pluck().get() as string | undefined) ?? fallback;
      } catch {
        return fallback;
      }
    };
    const stocked = pick(
      "SELECT s.ndc || char(9) || s.lot FROM stock s JOIN catalog_packages c ON c.ndc11 = s.ndc WHERE s.on_hand > 0 AND c.schedule IS NOT 'UNKNOWN' LIMIT 1",
      '',
    );
    const [ndc, lot] = stocked ? stocked.split('\t') : [pick("SELECT ndc11 FROM catalog_packages WHERE schedule IS NOT 'UNKNOWN' LIMIT 1", '00002-1200-30'), 'WARMUP'];
    return {
      ndc: ndc!,
      lot: lot || 'WARMUP',
      handler: pick('SELECT user_id FROM users WHERE disabled = 0 LIMIT 1', 'warm-up'),
    };
  }

  private warmUpBody(sample: { ndc: string; lot: string; handler: string }, txid: string): Buffer {
    return Buffer.from(
      JSON.stringify({
        transaction_id: txid,
        ndc: sample.ndc,
        lot: sample.lot,
        quantity: 1,
        handler_id: sample.handler,
        occurred_at: this.ws.clock.now().toISOString(),
        patient: { id: `${txid}-patient`, name: 'Warm Up', dob: '1970-01-01' },
        metadata: { rx_number: txid },
      }),
    );
  }

  private warmUpOnce(sample: { ndc: string; lot: string; handler: string }, i: number): void {
    const raw = this.warmUpBody(sample, `warm-up-${i}`);
    const rawSha256 = sha256Hex(raw);
    const parsed = PosRequest.safeParse(JSON.parse(raw.toString('utf8')));
    if (!parsed.success) throw new Error(describeIssues(parsed.error.issues).join('; '));
    const req = parsed.data;
    const token = req.patient ? this.vault.token(req.patient) : null;
    const fingerprint = posFingerprint('dispense', req, token);
    JSON.stringify({ ...req, patient: token ? { token } : null });
    // Reads only: the answer and the earlier attempts of a transaction id no request uses.
    const prior = this.stmts.answer.get(req.transaction_id);
    this.earlierItems('pos:dispense', req.transaction_id, fingerprint, rawSha256, prior ?? null);
    this.stmts.committedKey.get(`pos:${req.transaction_id}`);
    const event = posEvent('dispense', req, token, { facilityId: this.ws.facilityId, correlationId: randomUUID(), payloadSha256: rawSha256, fingerprint });
    const verdict = this.gate.evaluate({ ok: true, event }, rawSha256, event.source.correlation_id);
    this.ws.ledger.warmUp(
      verdict.ok
        ? verdict.entry
        : {
            type: 'DISPENSE',
            facility_id: this.ws.facilityId,
            ndc: sample.ndc,
            lot: sample.lot,
            serial: null,
            expiry: null,
            schedule: null,
            quantity: 1,
            delta: -1,
            event_time: event.event_time,
            actor: sample.handler,
            idempotency_key: event.idempotency_key,
            source: { kind: 'pos', correlation_id: event.source.correlation_id, payload_sha256: rawSha256 },
          },
    );
    JSON.stringify({ status: 'accepted', transaction_id: req.transaction_id, entry: { seq: 0, hash: fingerprint } });
  }

  async close(): Promise<void> {
    await this.worker.drain();
  }
}

type Committer = <T>(work: () => T) => Promise<T>;

/** Thrown inside a rehearsal's transaction so that better-sqlite3 rolls it back. */
const ROLLED_BACK = new Error('rehearsal rolled back');

const EARLIER_SELECT = `SELECT q.id, q.sha256, q.reasons, q.context, d.decision, d.decided_by, d.reason AS decision_reason
  FROM quarantine q LEFT JOIN quarantine_decisions d ON d.id = (SELECT MAX(id) FROM quarantine_decisions WHERE quarantine_id = q.id)`;

function parseReasons(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
