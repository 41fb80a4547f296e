import { useMemo } from 'react';
import { useStore } from 'zustand';
import { VERDICTS, type Verdict } from '../../shared/receiving/match';
import type { ReceivingStore } from './receiving-store';

/** The session's last 25 scans, newest first, each with its verdict, what the counter was told and the raw code. */
export function ScanList({ store: s, sessionId, open = false }: { store: ReceivingStore; sessionId: string; open?: boolean }) {
  const feed = useStore(s, (x) => x.feed);
  const sessionFeed = useMemo(() => feed.filter((e) => e.sessionId === sessionId || e.sessionId === null).slice(-25).reverse(), [feed, sessionId]);
  return (
    <>
      <h2 className="rx-feed-title">Scans</h2>
      <ol className="rx-feed" data-testid="receiving-feed">
        {sessionFeed.map((e) => (
          <li key={e.id} className={`rx-feed-item rx-tone-${e.tone}`} data-testid="receiving-scan" data-verdict={e.verdict} data-tone={e.tone} data-scan-id={e.id}>
            <span className="rx-feed-verdict">{VERDICTS[e.verdict as Verdict]?.label ?? e.verdict}</span>
            <span className="rx-feed-msg">{e.message}</span>
            <span className="muted mono rx-feed-raw" title="raw scan">
              {e.raw.replace(/\u001d/g, '⟨GS⟩')}
            </span>
            {open && e.units > 0 && e.sessionId === sessionId ? (
              <button
                type="button"
                className="btn"
                data-testid="receiving-scan-remove"
                onClick={() => {
                  const reason = window.prompt(`Remove what scan #${e.id} received (${e.units} container(s))? Say why — it stays in the log.`);
                  if (reason) void s.getState().removeScan(e.id, reason);
                }}
              >
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
