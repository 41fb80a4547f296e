import { useEffect, useRef } from 'react';
import { startScanFeed, type ScanFeed, type ScanFeedOptions } from './scan-feed';

/**
 * The scan feed of a screen while it is on screen: started when `key` is set, restarted when it
 * changes (another count), stopped when it becomes null or the screen unmounts (another screen,
 * sign-out). `make` builds the feed for the key: the channel to poll and what its answers do.
 */
export function useScanFeed<A extends { cursor: number }>(key: string | null, make: (key: string) => ScanFeed<A>, options?: ScanFeedOptions): void {
  const latest = useRef({ make, options });
  useEffect(() => {
    latest.current = { make, options };
  });
  useEffect(() => {
    if (key === null) return;
    return startScanFeed(latest.current.make(key), latest.current.options);
  }, [key]);
}
