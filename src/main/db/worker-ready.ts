import type { Worker } from 'node:worker_threads';

/**
 * Resolves true when `worker` posts `message` (its "ready" signal), false when it exits first
 * or `timeoutMs` passes. For the long-lived helper threads a host starts before taking requests.
 */
export function workerReady(worker: Worker, message: string, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    const done = (ok: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(ok);
    };
    const onMessage = (m: unknown) => m === message && done(true);
    const onExit = () => done(false);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}
