import { navStore } from '../state/stores';

let wanted = false;

/** Opens Settings at the DEA registrant panel (from the Reports screen, where it is only shown). */
export function openRegistrantSettings(): void {
  wanted = true;
  navStore.getState().go('settings');
}

/** True once after openRegistrantSettings: the panel then brings itself into view. */
export function takeRegistrantRequest(): boolean {
  const w = wanted;
  wanted = false;
  return w;
}
