import { z } from 'zod';
import type { Sql } from '../db/pg-adapter';

export const ConsoleRole = z.enum(['administrator', 'compliance_officer', 'regional_manager']);
export type ConsoleRole = z.infer<typeof ConsoleRole>;

/** Roles that may sign a decision about a device: the people answerable for the records. */
export const DECIDING_ROLES: readonly ConsoleRole[] = ['administrator', 'compliance_officer'];

/** One row of the server audit trail; refusals are written as well as what was done. */
export async function audit(db: Sql, userId: string | null, action: string, outcome: 'done' | 'refused', details: Record<string, unknown>): Promise<void> {
  await db.query('INSERT INTO server_audit (user_id, action, outcome, details) VALUES ($1, $2, $3, $4)', [userId, action, outcome, JSON.stringify(details)]);
}
