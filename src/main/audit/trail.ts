import { canonicalJson } from '../../shared/ledger/canonical';
import { LEGACY_ACTIONS, type AuditAction } from '../../shared/audit/actions';
import type { Db } from '../db/open';
import { GENESIS_PREV_HASH, sha256Hex } from '../ledger/hash';

export interface AuditEvent {
  actor: string;
  /** One of the closed set in src/shared/audit/actions.ts. */
  action: AuditAction;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  hash: string;
}

/**
 * The append-only audit trail: sign-ins and failures, lockouts, logoffs, user changes,
 * signatures, exports, quarantine decisions. Each row chains the previous row's hash so a
 * deleted or edited row is detectable even by someone who dropped the triggers.
 */
export class AuditTrail {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(event: AuditEvent): AuditRow {
    const write = () => {
      const prev = this.db.prepare<[], { hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
      const at = this.now().toISOString();
      const details = JSON.parse(JSON.stringify(event.details ?? {})) as Record<string, unknown>;
      const body = canonicalJson({ at, actor: event.actor, action: event.action, target: event.target ?? null, details });
      const prevHash = prev?.hash ?? GENESIS_PREV_HASH;
      const hash = sha256Hex(prevHash + body);
      const info = this.db
        .prepare('INSERT INTO audit_log (at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(at, event.actor, event.action, event.target ?? null, JSON.stringify(details), prevHash, hash);
      return { id: Number(info.lastInsertRowid), at, actor: event.actor, action: event.action, target: event.target ?? null, details, hash };
    };
    return this.db.inTransaction ? write() : this.db.transaction(write).immediate();
  }

  /** Rows newest first; `action` also finds the rows earlier versions wrote under its old name. */
  list(filter: { action?: AuditAction; since?: string; limit?: number } = {}): AuditRow[] {
    const names = filter.action ? [filter.action, ...Object.entries(LEGACY_ACTIONS).filter(([, a]) => a === filter.action).map(([old]) => old)] : null;
    const rows = this.db
      .prepare<[{ actions: string | null; since: string | null; limit: number }], Omit<AuditRow, 'details'> & { details: string }>(
        `SELECT id, at, actor, action, target, details, hash FROM audit_log
          WHERE (@actions IS NULL OR action IN (SELECT value FROM json_each(@actions))) AND (@since IS NULL OR at >= @since) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ actions: names ? JSON.stringify(names) : null, since: filter.since ?? null, limit: filter.limit ?? 500 });
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  /** Recomputes the audit chain; returns the id of the first row that does not hold. */
  verify(): { ok: boolean; checked: number; firstBadId: number | null } {
    let prev = GENESIS_PREV_HASH;
    let checked = 0;
    let expectedId: number | null = null;
    for (const r of this.db
      .prepare<[], { id: number; at: string; actor: string; action: string; target: string | null; details: string; prev_hash: string; hash: string }>(
        'SELECT * FROM audit_log ORDER BY id',
      )
      .iterate()) {
      const body = canonicalJson({ at: r.at, actor: r.actor, action: r.action, target: r.target, details: JSON.parse(r.details) });
      if ((expectedId !== null && r.id !== expectedId) || r.prev_hash !== prev || sha256Hex(prev + body) !== r.hash) {
        return { ok: false, checked, firstBadId: expectedId ?? r.id };
      }
      prev = r.hash;
      expectedId = r.id + 1;
      checked++;
    }
    return { ok: true, checked, firstBadId: null };
  }
}
