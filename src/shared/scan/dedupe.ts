/**
 * A scanner often reads one code twice (a double trigger, presentation mode seeing the same
 * label again). A repeat of the same code from the same scanner within `windowMs` of the last
 * *accepted* read of it is one scan.
 *
 * The window runs from the accepted read, not from the last repeat: a technician who keeps
 * scanning identical linear NDC labels (same code on every unit) gets one accepted scan per
 * window at most, so the window must stay short — 600 ms by default (a double read comes within
 * a few hundred ms; a person scans the next unit no faster than that) — and the UI should show
 * suppressed repeats (the caller gets them back) rather than hide them.
 * Incomplete scans are never suppressed: they always reach the user.
 */
import type { ScanEvent } from './types';

export const DEFAULT_DEDUPE_WINDOW_MS = 600;

export interface DedupeDecision {
  duplicate: boolean;
  /** When duplicate: receivedAt of the accepted scan it repeats. */
  duplicateOf?: string;
}

export class ScanDeduper {
  private readonly last = new Map<string, { raw: string; at: number; receivedAt: string }>();

  constructor(private readonly windowMs: number = DEFAULT_DEDUPE_WINDOW_MS) {
    if (!(windowMs >= 0)) throw new RangeError('dedupe window must be ≥ 0 ms');
  }

  /** Decide whether `event` repeats an accepted scan; remembers it when it does not. */
  check(event: Pick<ScanEvent, 'scannerId' | 'raw' | 'symbologyId' | 'receivedAt' | 'complete'>): DedupeDecision {
    if (!event.complete || this.windowMs === 0) return { duplicate: false };
    const at = Date.parse(event.receivedAt);
    const key = event.scannerId;
    const value = `${event.symbologyId ?? ''}\u0000${event.raw}`;
    const prev = this.last.get(key);
    if (prev && prev.raw === value && at - prev.at >= 0 && at - prev.at < this.windowMs) {
      return { duplicate: true, duplicateOf: prev.receivedAt };
    }
    this.last.set(key, { raw: value, at, receivedAt: event.receivedAt });
    return { duplicate: false };
  }

  /** Forget a scanner (unplugged) or everything. */
  forget(scannerId?: string): void {
    if (scannerId === undefined) this.last.clear();
    else this.last.delete(scannerId);
  }
}
