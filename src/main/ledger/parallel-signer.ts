import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { workerReady } from '../db/worker-ready';
import { signHashBytes } from '../keys/device-key';

/**
 * Signs a batch of entry hashes on two cores while the caller stays synchronous (the append
 * runs inside an SQLite transaction and must not yield to the event loop).
 *
 * The chain does not depend on signatures (hash = SHA-256(prev_hash ‖ body)), so once a
 * batch's hashes are known they can be signed in any order. A persistent worker thread holds
 * a copy of the device key and signs from a shared buffer; the calling thread claims items
 * from the same atomic counter, signs them itself and writes the rows in seq order as their
 * signatures become ready. It never waits for the worker: an item the worker has claimed but
 * not finished is signed again in this thread (Ed25519 signatures are deterministic, RFC
 * 8032, so both give the same bytes). A slow, busy or missing worker therefore costs speed,
 * never correctness, and the result is byte for byte what `signHash` gives.
 *
 * Each batch is a "generation": an item counts as signed by the worker only when its done
 * flag carries the current generation, so a late write from an earlier batch is ignored.
 */
export const SIGNER_CAPACITY = 1024;

// ctrl slots
const GEN = 0;
const COUNT = 1;
const CLAIM = 2;
const STOP = 3;
/** 1 while the worker sleeps waiting for items: only then is a notify needed. */
const SLEEP = 4;
const CTRL_INTS = 5;
/** The worker is told about new items this often (a notify costs more than signing is worth for one item). */
const PUBLISH_EVERY = 8;

