import type { SyncStatus } from '../../shared/ipc/contract';
import { backoffDelay, type RetryPolicy } from '../ingest/retry';
import type { Workstation } from '../workstation';
import { SyncError } from './errors';
import { SyncClient } from './http-client';
import { pullFromServer, type PullResult } from './pull';
import { pushOutbox, pushSignatures, type PushResult, type SignaturePushResult } from './push';
import type { ReferenceApplied } from './reference';
import { SyncState, type WorkerState } from './state';
import { syncStatus } from './status';

export interface SyncOnceOptions {
  /** Defaults to the server this workstation enrolled with. */
  serverUrl?: string;
  /** Entries per push request (the server takes up to 1000). */
  batchSize?: number;
  /** Per HTTP request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  onProgress?: (p: { phase: 'push'; pushed: number } | { phase: 'pull'; pulled: number }) => void;
}

export interface SyncOnceResult {
  pushed: number;
  accepted: number;
  already: number;
  pulled: number;
  reference: number;
  head: { seq: number; hash: string } | null;
  outboxDepth: number;
  /** Pharmacist signatures of this workstation acknowledged by the server in this run. */
  signaturesPushed: number;
  /** Pharmacist signatures over sibling entries verified and stored in this run. */
  signaturesPulled: number;
  /** What the pulled reference items changed locally (catalog packages, policy versions, directory users). */
  applied: ReferenceApplied;
}

