import type { z } from 'zod';
import { HttpError } from '../errors';

/**
 * A console form's body checked with its schema; a refusal names the field (`field` in the
 * answer), so the page shows it beside that field.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.length ? String(issue.path[0]) : null;
    throw new HttpError('BAD_REQUEST', issue ? `${field ?? 'request'}: ${issue.message}` : 'the form is not valid', field ? { field } : {});
  }
  return r.data;
}
