import type { KeyObject } from 'node:crypto';
import { deltaAllowed, deltaRule, EntryBody, type EntryRef, type EntryType, type LedgerEntry } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { signHashBytes } from '../keys/device-key';
import { canonicalBody, checkedBody, onlyBodyKeys } from '../../shared/ledger/body-check';
import { entryHashBytes, GENESIS_PREV_HASH } from './hash';
import { ParallelSigner, SIGNER_CAPACITY } from './parallel-signer';
import { applyToStock, stockOnHand } from './stock';
import { PackageUnitsLookup } from '../catalog/package-units';
import { formatUnits } from '../../shared/units/unit-names';

/** What a caller supplies; the ledger adds device, seq, times and the chain. */
export type NewEntry = Omit<EntryBody, 'v' | 'device_id' | 'seq' | 'recorded_at' | 'idempotency_key' | 'corrects' | 'data'> & {
  idempotency_key?: string | null;
  corrects?: EntryRef | null;
  data?: EntryBody['data'];
};

export type AppendResult =
  | { status: 'committed'; entry: LedgerEntry }
  | { status: 'duplicate'; existing: { device_id: string; seq: number }; sameContent: boolean };

/** A business rule the append refused; nothing of the transaction is written. */
export class LedgerRuleError extends Error {
  constructor(
    readonly code: 'INSUFFICIENT_STOCK' | 'BAD_DELTA' | 'INVALID_ENTRY',
    message: string,
  ) {
    super(message);
  }
}

/** How long after the last append the WAL is checkpointed (if nothing else ran meanwhile). */
const IDLE_CHECKPOINT_MS = 250;

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * The single writer of this device's chain. Every append runs inside one IMMEDIATE
 * transaction that also updates the stock projection, the idempotency index and the outbox,
 * so a crash leaves either all of them or none.
 */
