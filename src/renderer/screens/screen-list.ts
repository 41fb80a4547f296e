import { can, type Permission, type Role } from '../../shared/domain/roles';

export interface ScreenInfo {
  /** Stable id: kept in sessionStorage and used in data-testid="nav-<id>". */
  id: string;
  label: string;
  /** Hidden from roles without it; the main process enforces the same rule on every call. */
  permission: Permission;
}

/**
 * Every screen, in nav order. A screen's Alt+number is its place here, the same for every role:
 * a technician's Alt+6 and a manager's Alt+6 are both Counts, so a shortcut learnt at one
 * sign-in still works at the next. Nine screens fill Alt+1..9; a tenth would get no shortcut.
 * Kept free of components so the rules below are tested without React.
 */
export const SCREEN_LIST: readonly ScreenInfo[] = [
  { id: 'inventory', label: 'Inventory', permission: 'stock.read' },
  { id: 'ledger', label: 'Ledger', permission: 'ledger.read' },
  { id: 'receiving', label: 'Receiving', permission: 'ledger.append' },
  { id: 'quarantine', label: 'Quarantine', permission: 'quarantine.decide' },
  { id: 'alerts', label: 'Alerts', permission: 'stock.read' },
  { id: 'counts', label: 'Counts', permission: 'stock.read' },
  { id: 'holds', label: 'Holds', permission: 'stock.read' },
  { id: 'settings', label: 'Settings', permission: 'stock.read' },
  { id: 'reports', label: 'Reports', permission: 'reports.export' },
];

/** Where each role starts after signing in: the screen its work begins on. */
const HOME: Record<Role, string> = {
  technician: 'receiving',
  pharmacist: 'holds',
  manager: 'reports',
  admin: 'settings',
};

export function screensFor(role: Role): ScreenInfo[] {
  return SCREEN_LIST.filter((s) => can(role, s.permission));
}

/** 1..9, or null past the ninth screen. */
export function shortcutNumber(screenId: string): number | null {
  const i = SCREEN_LIST.findIndex((s) => s.id === screenId);
  return i >= 0 && i < 9 ? i + 1 : null;
}

export function homeScreen(role: Role): string {
  const home = HOME[role];
  // Should a permission change take the home away, the first screen the role may open.
  return screensFor(role).some((s) => s.id === home) ? home : (screensFor(role)[0]?.id ?? home);
}

export type ShortcutTarget = { kind: 'open'; screen: ScreenInfo } | { kind: 'not-allowed'; screen: ScreenInfo } | { kind: 'none' };

/** What Alt+(index+1) does for a role: open its screen, or say the role cannot open it. */
export function shortcutTarget(index: number, role: Role): ShortcutTarget {
  const screen = SCREEN_LIST[index];
  if (!screen || index > 8) return { kind: 'none' };
  return can(role, screen.permission) ? { kind: 'open', screen } : { kind: 'not-allowed', screen };
}

/** The screen to show: the one asked for when the role may open it, else the role's home. */
export function resolveScreen(requested: string | null | undefined, role: Role): string {
  return requested && screensFor(role).some((s) => s.id === requested) ? requested : homeScreen(role);
}
