import { useEffect, useRef } from 'react';
import type { ScanEvent } from '../../shared/scan/types';
import { KeyboardWedge, type WedgeOptions } from './wedge';

/** A person typing in a field: the wedge leaves those keys alone. */
export const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/**
 * A scanner left in keyboard mode, anywhere on the screen but in a text field: the wedge turns
 * its fast keystrokes into scans, handed to `onScan` (the terminator's default is prevented).
 * Listens while the screen is mounted and `onScan` is given (null: not now, keys are left alone).
 */
export function useKeyboardWedge(onScan: ((scan: ScanEvent) => void) | null, options?: Pick<WedgeOptions, 'scannerId'>): void {
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  });
  const listening = onScan !== null;
  const scannerId = options?.scannerId;
  useEffect(() => {
    if (!listening) return;
    const wedge = new KeyboardWedge(scannerId === undefined ? {} : { scannerId });
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const r = wedge.handle(e);
      if (r.kind === 'scan') {
        e.preventDefault();
        latest.current?.(r.scan);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [listening, scannerId]);
}
