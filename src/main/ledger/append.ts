import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../../shared/ledger/canonical';
import { deltaRule, EntryBody, type EntryRef, type EntryType, type LedgerEntry } from '../../shared/schemas/ledger-entry';
import type { Db } from '../db/open';
import { signHash } from '../keys/device-key';
import { entryHash, GENESIS_PREV_HASH } from './hash';
import { applyToStock, stockOnHand } from './stock';

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

  constructor(
    readonly db: Db,
    readonly deviceId: string,
    private readonly privateKey: KeyObject,
    private readonly clock: Clock = systemClock,
  ) {
    this.stmts = {
      head: db.prepare<[string], { seq: number; hash: string }>(
        'SELECT seq, hash FROM ledger_entries WHERE device_id = ? ORDER BY seq DESC LIMIT 1',
      ),
      insert: db.prepare(
        `INSERT INTO ledger_entries (device_id, seq, prev_hash, hash, signature, body, type, facility_id, ndc, lot, delta, event_time, recorded_at)
         VALUES (@device_id, @seq, @prev_hash, @hash, @signature, @body, @type, @facility_id, @ndc, @lot, @delta, @event_time, @recorded_at)`,
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

  /** Appends all entries in one transaction (all or none). */
  append(entries: NewEntry[]): AppendResult[] {
    return this.db.transaction(() => entries.map((e) => this.appendInTransaction(e))).immediate();
  }

  /** One entry in its own savepoint, so a refusal inside a larger batch undoes only itself. */
  trySavepoint(entry: NewEntry, fingerprint: string | null): AppendResult {
    return this.db.transaction(() => this.appendInTransaction(entry, fingerprint))();
  }

  appendOne(entry: NewEntry): AppendResult {
    return this.append([entry])[0]!;
  }

  /**
   * For callers that must write other rows in the same transaction (a hold with its count,
   * a quarantine decision with its replayed entry). Must be called inside db.transaction().
   */
  appendInTransaction(input: NewEntry, fingerprint: string | null = null): AppendResult {
    if (!this.db.inTransaction) throw new Error('appendInTransaction needs an open transaction');
    const key = input.idempotency_key ?? null;
    if (key) {
      const existing = this.stmts.idemGet.get(key);
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
        throw new LedgerRuleError(
          'INSUFFICIENT_STOCK',
          `${input.ndc}${input.lot ? ` lot ${input.lot}` : ''}: ${onHand} on hand, cannot take ${-input.delta}`,
        );
      }
    }
    const head = this.head();
    const seq = head.seq + 1;
    const recordedAt = this.clock.now().toISOString();
    const parsed = EntryBody.safeParse({
      ...input,
      v: 1,
      device_id: this.deviceId,
      seq,
      recorded_at: recordedAt,
      idempotency_key: key,
      corrects: input.corrects ?? null,
      data: input.data ?? {},
    });
    if (!parsed.success) {
      throw new LedgerRuleError('INVALID_ENTRY', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const body = parsed.data;
    const text = canonicalJson(body);
    const hash = entryHash(head.hash, text);
    const signature = signHash(this.privateKey, hash);
    this.stmts.insert.run({
      device_id: this.deviceId,
      seq,
      prev_hash: head.hash,
      hash,
      signature,
      body: text,
      type: body.type,
      facility_id: body.facility_id,
      ndc: body.ndc,
      lot: body.lot,
      delta: body.delta,
      event_time: body.event_time,
      recorded_at: recordedAt,
    });
    applyToStock(this.db, body);
    // The fingerprint is of the normalized content, so a re-sent event with other bytes but the
    // same meaning is a duplicate, and the same key with a different meaning is a conflict.
    if (key) this.stmts.idemPut.run(key, this.deviceId, seq, fingerprint);
    this.stmts.outbox.run(this.deviceId, seq, recordedAt);
    return { status: 'committed', entry: { device_id: this.deviceId, seq, prev_hash: head.hash, hash, signature, body } };
  }
}

function checkDelta(type: EntryType, delta: number): void {
  const rule = deltaRule(type);
  const ok =
    rule === 'any' ||
    (rule === 'positive' && delta > 0) ||
    (rule === 'negative' && delta < 0) ||
    (rule === 'zero' && delta === 0) ||
    (rule === 'nonzero' && delta !== 0);
  if (!ok) throw new LedgerRuleError('BAD_DELTA', `a ${type} entry needs a ${rule} stock change (got ${delta})`);
}
