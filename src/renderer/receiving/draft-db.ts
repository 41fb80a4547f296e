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

/** What a synchronous mirror needs of `localStorage`. */
export type SyncStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * JSON values under one prefix in a synchronous store (`localStorage`), for drafts that must
 * outlive a reload an IndexedDB write might not. A value that cannot be read is no value; one
 * that cannot be written (storage full or refused) is left to IndexedDB.
 */
export class JsonMirror {
  constructor(
    private readonly storage: SyncStorage | null,
    private readonly prefix: string,
  ) {}

  get<T>(key: string): T | null {
    try {
      const text = this.storage?.getItem(this.prefix + key);
      return text ? (JSON.parse(text) as T) : null;
    } catch {
      return null;
    }
  }

  set(key: string, value: unknown): void {
    try {
      this.storage?.setItem(this.prefix + key, JSON.stringify(value));
    } catch {
      // Storage full or refused: IndexedDB still has it once its write commits.
    }
  }

  remove(key: string): void {
    this.storage?.removeItem(this.prefix + key);
  }
}

export class DexieDrafts implements DraftStore {
  private readonly db: Dexie & { drafts: EntityTable<DraftRow, 'key'> };
  /** Its keys are the database's name and the draft's key. */
  private readonly copies: JsonMirror;

  /**
   * `mirror` (localStorage) keeps a synchronous copy of the `mirrored` keys — the purchase order
   * being typed. An IndexedDB write is asynchronous: a reload a moment after the last keystroke
   * can end the page before the write commits, and the keystroke would be lost. The mirror is
   * written before `put` returns its promise; `get` gives whichever copy is newer.
   */
  constructor(
    name = 'rxledger-receiving',
    mirror: SyncStorage | null = null,
    private readonly mirrored: ReadonlySet<string> = new Set(),
  ) {
    this.db = new Dexie(name) as Dexie & { drafts: EntityTable<DraftRow, 'key'> };
    this.db.version(1).stores({ drafts: 'key' });
    this.copies = new JsonMirror(mirror, `${name}:`);
  }

  async get<T>(key: string): Promise<T | null> {
    const mirrored = this.mirrored.has(key) ? this.copies.get<DraftRow>(key) : null;
    const row = await this.db.drafts.get(key);
    const newest = mirrored && (!row || mirrored.savedAt >= row.savedAt) ? mirrored : row;
    return newest ? (newest.value as T) : null;
  }

  async put(key: string, value: unknown): Promise<void> {
    const row: DraftRow = { key, value, savedAt: new Date().toISOString() };
    if (this.mirrored.has(key)) this.copies.set(key, row);
    await this.db.drafts.put(row);
  }

  async delete(key: string): Promise<void> {
    if (this.mirrored.has(key)) this.copies.remove(key);
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
