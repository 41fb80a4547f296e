import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER_NICENESS } from './thread-priority';

const linux = process.platform === 'linux';

describe.skipIf(!linux)('lowerHelperThreadPriority (Linux; elsewhere it does nothing and says why)', () => {
  it('lowers every thread but the main one, a worker thread included, and leaves the main thread where it was', () => {
    // In a process of its own: the test runner's threads are not ours to change.
    const script = `
      import { Worker } from 'node:worker_threads';
      import { readdirSync, readFileSync } from 'node:fs';
      import { lowerHelperThreadPriority } from ${JSON.stringify(join(import.meta.dirname, 'thread-priority.ts'))};
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((r) => w.once('online', r));
      const first = lowerHelperThreadPriority();
      const again = lowerHelperThreadPriority();
      // Field 19 of /proc/PID/task/TID/stat is the thread's nice value (proc(5)).
      const nice = Object.fromEntries(readdirSync('/proc/self/task').map((t) => {
        const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
        return [t, Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16])];
      }));
      console.log(JSON.stringify({ pid: process.pid, first, again, nice }));
      await w.terminate();
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const r = JSON.parse(out) as { pid: number; first: { lowered: number; already: number; skipped: string | null }; again: { lowered: number; already: number }; nice: Record<string, number> };
    const helpers = Object.entries(r.nice).filter(([tid]) => Number(tid) !== r.pid);
    // V8's platform threads, libuv's and the worker's: more than one.
    expect(helpers.length).toBeGreaterThan(1);
    expect(r.first).toEqual({ lowered: helpers.length, already: 0, skipped: null });
    expect(helpers.every(([, n]) => n === HELPER_NICENESS)).toBe(true);
    expect(r.nice[String(r.pid)]).toBe(0);
    // A second call finds nothing left to do.
    expect(r.again).toMatchObject({ lowered: 0, already: helpers.length });
  });
});