export class Ledger {
  private readonly stmts;
  private readonly signer: ParallelSigner;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly db: Db,
    readonly deviceId: string,
    private readonly privateKey: KeyObject,
    private readonly clock: Clock = systemClock,
    /** Checkpoints the WAL on another thread; without one (or when it cannot run) the ledger checkpoints when idle. */
    private readonly checkpointer: { request(): boolean } | null = null,
  ) {
    this.signer = new ParallelSigner(privateKey);
    this.stmts = {
      head: db.prepare<[string], { seq: number; hash: string }>(
        'SELECT seq, hash FROM ledger_entries WHERE device_id = ? ORDER BY seq DESC LIMIT 1',
      ),
      insert: db.prepare<[string, number, string, string, string, string, string, string, string | null, string | null, number, string, string]>(
        `INSERT INTO ledger_entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      idemGet: db.prepare<[string], { device_id: string; seq: number; fingerprint: string | null }>(
        'SELECT device_id, seq, fingerprint FROM idempotency WHERE key = ?',
      ),
      idemPut: db.prepare('INSERT INTO idempotency (key, device_id, seq, fingerprint) VALUES (?, ?, ?, ?)'),
      outbox: db.prepare('INSERT INTO outbox (device_id, seq, created_at) VALUES (?, ?, ?)'),
    };
  }

  head(): { seq: number; hash: string } {
    return this.stmts.head.get(this.deviceId) ?? { seq: 0, hash: GENESIS_PREV_HASH };
  }

  /**
   * Appends all entries in one transaction (all or none). The head is read once and carried;
   * every entry is checked, hashed and applied to the stock projection in order, then the
   * batch's signatures are made on two cores (see ParallelSigner) and the rows written in seq
   * order. What is stored is exactly what appending them one by one would store.
   */
  append(entries: NewEntry[]): AppendResult[] {
    const results = this.db
      .transaction(() => {
        if (entries.length < ParallelSigner.MIN_BATCH) return entries.map((e) => this.appendInTransaction(e));
        let head = this.head();
        const results: AppendResult[] = new Array<AppendResult>(entries.length);
        const batchKeys = new Map<string, { seq: number; fingerprint: string | null }>();
        for (let start = 0; start < entries.length; start += SIGNER_CAPACITY) {
          const end = Math.min(entries.length, start + SIGNER_CAPACITY);
          const parallel = end - start >= ParallelSigner.MIN_BATCH && this.signer.begin();
          const pending: Prepared[] = [];
          const pendingAt: number[] = [];
          for (let i = start; i < end; i++) {
            const p = this.prepare(entries[i]!, null, head, batchKeys);
            if ('status' in p) {
              results[i] = p;
              continue;
            }
            head = { seq: p.seq, hash: p.hash };
            // The worker starts signing while the next entries are still being prepared.
            if (parallel) this.signer.publish(pending.length, p.hashBytes);
            pending.push(p);
            pendingAt.push(i);
          }
          if (parallel) {
            this.signer.collect((j, signature) => {
              results[pendingAt[j]!] = this.write(pending[j]!, signature);
            });
          } else {
            pending.forEach((p, j) => (results[pendingAt[j]!] = this.write(p, signHashBytes(this.privateKey, p.hashBytes))));
          }
        }
        return results;
      })
      .immediate();
    this.checkpointWhenIdle();
    return results;
  }

  /** One entry in its own savepoint, so a refusal inside a larger batch undoes only itself. */
  trySavepoint(entry: NewEntry, fingerprint: string | null): AppendResult {
    return this.db.transaction(() => this.appendInTransaction(entry, fingerprint))();
  }

  appendOne(entry: NewEntry): AppendResult {
    return this.append([entry])[0]!;
  }

  /** Stops the signing worker and the idle checkpoint; the ledger still appends afterwards, signing in this thread. */
  close(): void {
    this.closed = true;
    this.signer.close();
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }

  /**
   * Copies the WAL back into the database file once the process has been idle for a moment, so
   * that work (and its fsync) does not land inside a later append. PASSIVE: it never waits for
   * or blocks a writer; what it cannot copy now is copied next time or by SQLite's own
   * auto-checkpoint. The timer does not keep the process alive.
   */
  private checkpointWhenIdle(): void {
    if (this.checkpointTimer || this.closed) return;
    if (this.checkpointer?.request()) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.closed || !this.db.open) return;
      if (this.db.inTransaction) return this.checkpointWhenIdle();
      try {
        this.db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        /* a busy or read-only database: SQLite's auto-checkpoint remains */
      }
    }, IDLE_CHECKPOINT_MS);
    this.checkpointTimer.unref();
  }

  /**
   * For callers that must write other rows in the same transaction (a hold with its count,
   * a quarantine decision with its replayed entry). Must be called inside db.transaction().
   */
  appendInTransaction(input: NewEntry, fingerprint: string | null = null): AppendResult {
    if (!this.db.inTransaction) throw new Error('appendInTransaction needs an open transaction');
    const p = this.prepare(input, fingerprint, this.head(), null);
    if ('status' in p) return p;
    const result = this.write(p, signHashBytes(this.privateKey, p.hashBytes));
    this.checkpointWhenIdle();
    return result;
  }

  /**
   * Everything of an append up to the signature: idempotency, delta and stock rules, the body
   * (schema-checked), its canonical text and hash. The stock projection is updated here, so
   * the next entry of a batch sees this one's effect.
   */
  private prepare(
    input: NewEntry,
    fingerprint: string | null,
    head: { seq: number; hash: string },
    batchKeys: Map<string, { seq: number; fingerprint: string | null }> | null,
  ): Prepared | AppendResult {
    const key = input.idempotency_key ?? null;
    if (key) {
      const existing = this.stmts.idemGet.get(key) ?? batchEntry(batchKeys, key, this.deviceId);
      if (existing) {
        return {
          status: 'duplicate',
          existing: { device_id: existing.device_id, seq: existing.seq },
          sameContent: fingerprint === null || existing.fingerprint === null || existing.fingerprint === fingerprint,
        };
      }
    }
    checkDelta(input.type, input.delta);
    if (input.delta < 0 && input.ndc) {
      const onHand = stockOnHand(this.db, input.facility_id, input.ndc, input.lot);
      if (onHand + input.delta < 0) {
        // Said in dosage units with their unit, as the stock is kept (looked up only on refusal).
        const unit = new PackageUnitsLookup(this.db).of(input.ndc)?.unit;
        throw new LedgerRuleError(
          'INSUFFICIENT_STOCK',
          `${input.ndc}${input.lot ? ` lot ${input.lot}` : ''}: ${formatUnits(onHand, unit)} on hand, cannot take ${formatUnits(-input.delta, unit)}`,
        );
      }
    }
    const seq = head.seq + 1;
    const body = this.body(input, seq, key);
    const text = canonicalBody(body);
    const hashBytes = entryHashBytes(head.hash, text);
    applyToStock(this.db, body);
    if (key && batchKeys) batchKeys.set(key, { seq, fingerprint });
    return { seq, prevHash: head.hash, hash: hashBytes.toString('hex'), hashBytes, text, body, key, fingerprint };
  }

  /**
   * Runs the append path up to the signature on `sample` and writes nothing: the reads (head,
   * idempotency key, stock), the body check, the canonical text, the hash and the signature.
   * A host calls it, with `startWorkers`, before it takes requests, so that the first real
   * appends do not pay for compiling and first-running that code. No entry, stock, sequence
   * number or outbox row is created; a sample that would be refused throws, as an append would.
   */
  warmUp(sample: NewEntry): void {
    const head = this.head();
    const key = sample.idempotency_key ?? null;
    if (key) this.stmts.idemGet.get(key);
    checkDelta(sample.type, sample.delta);
    if (sample.ndc) stockOnHand(this.db, sample.facility_id, sample.ndc, sample.lot);
    const text = canonicalBody(this.body(sample, head.seq + 1, key));
    signHashBytes(this.privateKey, entryHashBytes(head.hash, text));
  }

  /** Starts the signing worker and waits until it is ready (false where it cannot run: then batches sign in this thread). */
  startWorkers(): Promise<boolean> {
    return this.signer.start();
  }

  /** The entry body of `input` at `seq`, checked against the schema. */
  private body(input: NewEntry, seq: number, key: string | null): EntryBody {
    const recordedAt = this.clock.now().toISOString();
    const corrects = input.corrects ?? null;
    const data = input.data ?? {};
    // The common case skips zod (see body-check.ts); anything unusual goes through the schema.
    let body = onlyBodyKeys(input)
      ? checkedBody({
          v: 1,
          device_id: this.deviceId,
          seq,
          type: input.type,
          facility_id: input.facility_id,
          ndc: input.ndc,
          lot: input.lot,
          serial: input.serial,
          expiry: input.expiry,
          schedule: input.schedule,
          quantity: input.quantity,
          delta: input.delta,
          event_time: input.event_time,
          recorded_at: recordedAt,
          actor: input.actor,
          corrects,
          idempotency_key: key,
          source: input.source,
          data,
        })
      : null;
    if (!body) {
      const parsed = EntryBody.safeParse({ ...input, v: 1, device_id: this.deviceId, seq, recorded_at: recordedAt, idempotency_key: key, corrects, data });
      if (!parsed.success) {
        throw new LedgerRuleError('INVALID_ENTRY', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      }
      body = parsed.data;
    }
    return body;
  }

  /** Writes a prepared, signed entry with its idempotency key and outbox row. */
  private write(p: Prepared, signature: string): AppendResult {
    const { body } = p;
    this.stmts.insert.run(
      this.deviceId,
      p.seq,
      p.prevHash,
      p.hash,
      signature,
      p.text,
      body.type,
      body.facility_id,
      body.ndc,
      body.lot,
      body.delta,
      body.event_time,
      body.recorded_at,
    );
    // The fingerprint is of the normalized content, so a re-sent event with other bytes but the
    // same meaning is a duplicate, and the same key with a different meaning is a conflict.
    if (p.key) this.stmts.idemPut.run(p.key, this.deviceId, p.seq, p.fingerprint);
    this.stmts.outbox.run(this.deviceId, p.seq, body.recorded_at);
    return { status: 'committed', entry: { device_id: this.deviceId, seq: p.seq, prev_hash: p.prevHash, hash: p.hash, signature, body } };
  }
}

interface Prepared {
  seq: number;
  prevHash: string;
  hash: string;
  hashBytes: Buffer;
  text: string;
  body: EntryBody;
  key: string | null;
  fingerprint: string | null;
}

function batchEntry(
  batchKeys: Map<string, { seq: number; fingerprint: string | null }> | null,
  key: string,
  deviceId: string,
): { device_id: string; seq: number; fingerprint: string | null } | undefined {
  const e = batchKeys?.get(key);
  return e && { device_id: deviceId, seq: e.seq, fingerprint: e.fingerprint };
}

function checkDelta(type: EntryType, delta: number): void {
  if (!deltaAllowed(type, delta)) throw new LedgerRuleError('BAD_DELTA', `a ${type} entry needs a ${deltaRule(type)} stock change (got ${delta})`);
}
