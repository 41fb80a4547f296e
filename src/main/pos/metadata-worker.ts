import type { Db } from '../db/open';
import type { PhiVault } from '../phi/vault';

export type Metadata = Record<string, string | number | boolean | null>;

/**
 * Writes the metadata a POS sent (encrypted: see writeNow), for non-controlled products (rx number, register, ...) after the
 * acknowledgment, in small batches off the request path. Metadata of a controlled product is
 * written in the commit itself (writeNow). A crash between the ack and the write loses only
 * this metadata, never a ledger entry.
 */
export class MetadataWorker {
  private queue: Array<{ txid: string; metadata: Metadata }> = [];
  private scheduled: Promise<void> | null = null;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly vault: PhiVault,
  ) {
    this.insert = db.prepare('INSERT OR IGNORE INTO pos_metadata (transaction_id, written_at, metadata) VALUES (?, ?, ?)');
  }

  /**
   * Metadata values are free text a pharmacy system fills as it likes ("note": "called Mrs. …"):
   * they are kept encrypted in the PHI store; the row names the keys and the PHI record.
   */
  writeNow(txid: string, metadata: Metadata): void {
    const ref = `pos-metadata:${txid}`;
    const id = this.vault.store('pt_unknown', Buffer.from(JSON.stringify(metadata), 'utf8'), 'metadata', ref);
    this.insert.run(txid, this.now().toISOString(), JSON.stringify({ keys: Object.keys(metadata), phi_record: id }));
  }

  enqueue(txid: string, metadata: Metadata): void {
    this.queue.push({ txid, metadata });
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  private flush(): void {
    this.scheduled = null;
    const items = this.queue;
    this.queue = [];
    if (!items.length || !this.db.open) return;
    try {
      this.db.transaction(() => {
        for (const i of items) this.writeNow(i.txid, i.metadata);
      })();
    } catch (err) {
      // Busy: try again on the next turn; the queue is bounded by the request rate.
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        this.queue.unshift(...items);
        this.scheduled ??= new Promise<void>((r) => setTimeout(r, 50)).then(() => this.flush());
      } else console.error('[rxledger] POS metadata not written:', err);
    }
  }

  /** Waits for queued metadata to be written (on shutdown and in tests). */
  async drain(): Promise<void> {
    while (this.scheduled) await this.scheduled;
  }
}
