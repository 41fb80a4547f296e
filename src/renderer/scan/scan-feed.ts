import type { RxError } from '../../shared/ipc/contract';
import { asRxError } from '../state/session-store';

/**
 * A screen's scan feed: the long poll on a `*.waitForScans` channel that brings the scans of
 * USB scanners (HID POS), the keyboard wedge and the test hook, as the workstation's scan
 * router hands them to the screen's workflow. One loop for every screen (`startScanFeed`, and
 * `useScanFeed` for React); each screen says only which channel to ask and what an answer does.
 */
export interface ScanFeed<A extends { cursor: number }> {
  /** One long poll: what came after `after` (null: the first question since the feed started). */
  wait(after: number | null): Promise<A>;
  /**
   * Applies one answer, its events in order, before the next poll. `after` is the cursor the
   * answer was asked with (null: the first answer, history rather than a live scan). An answer
   * without events (the wait timed out, or the main process dismissed it because the scan
   * target changed) keeps its cursor and is simply asked again.
   */
  take(answer: A, after: number | null): void | Promise<void>;
  /** Said once before the first poll (e.g. which count is on screen); when it is refused, no poll is made. */
  open?(): Promise<unknown>;
  /** Why `open` was refused, to show the person (not called once the feed has stopped). */
  openFailed?(err: RxError): void;
  /** Said when the feed stops: the screen left, so the main process may send scans elsewhere. */
  close?(): void;
  /** Where to start (a restored snapshot's cursor); default null. */
  cursor?: number | null;
}

export interface ScanFeedOptions {
  /** Wait before asking again after a failure (the service is down, the network is out). Default 1000 ms. */
  retryMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Failures that no retry cures: the person signed out, the session ended, or the role may not see the feed. */
const FINAL = new Set(['NOT_SIGNED_IN', 'SESSION_ENDED', 'FORBIDDEN']);

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs the feed until the returned function is called or a final failure (sign-out) ends it.
 * Other failures are retried every `retryMs` with the same cursor, so nothing is skipped while
 * the workstation service is unreachable.
 */
export function startScanFeed<A extends { cursor: number }>(feed: ScanFeed<A>, options: ScanFeedOptions = {}): () => void {
  const sleep = options.sleep ?? defaultSleep;
  const retryMs = options.retryMs ?? 1000;
  let stopped = false;
  void (async () => {
    if (feed.open) {
      try {
        await feed.open();
      } catch (err) {
        if (!stopped) feed.openFailed?.(asRxError(err));
        return;
      }
    }
    let after = feed.cursor ?? null;
    while (!stopped) {
      try {
        const answer = await feed.wait(after);
        if (stopped) break;
        const askedWith = after;
        after = answer.cursor;
        await feed.take(answer, askedWith);
      } catch (err) {
        if (FINAL.has(asRxError(err).code)) break;
        await sleep(retryMs);
      }
    }
  })();
  return () => {
    stopped = true;
    feed.close?.();
  };
}
