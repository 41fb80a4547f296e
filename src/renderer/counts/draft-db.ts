import { Dexie, type EntityTable } from 'dexie';
import type { CountDraft } from './draft';

interface MetaRow {
  key: string;
  value: string | null;
}

/**
 * Where the counts store keeps its drafts (as the receiving store keeps its own behind
 * `DraftStore`): the whole draft on every change, and which count each user was working on.
 */
export interface CountDraftStore {
  save(d: CountDraft): Promise<void>;
  get(countId: string): Promise<CountDraft | null>;
  /** The count this user was working on at this facility, if its draft is still here. */
  current(facilityId: string, userId: string): Promise<CountDraft | null>;
  /** After a successful submission (or a cancel): the draft has done its job. */
  discard(countId: string): Promise<void>;
}

/**
 * Count drafts in IndexedDB: one row per count, written on every change, and which count
 * each user was working on, so a reload resumes it.
 */
export class CountDrafts implements CountDraftStore {
  private readonly db: Dexie & { drafts: EntityTable<CountDraft, 'countId'>; meta: EntityTable<MetaRow, 'key'> };

  constructor(name = 'rxledger-counts') {
    this.db = new Dexie(name) as Dexie & { drafts: EntityTable<CountDraft, 'countId'>; meta: EntityTable<MetaRow, 'key'> };
    this.db.version(1).stores({ drafts: 'countId, userId', meta: 'key' });
  }

  async save(d: CountDraft): Promise<void> {
    await this.db.transaction('rw', this.db.drafts, this.db.meta, async () => {
      await this.db.drafts.put(d);
      await this.db.meta.put({ key: `current:${d.facilityId}:${d.userId}`, value: d.countId });
    });
  }

  async get(countId: string): Promise<CountDraft | null> {
    return (await this.db.drafts.get(countId)) ?? null;
  }

  /** The count this user was working on at this facility, if its draft is still here. */
  async current(facilityId: string, userId: string): Promise<CountDraft | null> {
    const id = (await this.db.meta.get(`current:${facilityId}:${userId}`))?.value;
    return id ? this.get(id) : null;
  }

  /** After a successful submission (or a cancel): the draft has done its job. */
  async discard(countId: string): Promise<void> {
    await this.db.transaction('rw', this.db.drafts, this.db.meta, async () => {
      const d = await this.db.drafts.get(countId);
      await this.db.drafts.delete(countId);
      if (d) {
        const k = `current:${d.facilityId}:${d.userId}`;
        if ((await this.db.meta.get(k))?.value === countId) await this.db.meta.delete(k);
      }
    });
  }

  close(): void {
    this.db.close();
  }
}

let shared: CountDrafts | null = null;
export const countDrafts = (): CountDrafts => (shared ??= new CountDrafts());
