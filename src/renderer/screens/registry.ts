import type { ComponentType } from 'react';
import { InventoryScreen } from '../inventory/InventoryScreen';
import { LedgerScreen } from '../ledger/LedgerScreen';
import { ReceivingScreen } from '../receiving/ReceivingScreen';
import { QuarantineScreen } from '../quarantine/QuarantineScreen';
import { AlertsScreen } from '../alerts/AlertsScreen';
import { CountsScreen } from '../counts/CountsScreen';
import { HoldsScreen } from '../holds/HoldsScreen';
import { SettingsScreen } from '../settings/SettingsScreen';
import { ReportsScreen } from '../reports/ReportsScreen';
import { SCREEN_LIST, type ScreenInfo } from './screen-list';

export interface ScreenDef extends ScreenInfo {
  component: ComponentType;
}

/** Each screen's component, by id. Adding a screen: a line in screen-list.ts and one here. */
const COMPONENTS: Record<string, ComponentType> = {
  inventory: InventoryScreen,
  ledger: LedgerScreen,
  receiving: ReceivingScreen,
  quarantine: QuarantineScreen,
  alerts: AlertsScreen,
  counts: CountsScreen,
  holds: HoldsScreen,
  settings: SettingsScreen,
  reports: ReportsScreen,
};

/** The top navigation, in order (screen-list.ts); Alt+1..9 follow it, the same for every role. */
export const SCREENS: readonly ScreenDef[] = SCREEN_LIST.map((s) => ({ ...s, component: COMPONENTS[s.id]! }));
