import type { Db } from '../db/open';
import { sha256Hex } from '../ledger/hash';

export interface QuarantineInput {
  source: string;
  /** The input exactly as received; null only when it was too large to keep in the database. */
  raw: Buffer | null;
  /** Where the bytes are when they were too large to copy (file, offset, length). */
  rawRef?: string | null;
  /** sha256 of the raw bytes (computed from raw when not given). */
  sha256?: string;
  reasons: string[];
  issues: string[];
  context?: Record<string, unknown>;
  correlationId: string;
  receivedAt: string;
}

export interface QuarantineItem {
  id: number;
  source: string;
  sha256: string;
  reasons: string[];
  issues: string[];
  received_at: string;
  status: 'open' | 'replayed' | 'rejected';
  context: Record<string, unknown>;
  correlation_id: string;
  raw_ref: string | null;
}

export interface QuarantineDecision {
  id: number;
  quarantine_id: number;
  decision: 'replayed' | 'rejected';
  decided_by: string;
  decided_at: string;
  reason: string;
  entry_ref: string | null;
}

/** The dead-letter queue: inputs that did not become ledger entries, kept whole and never deleted. */
export class QuarantineStore {
  constructor(private readonly db: Db) {}

  put(item: QuarantineInput): number {
    const sha = item.sha256 ?? sha256Hex(item.raw ?? Buffer.alloc(0));
    const info = this.db
      .prepare(
        'INSERT INTO quarantine (source, received_at, sha256, raw, raw_ref, reasons, issues, context, correlation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        item.source,
        item.receivedAt,
        sha,
        item.raw,
        item.rawRef ?? null,
        JSON.stringify(item.reasons),
        JSON.stringify(item.issues),
        JSON.stringify(item.context ?? {}),
        item.correlationId,
      );
    return Number(info.lastInsertRowid);
  }

  list(filter: { status?: QuarantineItem['status']; id?: number } = {}): QuarantineItem[] {
    const rows = this.db
      .prepare<[{ id: number | null }], Record<string, unknown>>(
        `SELECT q.id, q.source, q.sha256, q.reasons, q.issues, q.received_at, q.context, q.correlation_id, q.raw_ref,
                COALESCE((SELECT decision FROM quarantine_decisions d WHERE d.quarantine_id = q.id ORDER BY d.id DESC LIMIT 1), 'open') AS status
           FROM quarantine q WHERE (@id IS NULL OR q.id = @id) ORDER BY q.id`,
      )
      .all({ id: filter.id ?? null });
    const items = rows.map((r) => ({
      id: r.id as number,
      source: r.source as string,
      sha256: r.sha256 as string,
      reasons: JSON.parse(r.reasons as string) as string[],
      issues: JSON.parse(r.issues as string) as string[],
      received_at: r.received_at as string,
      status: r.status as QuarantineItem['status'],
      context: JSON.parse(r.context as string) as Record<string, unknown>,
      correlation_id: r.correlation_id as string,
      raw_ref: (r.raw_ref as string | null) ?? null,
    }));
    return filter.status ? items.filter((i) => i.status === filter.status) : items;
  }

  get(id: number): QuarantineItem | null {
    return this.list({ id })[0] ?? null;
  }

  /** The decisions on an item, oldest first (replayed or rejected; at most one is final). */
  decisions(id: number): QuarantineDecision[] {
    return this.db
      .prepare<[number], QuarantineDecision>('SELECT id, quarantine_id, decision, decided_by, decided_at, reason, entry_ref FROM quarantine_decisions WHERE quarantine_id = ? ORDER BY id')
      .all(id);
  }

  /** Records a decision; call inside the transaction that also writes its effects and audit row. */
  decide(d: Omit<QuarantineDecision, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO quarantine_decisions (quarantine_id, decision, decided_by, decided_at, reason, entry_ref) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.quarantine_id, d.decision, d.decided_by, d.decided_at, d.reason, d.entry_ref);
    return Number(info.lastInsertRowid);
  }

  raw(id: number): Buffer | null {
    const row = this.db.prepare<[number], { raw: Buffer | null }>('SELECT raw FROM quarantine WHERE id = ?').get(id);
    return row?.raw ?? null;
  }

  openCount(): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM quarantine q WHERE NOT EXISTS (SELECT 1 FROM quarantine_decisions d WHERE d.quarantine_id = q.id)')
        .get() as { n: number }
    ).n;
  }
}
