import { describe, expect, it } from 'vitest';
import { RxError } from '../../shared/ipc/contract';
import { startScanFeed, type ScanFeed } from './scan-feed';

type Answer = { cursor: number; events: string[] };

/** A channel answering from a script: each poll takes the next answer (or failure), or waits for one. */
function fakeChannel() {
  const asked: (number | null)[] = [];
  const taken: { answer: Answer; after: number | null }[] = [];
  const script: (Answer | RxError)[] = [];
  const waiters: (() => void)[] = [];
  const log: string[] = [];
  const feed = (extra: Partial<ScanFeed<Answer>> = {}): ScanFeed<Answer> => ({
    wait: async (after) => {
      asked.push(after);
      while (!script.length) await new Promise<void>((r) => waiters.push(r));
      const next = script.shift()!;
      if (next instanceof RxError) throw next;
      return next;
    },
    take: (answer, after) => void taken.push({ answer, after }),
    close: () => void log.push('close'),
    ...extra,
  });
  return {
    asked,
    taken,
    log,
    feed,
    answer(x: Answer | RxError) {
      script.push(x);
      waiters.splice(0).forEach((w) => w());
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const noSleep = { sleep: async () => {} };

describe('scan feed (the long poll every scanning screen uses)', () => {
  it('asks after the cursor of each answer, from the cursor it was given; the first answer is marked as asked with null', async () => {
    const ch = fakeChannel();
    const stop = startScanFeed(ch.feed(), noSleep);
    ch.answer({ cursor: 4, events: ['a'] });
    await flush();
    // Timed out or dismissed by the main process: no events, the cursor stays, asked again.
    ch.answer({ cursor: 4, events: [] });
    await flush();
    ch.answer({ cursor: 6, events: ['b', 'c'] });
    await flush();
    expect(ch.asked).toEqual([null, 4, 4, 6]);
    expect(ch.taken.map((t) => t.after)).toEqual([null, 4, 4]);
    stop();
    const restored = fakeChannel();
    const stop2 = startScanFeed(restored.feed({ cursor: 17 }), noSleep);
    await flush();
    expect(restored.asked).toEqual([17]);
    stop2();
  });

  it('retries with the same cursor while the service cannot be reached, and stops for good when the user signed out', async () => {
    const ch = fakeChannel();
    const sleeps: number[] = [];
    startScanFeed(ch.feed(), { sleep: async (ms) => void sleeps.push(ms) });
    ch.answer({ cursor: 2, events: ['a'] });
    await flush();
    ch.answer(new RxError('UNAVAILABLE', 'The workstation service is not answering'));
    await flush();
    ch.answer({ cursor: 3, events: ['b'] });
    await flush();
    expect(ch.asked).toEqual([null, 2, 2, 3]);
    expect(sleeps).toEqual([1000]);
    ch.answer(new RxError('NOT_SIGNED_IN', 'Sign in first'));
    await flush();
    ch.answer({ cursor: 9, events: ['c'] });
    await flush();
    expect(ch.asked).toEqual([null, 2, 2, 3]);
    expect(ch.taken.map((t) => t.answer.events)).toEqual([['a'], ['b']]);
  });

  it('takes nothing once stopped (the screen left), and says it is leaving', async () => {
    const ch = fakeChannel();
    const stop = startScanFeed(ch.feed(), noSleep);
    await flush();
    stop();
    expect(ch.log).toEqual(['close']);
    ch.answer({ cursor: 1, events: ['late'] });
    await flush();
    expect(ch.taken).toEqual([]);
    expect(ch.asked).toEqual([null]);
  });

  it('opens before the first poll; when that is refused it says why and never polls', async () => {
    const ch = fakeChannel();
    const why: string[] = [];
    const order: string[] = [];
    startScanFeed(
      ch.feed({
        open: async () => void order.push('open'),
        wait: async (after) => {
          order.push(`wait ${after}`);
          return new Promise<Answer>(() => {});
        },
      }),
      noSleep,
    );
    await flush();
    expect(order).toEqual(['open', 'wait null']);

    const refused = fakeChannel();
    const stop = startScanFeed(refused.feed({ open: async () => Promise.reject(new RxError('FORBIDDEN', 'Count C-1 was started by pat')), openFailed: (e) => void why.push(e.message) }), noSleep);
    await flush();
    expect(why).toEqual(['Count C-1 was started by pat']);
    expect(refused.asked).toEqual([]);
    stop();
    expect(refused.log).toEqual(['close']);
  });
});
