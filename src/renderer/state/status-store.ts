import { createStore } from 'zustand/vanilla';
import type { ChannelOutput, RxError } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';
import { asRxError } from './session-store';

export type Status = ChannelOutput<'status.get'>;

export interface StatusState {
  status: Status | null;
  /** Kept beside the last good status, so the bar shows both "stale" and what it last knew. */
  error: RxError | null;
  refresh(): Promise<void>;
}

export function createStatusStore(invoke: Invoke) {
  let inFlight: Promise<void> | null = null;
  return createStore<StatusState>()((set) => ({
    status: null,
    error: null,
    refresh() {
      inFlight ??= (async () => {
        try {
          set({ status: await invoke('status.get', {}), error: null });
        } catch (err) {
          set({ error: asRxError(err) });
        } finally {
          inFlight = null;
        }
      })();
      return inFlight;
    },
  }));
}

export type StatusStore = ReturnType<typeof createStatusStore>;
