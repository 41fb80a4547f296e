import { z } from 'zod';
import { ROLES } from '../domain/roles';

const UserView = z.object({ user_id: z.string(), name: z.string(), role: z.enum(ROLES), disabled: z.boolean(), must_change_password: z.boolean() });
const UserId = z.string().trim().min(1, 'a user ID').max(32);

/**
 * The administrator's Users panel (Settings): add, reset a password, disable. A password the
 * administrator sets must be changed by its owner at the first sign-in (21 CFR 11.300).
 */
export const usersChannels = {
  'users.list': { permission: 'users.manage', input: z.object({}).strict(), output: z.object({ users: z.array(UserView) }) },
  'users.add': {
    permission: 'users.manage',
    input: z.object({ userId: UserId, name: z.string().trim().min(1, 'the full name printed with signatures').max(120), role: z.enum(ROLES), password: z.string().min(1).max(200) }).strict(),
    output: UserView,
  },
  'users.resetPassword': { permission: 'users.manage', input: z.object({ userId: UserId, password: z.string().min(1).max(200) }).strict(), output: UserView },
  'users.setDisabled': { permission: 'users.manage', input: z.object({ userId: UserId, disabled: z.boolean() }).strict(), output: UserView },
} as const;
