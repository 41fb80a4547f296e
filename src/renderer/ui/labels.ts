import type { Role } from '../../shared/domain/roles';

const ROLE_LABELS: Record<Role, string> = {
  technician: 'Technician',
  pharmacist: 'Pharmacist',
  manager: 'Manager',
  admin: 'Administrator',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
