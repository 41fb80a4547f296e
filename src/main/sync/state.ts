import type { Db } from '../db/open';

/** Keys of sync_state; one row each, written by whichever process syncs. */
export type SyncStateKey =
  | 'server_url'
  | 'enrolled_at'
  | 'state'
  | 'state_at'
  | 'message'
  | 'last_sync_at'
  | 'last_attempt_at'
  | 'server_head_seq'
  | 'server_head_hash'
  /** The central server's identity key (raw Ed25519, base64), pinned at enrollment. */
  | 'server_key'
  | 'reference_cursor'
  /** entry_signatures.id of the last local signature the server accepted. */
  | 'signature_push_cursor'
  /** The server's id of the last sibling signature stored here. */
  | 'signature_pull_cursor'
  /**
   * "1" once the server answered a push with `health: true`: it takes health in a push; "2" once
   * it also answered `health_suspect_open: true`: it takes the suspect count too.
   */
  | 'server_takes_health';

export type WorkerState = 'online' | 'offline' | 'auth-refused' | 'syncing';

export class SyncState {
  constructor(private readonly db: Db) {}

  get(key: SyncStateKey): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?').get(key)?.value ?? null;
  }

  set(values: Partial<Record<SyncStateKey, string | number | null>>): void {
    const put = this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const del = this.db.prepare('DELETE FROM sync_state WHERE key = ?');
    const write = () => {
      for (const [k, v] of Object.entries(values)) {
        if (v === null || v === undefined) del.run(k);
        else put.run(k, String(v));
      }
    };
    if (this.db.inTransaction) write();
    else this.db.transaction(write)();
  }

  num(key: SyncStateKey): number | null {
    const v = this.get(key);
    return v === null ? null : Number(v);
  }
}
