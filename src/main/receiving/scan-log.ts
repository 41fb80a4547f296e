import type { ScanResult } from '../../shared/identifiers';
import type { ReceivingSessionView, ScanFeedEvent } from '../../shared/ipc/receiving-channels';
import { toneOf, type Tone, type Verdict } from '../../shared/receiving/match';
import type { ScanEvent } from '../../shared/scan/types';
import type { Db } from '../db/open';

const FEED_LIMIT = 200;

export interface ScanRowIn {
  scan: ScanEvent;
  sessionId: string | null;
  verdict: Verdict;
  message: string;
  lineId?: number | null;
  quarantineId?: number | null;
  units?: number;
  decoded?: ScanResult | null;
  tone?: Tone;
}

/**
 * The receiving scan log and its feed: every scan written at once with what the counter was
 * told (so a crash or a reload loses nothing), and the long poll the screen waits on.
 */
export class ReceivingScanLog {
  private readonly waiters = new Set<() => void>();
  private stopped = false;

  constructor(private readonly db: Db) {}

  /** Wakes every waiting screen. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  stop(): void {
    this.stopped = true;
    this.notify();
  }

  private feedRows(after: number): ScanFeedEvent[] {
    return this.db
      .prepare<[number, number], Record<string, unknown>>('SELECT * FROM receiving_scans WHERE id > ? ORDER BY id LIMIT ?')
      .all(after, FEED_LIMIT)
      .map(toFeedEvent);
  }

  maxScanId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM receiving_scans').get() as { n: number }).n;
  }

  /**
   * Scans after `after` (null: the last few, to fill a fresh screen), waiting up to timeoutMs
   * for one to arrive. With the active session's view, so the screen needs one round trip.
   */
  async wait(after: number | null, timeoutMs: number, sessionFor: (events: ScanFeedEvent[]) => ReceivingSessionView | null): Promise<{ cursor: number; events: ScanFeedEvent[]; session: ReceivingSessionView | null }> {
    const max = this.maxScanId();
    let events: ScanFeedEvent[];
    if (after === null || after > max) {
      events = this.db
        .prepare<[], Record<string, unknown>>('SELECT * FROM receiving_scans ORDER BY id DESC LIMIT 20')
        .all()
        .map(toFeedEvent)
        .reverse();
      return { cursor: max, events, session: sessionFor(events) };
    }
    events = this.feedRows(after);
    if (!events.length && timeoutMs > 0 && !this.stopped) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
      });
      events = this.feedRows(after);
    }
    return { cursor: events.at(-1)?.id ?? after, events, session: sessionFor(events) };
  }

  write(r: ScanRowIn, id?: number): number {
    const decoded = r.decoded
      ? { gtin: r.decoded.gtin, ndc: r.decoded.ndc, lot: r.decoded.lot, expiry: r.decoded.expiry, serial: r.decoded.serial, sscc: r.decoded.sscc, error: r.decoded.error, symbology: r.decoded.symbology }
      : {};
    const info = this.db
      .prepare(
        `INSERT INTO receiving_scans (id, received_at, scanner_id, source, raw, raw_bytes_hex, symbology_id, session_id, verdict, tone, message, line_id, quarantine_id, units, decoded)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id ?? null,
        r.scan.receivedAt,
        r.scan.scannerId,
        r.scan.source,
        r.scan.raw,
        r.scan.rawBytesHex ?? null,
        r.scan.symbologyId,
        r.sessionId,
        r.verdict,
        r.tone ?? toneOf(r.verdict),
        r.message,
        r.lineId ?? null,
        r.quarantineId ?? null,
        r.units ?? 0,
        JSON.stringify(decoded),
      );
    return Number(info.lastInsertRowid);
  }
}

function toFeedEvent(r: Record<string, unknown>): ScanFeedEvent {
  return {
    id: r.id as number,
    at: r.received_at as string,
    scannerId: r.scanner_id as string,
    source: r.source as string,
    raw: r.raw as string,
    verdict: r.verdict as string,
    tone: r.tone as Tone,
    message: r.message as string,
    sessionId: (r.session_id as string | null) ?? null,
    lineId: (r.line_id as number | null) ?? null,
    quarantineId: (r.quarantine_id as number | null) ?? null,
    units: (r.units as number) ?? 0,
  };
}
