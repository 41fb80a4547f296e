import { Dexie, type EntityTable } from 'dexie';
import { JsonMirror, type SyncStorage } from '../receiving/draft-db';
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
 *
 * `mirror` (localStorage) keeps a synchronous copy of both, written before `save` returns its
 * promise: an IndexedDB transaction is asynchronous, and a reload a moment after the last
 * keystroke can end the page before it commits (the receiving PO lost a figure that way). A
 * read gives whichever copy of a draft is newer (`updatedAt`).
 */
export class CountDrafts implements CountDraftStore {
  private readonly db: Dexie & { drafts: EntityTable<CountDraft, 'countId'>; meta: EntityTable<MetaRow, 'key'> };
  private readonly copies: JsonMirror;

  constructor(name = 'rxledger-counts', mirror: SyncStorage | null = null) {
    this.db = new Dexie(name) as Dexie & { drafts: EntityTable<CountDraft, 'countId'>; meta: EntityTable<MetaRow, 'key'> };
    this.db.version(1).stores({ drafts: 'countId, userId', meta: 'key' });
    this.copies = new JsonMirror(mirror, `${name}:`);
  }

  async save(d: CountDraft): Promise<void> {
    const current = `current:${d.facilityId}:${d.userId}`;
    this.copies.set(`draft:${d.countId}`, d);
    this.copies.set(current, d.countId);
    await this.db.transaction('rw', this.db.drafts, this.db.meta, async () => {
      await this.db.drafts.put(d);
      await this.db.meta.put({ key: current, value: d.countId });
    });
  }

  async get(countId: string): Promise<CountDraft | null> {
    const copy = this.copies.get<CountDraft>(`draft:${countId}`);
    const row = (await this.db.drafts.get(countId)) ?? null;
    return copy && (!row || copy.updatedAt >= row.updatedAt) ? copy : row;
  }

  /** The count this user was working on at this facility, if its draft is still here. */
  async current(facilityId: string, userId: string): Promise<CountDraft | null> {
    const key = `current:${facilityId}:${userId}`;
    const id = this.copies.get<string>(key) ?? (await this.db.meta.get(key))?.value;
    return id ? this.get(id) : null;
  }

  /** After a successful submission (or a cancel): the draft has done its job. */
  async discard(countId: string): Promise<void> {
    const copy = this.copies.get<CountDraft>(`draft:${countId}`);
    this.copies.remove(`draft:${countId}`);
    if (copy) {
      const k = `current:${copy.facilityId}:${copy.userId}`;
      if (this.copies.get<string>(k) === countId) this.copies.remove(k);
    }
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
export const countDrafts = (): CountDrafts => (shared ??= new CountDrafts('rxledger-counts', typeof localStorage === 'undefined' ? null : localStorage));