/** One sync: push the whole outbox, then pull. Throws SyncError; records the outcome in sync_state. */
export async function syncOnce(ws: Workstation, opts: SyncOnceOptions = {}): Promise<SyncOnceResult> {
  const state = new SyncState(ws.db);
  const serverUrl = opts.serverUrl ?? state.get('server_url');
  if (!serverUrl) throw new SyncError('not-enrolled', 'this workstation is not enrolled with a central server: run "rxledger enroll --server URL --code CODE"');
  const client = new SyncClient({
    serverUrl,
    deviceId: ws.deviceId,
    privateKey: ws.deviceKey.privateKey,
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const now = () => ws.clock.now().toISOString();
  state.set({ state: 'syncing', state_at: now(), last_attempt_at: now() });
  try {
    // Push before pull: what this counter committed reaches the office first.
    const pushed: PushResult = await pushOutbox(ws, client, { batchSize: opts.batchSize ?? 500, onBatch: (r) => opts.onProgress?.({ phase: 'push', pushed: r.pushed }) });
    // Right after their entries: the Part 11 signatures must not live on this disk only.
    const signed: SignaturePushResult = await pushSignatures(ws, client, { batchSize: opts.batchSize ?? 500 });
    const pulled: PullResult = await pullFromServer(ws, client);
    opts.onProgress?.({ phase: 'pull', pulled: pulled.pulled });
    state.set({ state: 'online', state_at: now(), last_sync_at: now(), message: null });
    return {
      pushed: pushed.pushed,
      accepted: pushed.accepted,
      already: pushed.already,
      pulled: pulled.pulled,
      reference: pulled.reference,
      head: pushed.head,
      outboxDepth: syncStatus(ws).outboxDepth,
      signaturesPushed: signed.pushed,
      signaturesPulled: pulled.signatures,
      applied: pulled.applied,
    };
  } catch (err) {
    const e = err instanceof SyncError ? err : new SyncError('transient', (err as Error).message);
    recordFailure(ws, e);
    throw e;
  }
}

function recordFailure(ws: Workstation, e: SyncError): void {
  const state = new SyncState(ws.db);
  const at = ws.clock.now().toISOString();
  const s: WorkerState = e.kind === 'auth' ? 'auth-refused' : 'offline';
  const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);
  const message =
    e.kind === 'auth'
      ? `The central server refused this workstation: ${sentence(e.message)} Sync has stopped; entries are kept in the outbox.`
      : e.kind === 'refused'
        ? `Sync is blocked: ${sentence(e.message)}`
        : `Offline: ${sentence(e.message)} Entries are kept in the outbox and sent when the server answers.`;
  state.set({ state: s, state_at: at, message });
  if (e.kind === 'auth' || e.kind === 'refused') {
    ws.audit.record({ actor: 'system', action: e.kind === 'auth' ? 'SYNC_AUTH_REFUSED' : 'SYNC_REFUSED', target: state.get('server_url'), details: { code: e.code, status: e.status, message: e.message } });
  }
}

export interface SyncWorkerOptions extends Omit<SyncOnceOptions, 'signal' | 'onProgress'> {
  /** A pull happens at least this often even with nothing to push. */
  intervalMs?: number;
  /** How often the idle worker looks at the outbox for new entries. */
  pollMs?: number;
  /** Backoff after failures: exponential, full jitter, capped. */
  retry?: Pick<RetryPolicy, 'baseMs' | 'capMs'>;
  onStatus?: (s: SyncStatus) => void;
  onError?: (e: SyncError) => void;
}

export interface SyncWorker {
  /** Sync soon (a new entry was committed). */
  nudge(): void;
  /** Starts again after an authentication refusal (after the office fixed it, or a new enrollment). */
  resume(): void;
  status(): SyncStatus;
  /** Stops the loop and aborts a request in flight; what was acknowledged stays acknowledged. */
  stop(): Promise<void>;
}

/**
 * The outbox worker for a host (Electron shell, browser host). Pushes whenever the outbox has
 * entries, pulls at least every intervalMs, backs off on transient failures, and stops on an
 * authentication refusal with the status showing why. All its state is in SQLite, so a
 * restarted process resumes where the last one stopped.
 */
export function startSyncWorker(ws: Workstation, opts: SyncWorkerOptions = {}): SyncWorker {
  const intervalMs = opts.intervalMs ?? 60_000;
  const pollMs = opts.pollMs ?? 2_000;
  const policy: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseMs: opts.retry?.baseMs ?? 1_000, capMs: opts.retry?.capMs ?? 5 * 60_000 };
  const abort = new AbortController();
  let stopped = false;
  let paused = false;
  let wake: (() => void) | null = null;
  let nudged = true;
  const state = new SyncState(ws.db);
  // A 'syncing' left by a killed process is not true any more.
  if (state.get('state') === 'syncing') state.set({ state: 'offline', state_at: ws.clock.now().toISOString() });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = null;
        resolve();
      }
      wake = done;
    });
  const emit = () => opts.onStatus?.(syncStatus(ws));
  const depth = () => ws.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE device_id = ?').get(ws.deviceId)!.n;

  const loop = async () => {
    let failures = 0;
    let lastOk = 0;
    while (!stopped) {
      if (paused || !state.get('server_url')) {
        emit();
        await sleep(pollMs);
        continue;
      }
      const due = nudged || depth() > 0 || Date.now() - lastOk >= intervalMs;
      if (!due) {
        await sleep(pollMs);
        continue;
      }
      nudged = false;
      try {
        emit();
        await syncOnce(ws, { ...opts, signal: abort.signal, onProgress: emit });
        failures = 0;
        lastOk = Date.now();
        emit();
      } catch (err) {
        if (stopped) break;
        const e = err instanceof SyncError ? err : new SyncError('transient', String(err));
        opts.onError?.(e);
        emit();
        if (e.kind === 'auth') {
          paused = true;
          continue;
        }
        await sleep(backoffDelay(Math.min(failures++, 30), policy));
      }
    }
  };
  const running = loop();

  return {
    nudge() {
      nudged = true;
      wake?.();
    },
    resume() {
      paused = false;
      nudged = true;
      wake?.();
    },
    status: () => syncStatus(ws),
    async stop() {
      stopped = true;
      abort.abort();
      wake?.();
      await running;
    },
  };
}
