import { Dexie, type EntityTable } from 'dexie';

/**
 * The receiving draft in IndexedDB (Dexie): what must survive a reload or a crash of the
 * window — the purchase order being typed, the last view of the session with its scan feed
 * and cursor, and a commit that was sent but not yet answered (re-sent on the next start;
 * the main process commits it once). The scanned units themselves are written by the main
 * process as each scan arrives (SQLite), so nothing scanned depends on this copy.
 */
export interface DraftStore {
  get<T>(key: string): Promise<T | null>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

interface DraftRow {
  key: string;
  value: unknown;
  savedAt: string;
}

export class DexieDrafts implements DraftStore {
  private readonly db: Dexie & { drafts: EntityTable<DraftRow, 'key'> };

  constructor(name = 'rxledger-receiving') {
    this.db = new Dexie(name) as Dexie & { drafts: EntityTable<DraftRow, 'key'> };
    this.db.version(1).stores({ drafts: 'key' });
  }

  async get<T>(key: string): Promise<T | null> {
    const row = await this.db.drafts.get(key);
    return row ? (row.value as T) : null;
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.db.drafts.put({ key, value, savedAt: new Date().toISOString() });
  }

  async delete(key: string): Promise<void> {
    await this.db.drafts.delete(key);
  }

  close(): void {
    this.db.close();
  }
}

/** For environments without IndexedDB: the draft lives only as long as the page. */
export class MemoryDrafts implements DraftStore {
  private readonly map = new Map<string, unknown>();
  async get<T>(key: string): Promise<T | null> {
    return this.map.has(key) ? (structuredClone(this.map.get(key)) as T) : null;
  }
  async put(key: string, value: unknown): Promise<void> {
    this.map.set(key, structuredClone(value));
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}
