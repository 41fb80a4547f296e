import { z } from 'zod';
import { Schedule } from '../domain/schedule';
import { parseNdc } from '../identifiers';

const Ndc11 = z.string().regex(/^\d{5}-\d{4}-\d{2}$/, 'an 11-digit NDC in 5-4-2 form');

/** What a cycle count covers (issue 5 §1). */
export const CountScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all_cii') }).strict(),
  z.object({ kind: z.literal('schedule'), schedule: Schedule }).strict(),
  z.object({ kind: z.literal('location'), location: z.string().trim().min(1).max(64) }).strict(),
  z.object({ kind: z.literal('ndcs'), ndcs: z.array(Ndc11).min(1).max(500) }).strict(),
  /** Lots whose expiry falls in the given month (YYYY-MM), this month by default. */
  z.object({ kind: z.literal('expiring'), month: z.string().regex(/^\d{4}-\d{2}$/) }).strict(),
  /** Lines waiting for a recount by a second person. */
  z.object({ kind: z.literal('recount') }).strict(),
]);
export type CountScope = z.infer<typeof CountScope>;

export function describeScope(s: CountScope): string {
  switch (s.kind) {
    case 'all_cii':
      return 'All CII';
    case 'schedule':
      return `Schedule ${s.schedule}`;
    case 'location':
      return `Location ${s.location}`;
    case 'ndcs':
      return s.ndcs.length === 1 ? `NDC ${s.ndcs[0]}` : `${s.ndcs.length} NDCs`;
    case 'expiring':
      return `Expiring ${s.month}`;
    case 'recount':
      return 'Recount';
  }
}

/** "lot unknown" travels as null everywhere but in keys. */
export const lineKey = (ndc: string, lot: string | null): string => `${ndc}|${lot ?? ''}`;

/** Any written NDC form to the 11-digit 5-4-2 key the ledger uses, or the reason it is not one. */
export function ndc11Of(input: string, isKnown?: (ndc11: string) => boolean): { ok: true; ndc: string } | { ok: false; message: string } {
  const r = parseNdc(input, isKnown ? { isKnown } : {});
  if (!r.ok) return { ok: false, message: r.error };
  if (!r.ndc11) return { ok: false, message: `NDC ${input} has no 11-digit form` };
  return { ok: true, ndc: r.ndc11 };
}
