import { createStore } from 'zustand/vanilla';
import type { ChannelOutput, RxError } from '../../shared/ipc/contract';
import type { Invoke } from '../api/client';
import { setDisplayTimeZone } from '../format/time';
import { asRxError } from './session-store';

export type AppInfo = ChannelOutput<'app.info'>;

export interface AppInfoState {
  info: AppInfo | null;
  error: RxError | null;
  load(): Promise<void>;
}

export function createAppInfoStore(invoke: Invoke) {
  return createStore<AppInfoState>()((set) => ({
    info: null,
    error: null,
    async load() {
      try {
        const info = await invoke('app.info', {});
        setDisplayTimeZone(info.timeZone);
        set({ info, error: null });
      } catch (err) {
        set({ error: asRxError(err) });
      }
    },
  }));
}
