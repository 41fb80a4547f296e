import { VERDICTS, type Verdict } from '../../shared/receiving/match';
import type { ReceivingStore } from './receiving-store';

/** The last scan's verdict, big, in its colour, with a flash of the screen's edge: read from across the bench. */
export function FlashPanel({ flash, active }: { flash: ReturnType<ReceivingStore['getState']>['flash']; active: boolean }) {
  const tone = flash?.tone ?? 'idle';
  return (
    <>
      <div
        className={`rx-flash rx-flash-${tone}`}
        data-testid="receiving-flash"
        data-tone={tone}
        data-seq={flash?.seq ?? 0}
        data-verdict={flash?.verdict ?? ''}
        data-scan-id={flash?.scanId ?? 0}
        role="status"
        aria-live="assertive"
      >
        <div className="rx-flash-label">{flash ? (VERDICTS[flash.verdict as Verdict]?.label ?? flash.verdict) : active ? 'Ready — scan a unit or a case' : 'Not taking scans'}</div>
        {flash ? <div className="rx-flash-msg">{flash.message}</div> : null}
      </div>
      {flash ? <div key={flash.seq} className={`rx-edge rx-edge-${flash.tone}`} aria-hidden="true" /> : null}
    </>
  );
}
