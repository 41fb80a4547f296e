import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { workerReady } from './worker-ready';

/**
 * Copies the WAL back into the database file on a thread of its own, on its own connection.
 *
 * A checkpoint writes every page changed since the last one into the database file and
 * fsyncs it: milliseconds normally, hundreds of milliseconds when the disk is busy. Done on
 * the main thread (as SQLite's auto-checkpoint does, inside whichever commit crosses its
 * threshold) it stalls every request waiting there, the POS API's acknowledgments included.
 * Here the main thread only bumps a counter; the worker runs `wal_checkpoint(PASSIVE)`, which
 * never waits for or blocks a writer: WAL mode lets it copy committed frames while the main
 * connection goes on appending. Durability does not depend on it: every commit is already
 * fsynced in the WAL (synchronous=FULL).
 *
 * Where the worker cannot start (no worker threads, better-sqlite3 not loadable there) the
 * caller falls back to checkpointing in its own thread, as before.
 */

// ctrl slots (Int32)
const REQUESTS = 0;
const STOP = 1;
/** 1 once the worker has closed its connection (the main thread waits for it on close). */
const CLOSED = 2;
/** Checkpoints the worker has finished: for tests and diagnostics. */
const DONE = 3;
const CTRL_INTS = 4;

/** Plain CommonJS: loads the same way from sources, tests and the bundled app. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.sab, 0, ${CTRL_INTS});
let db = null;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    if (Atomics.load(ctrl, ${STOP}) !== 0) break;
    const n = Atomics.load(ctrl, ${REQUESTS});
    if (n === seen) {
      Atomics.wait(ctrl, ${REQUESTS}, n, 1000);
      continue;
    }
    seen = n;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // Busy or locked: the next request tries again; SQLite's own auto-checkpoint remains.
    }
    Atomics.add(ctrl, ${DONE}, 1);
  }
} finally {
  try { if (db) db.close(); } catch (err) {}
  Atomics.store(ctrl, ${CLOSED}, 1);
  Atomics.notify(ctrl, ${CLOSED});
}
`;

export interface WalCheckpointerOptions {
  /** How long after a request the checkpoint runs, so that a burst of commits is copied once. */
  delayMs?: number;
}

export class WalCheckpointer {
  private worker: Worker | null = null;
  private broken = false;
  private ready = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4));
  private readonly delayMs: number;

  constructor(
    private readonly dbFile: string,
    opts: WalCheckpointerOptions = {},
  ) {
    this.delayMs = opts.delayMs ?? 250;
  }

  /** False when the worker could not run: the caller must checkpoint in its own thread. */
  get available(): boolean {
    return !this.broken && !this.closed;
  }

  /** Checkpoints finished by the worker so far. */
  get completed(): number {
    return Atomics.load(this.ctrl, DONE);
  }

  /**
   * Asks for a checkpoint after the delay (one for all requests made meanwhile). Returns false
   * when the worker is unavailable, so the caller checkpoints itself. The timer does not keep
   * the process alive.
   */
  request(): boolean {
    if (!this.available) return false;
    if (this.timer) return true;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed || !this.ensureWorker()) return;
      Atomics.add(this.ctrl, REQUESTS, 1);
      Atomics.notify(this.ctrl, REQUESTS);
    }, this.delayMs);
    this.timer.unref();
    return true;
  }

  /**
   * Starts the worker now and resolves once it has opened its connection (false when it cannot
   * run, or did not answer within `timeoutMs`). A host calls it before taking requests, so the
   * first checkpoint does not start a thread (and load SQLite in it) beside a request.
   */
  async start(timeoutMs = 10_000): Promise<boolean> {
    if (!this.available || !this.ensureWorker()) return false;
    if (this.ready) return true;
    const w = this.worker!;
    this.ready = await workerReady(w, 'ready', timeoutMs);
    return this.ready;
  }

  private ensureWorker(): boolean {
    if (this.worker) return true;
    if (this.broken) return false;
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.dbFile, driver, sab: this.ctrl.buffer } });
      w.unref();
      w.on('message', (m) => {
        if (m === 'ready') this.ready = true;
      });
      w.on('error', (err) => {
        console.warn('[rxledger] checkpoint worker stopped, checkpointing in the main thread:', err.message);
        this.broken = true;
        this.worker = null;
      });
      w.on('exit', () => {
        if (this.worker === w) this.worker = null;
      });
      this.worker = w;
      return true;
    } catch (err) {
      console.warn('[rxledger] checkpoint worker unavailable, checkpointing in the main thread:', (err as Error).message);
      this.broken = true;
      return false;
    }
  }

  /**
   * Stops the worker and waits (up to 2 s) until its connection is closed, so that the main
   * connection closing next is the last one and SQLite folds the WAL into the database file
   * as it always did: a closed workstation folder is one self-contained .db file.
   */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.notify(this.ctrl, REQUESTS);
    const deadline = Date.now() + 2000;
    while (Atomics.load(this.ctrl, CLOSED) === 0 && Date.now() < deadline) Atomics.wait(this.ctrl, CLOSED, 0, 50);
    void w.terminate();
  }
}
