import { z } from 'zod';

export const ROLES = ['technician', 'pharmacist', 'manager', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What each role may do. Kept in one table so the UI and the main process agree. */
const PERMISSIONS = {
  'stock.read': ['technician', 'pharmacist', 'manager', 'admin'],
  'ledger.read': ['technician', 'pharmacist', 'manager', 'admin'],
  'ledger.verify': ['pharmacist', 'manager', 'admin'],
  'ledger.append': ['technician', 'pharmacist', 'manager', 'admin'],
  'users.manage': ['admin'],
  'facility.manage': ['manager', 'admin'],
  'sign': ['pharmacist'],
  'reports.export': ['manager', 'admin', 'pharmacist'],
  'quarantine.decide': ['pharmacist', 'manager', 'admin'],
  'phi.read': ['pharmacist', 'manager'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
