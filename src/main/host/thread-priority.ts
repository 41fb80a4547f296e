import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value helper threads are given: the lowest priority, so they run on time the main thread leaves. */
export const HELPER_NICENESS = 19;

export interface HelperPriorityResult {
  /** Threads whose priority was lowered now. */
  lowered: number;
  /** Threads already at or below that priority. */
  already: number;
  /** Why nothing was done (not Linux, no /proc), or null. */
  skipped: string | null;
}

/**
 * Lowers every thread of this process but the main one to `niceness` (Linux only).
 *
 * The POS acknowledgment is answered from the main thread; V8's compiler and garbage-collector
 * helpers, libuv's pool and our own worker threads (WAL checkpoint, signing) run beside it. On
 * a machine with two cores, one of them waking at the same moment as a request made the main
 * thread wait a scheduler slice (~3 ms) for a CPU: measured with /proc/<pid>/task/<tid>/schedstat
 * over a station's first 10 s at 100 dispenses/s, the main thread spent 208–302 ms waiting for
 * a CPU with every thread at the same priority, 82–99 ms with the helpers at 19
 * (docs/benchmarks.md). The helpers still run whenever a core is free; their work (compiling,
 * marking, copying the WAL back) is not on a request's path, and SQLite's own auto-checkpoint
 * remains if the checkpoint thread falls behind.
 *
 * Linux keeps a nice value per thread, and setpriority(PRIO_PROCESS, tid) sets one thread's
 * (sched(7)). Lowering one's own priority needs no privilege. Threads started later inherit the
 * main thread's priority, so a host calls this once its workers are running.
 *
 * Only `rxledger station` calls it: there the POS is the main thread's only latency-critical
 * work. Not in browser mode, where libuv's pool also reads the UI's files and hashes sign-in
 * passwords for a person waiting at the screen, and not in the Electron main process, whose
 * other threads are Chromium's (its IO thread carries the IPC).
 */
export function lowerHelperThreadPriority(niceness = HELPER_NICENESS): HelperPriorityResult {
  if (process.platform !== 'linux') return { lowered: 0, already: 0, skipped: `per-thread priority is set only on Linux (this is ${process.platform})` };
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number).filter((t) => Number.isInteger(t) && t !== process.pid);
  } catch (err) {
    return { lowered: 0, already: 0, skipped: `cannot list this process's threads: ${(err as Error).message}` };
  }
  let lowered = 0;
  let already = 0;
  for (const tid of tids) {
    try {
      if (getPriority(tid) >= niceness) {
        already++;
        continue;
      }
      setPriority(tid, niceness);
      lowered++;
    } catch {
      // The thread ended between the listing and now.
    }
  }
  return { lowered, already, skipped: null };
}
