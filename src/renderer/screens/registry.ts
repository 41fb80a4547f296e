import type { ComponentType } from 'react';
import type { Permission } from '../../shared/domain/roles';
import { InventoryScreen } from '../inventory/InventoryScreen';
import { LedgerScreen } from '../ledger/LedgerScreen';
import { ReceivingScreen } from '../receiving/ReceivingScreen';
import { QuarantineScreen } from '../quarantine/QuarantineScreen';
import { AlertsScreen } from '../alerts/AlertsScreen';
import { CountsScreen } from '../counts/CountsScreen';
import { HoldsScreen } from '../holds/HoldsScreen';
import { SettingsScreen } from '../settings/SettingsScreen';
import { ReportsScreen } from '../reports/ReportsScreen';

export interface ScreenDef {
  /** Stable id: kept in sessionStorage and used in data-testid="nav-<id>". */
  id: string;
  label: string;
  /** Hidden from roles without it; the main process enforces the same rule on every call. */
  permission: Permission;
  component: ComponentType;
}

/**
 * The top navigation, in order; Alt+1..9 follow this order. Adding a screen is one line here
 * (Receiving, Counts, Holds, Quarantine, Reports, Settings come next).
 */
export const SCREENS: readonly ScreenDef[] = [
  { id: 'inventory', label: 'Inventory', permission: 'stock.read', component: InventoryScreen },
  { id: 'ledger', label: 'Ledger', permission: 'ledger.read', component: LedgerScreen },
  { id: 'receiving', label: 'Receiving', permission: 'ledger.append', component: ReceivingScreen },
  { id: 'quarantine', label: 'Quarantine', permission: 'quarantine.decide', component: QuarantineScreen },
  { id: 'alerts', label: 'Alerts', permission: 'stock.read', component: AlertsScreen },
  { id: 'counts', label: 'Counts', permission: 'stock.read', component: CountsScreen },
  { id: 'holds', label: 'Holds', permission: 'stock.read', component: HoldsScreen },
  { id: 'settings', label: 'Settings', permission: 'stock.read', component: SettingsScreen },
  { id: 'reports', label: 'Reports', permission: 'reports.export', component: ReportsScreen },
];