/**
 * The worker's code: plain CommonJS, so it loads the same way from sources, tests and the
 * bundled app. It claims an item only while the claim is below the published count, and tags
 * the finished item with the generation it claimed it in, read before and checked after the
 * claim, so an item of an older batch can never be taken for one of the current batch.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey({ key: Buffer.from(workerData.der), format: 'der', type: 'pkcs8' });
Buffer.from(workerData.der.buffer).fill(0);
parentPort.postMessage('ready');
const cap = workerData.capacity;
const sab = workerData.sab;
const ctrl = new Int32Array(sab, 0, ${CTRL_INTS});
const done = new Int32Array(sab, ${CTRL_INTS} * 4, cap);
const hashes = new Uint8Array(sab, (${CTRL_INTS} + cap) * 4, cap * 32);
const sigs = new Uint8Array(sab, (${CTRL_INTS} + cap) * 4 + cap * 32, cap * 64);
for (;;) {
  if (Atomics.load(ctrl, ${STOP}) !== 0) break;
  const g = Atomics.load(ctrl, ${GEN});
  const c = Atomics.load(ctrl, ${CLAIM});
  const n = Atomics.load(ctrl, ${COUNT});
  if (c >= n) {
    Atomics.store(ctrl, ${SLEEP}, 1);
    Atomics.wait(ctrl, ${COUNT}, n, 1000);
    Atomics.store(ctrl, ${SLEEP}, 0);
    continue;
  }
  if (Atomics.compareExchange(ctrl, ${CLAIM}, c, c + 1) !== c) continue;
  if (Atomics.load(ctrl, ${GEN}) !== g || c >= Atomics.load(ctrl, ${COUNT})) continue;
  sigs.set(sign(null, hashes.subarray(c * 32, c * 32 + 32), key), c * 64);
  Atomics.store(done, c, g);
}
`;

export class ParallelSigner {
  private worker: Worker | null = null;
  private broken = false;
  private ready = false;
  private readonly ctrl: Int32Array;
  private readonly done: Int32Array;
  private readonly hashes: Uint8Array;
  private readonly sigs: Uint8Array;
  private readonly sab: SharedArrayBuffer;
  private gen = 0;
  private published = 0;

  /** Batches smaller than this are signed in this thread: waking the worker would cost more than it saves. */
  static readonly MIN_BATCH = 8;

  constructor(private readonly privateKey: KeyObject) {
    const cap = SIGNER_CAPACITY;
    this.sab = new SharedArrayBuffer((CTRL_INTS + cap) * 4 + cap * 32 + cap * 64);
    this.ctrl = new Int32Array(this.sab, 0, CTRL_INTS);
    this.done = new Int32Array(this.sab, CTRL_INTS * 4, cap);
    this.hashes = new Uint8Array(this.sab, (CTRL_INTS + cap) * 4, cap * 32);
    this.sigs = new Uint8Array(this.sab, (CTRL_INTS + cap) * 4 + cap * 32, cap * 64);
  }

  /**
   * Starts the worker now and resolves once it holds the key (false when it cannot run here or
   * did not answer within `timeoutMs`), so that the first large batch does not start a thread.
   */
  async start(timeoutMs = 10_000): Promise<boolean> {
    if (!this.ensureWorker()) return false;
    const w = this.worker!;
    if (this.ready) return true;
    return workerReady(w, 'ready', timeoutMs);
  }

  /** Starts the worker on first use; false when it cannot run here (then everything is signed in this thread). */
  private ensureWorker(): boolean {
    if (this.worker) return true;
    if (this.broken) return false;
    try {
      const der = this.privateKey.export({ format: 'der', type: 'pkcs8' });
      const derCopy = new Uint8Array(der.length);
      derCopy.set(der);
      der.fill(0);
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { der: derCopy, sab: this.sab, capacity: SIGNER_CAPACITY },
        transferList: [derCopy.buffer],
      });
      w.unref();
      w.on('message', (m) => {
        if (m === 'ready') this.ready = true;
      });
      w.on('error', (err) => {
        console.warn('[rxledger] signing worker stopped, signing in-thread:', err.message);
        this.broken = true;
        this.worker = null;
      });
      w.on('exit', () => {
        if (this.worker === w) this.worker = null;
      });
      this.worker = w;
      return true;
    } catch (err) {
      console.warn('[rxledger] signing worker unavailable, signing in-thread:', (err as Error).message);
      this.broken = true;
      return false;
    }
  }

  /**
   * Starts a batch of at most SIGNER_CAPACITY items to be signed on two cores. False when the
   * worker cannot run here: the caller then signs in its own thread.
   */
  begin(): boolean {
    if (!this.ensureWorker()) return false;
    this.gen = this.gen >= 0x7ffffff0 ? 1 : this.gen + 1;
    this.published = 0;
    Atomics.store(this.ctrl, COUNT, 0);
    Atomics.store(this.ctrl, CLAIM, 0);
    Atomics.store(this.ctrl, GEN, this.gen);
    return true;
  }

  /** Hands item i (the next one, 32 raw bytes) to the worker, which may start on it at once. */
  publish(i: number, hash: Uint8Array): void {
    if (i !== this.published || i >= SIGNER_CAPACITY) throw new Error('signer items must be published in order, within capacity');
    this.hashes.set(hash, i * 32);
    this.published = i + 1;
    if (this.published % PUBLISH_EVERY === 0) {
      Atomics.store(this.ctrl, COUNT, this.published);
      if (Atomics.load(this.ctrl, SLEEP) === 1) Atomics.notify(this.ctrl, COUNT);
    }
  }

  /**
   * Gives the signature of every published item to `consume`, in index order, signing here
   * whatever the worker has not done yet.
   */
  collect(consume: (i: number, signature: string) => void): void {
    const n = this.published;
    const gen = this.gen;
    Atomics.store(this.ctrl, COUNT, n);
    Atomics.notify(this.ctrl, COUNT);
    const mine: (string | undefined)[] = new Array<string | undefined>(n);
    const signHere = (j: number) => signHashBytes(this.privateKey, this.hashes.subarray(j * 32, j * 32 + 32));
    for (let i = 0; i < n; i++) {
      let sig = mine[i];
      while (sig === undefined) {
        if (Atomics.load(this.done, i) === gen) {
          sig = Buffer.from(this.sigs.buffer, this.sigs.byteOffset + i * 64, 64).toString('base64');
          break;
        }
        const j = Atomics.add(this.ctrl, CLAIM, 1);
        if (j < n) {
          mine[j] = signHere(j);
          sig = mine[i];
        } else {
          // Everything is claimed and the worker is still on item i: sign it here too.
          sig = signHere(i);
        }
      }
      consume(i, sig);
    }
    // Nothing of this batch is left for the worker to pick up.
    Atomics.store(this.ctrl, COUNT, 0);
  }

  /** Ends the worker thread (idempotent). */
  close(): void {
    const w = this.worker;
    this.worker = null;
    this.broken = true;
    if (!w) return;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.notify(this.ctrl, COUNT);
    void w.terminate();
  }
}
