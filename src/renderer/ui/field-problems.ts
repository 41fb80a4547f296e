/**
 * The workstation's refusal split by the field each part names ("deaNumber: …; name: …", as the
 * dispatcher joins zod's issues and handlers prefix their own), so each problem is shown beside
 * its field. A part naming no listed field is `other`. A field's own text may hold "; ".
 */
export function fieldProblems<F extends string>(message: string, fields: readonly F[]): { byField: Partial<Record<F, string>>; first: F | null; other: string | null } {
  const names = fields.join('|');
  const byField: Partial<Record<F, string>> = {};
  let first: F | null = null;
  const other: string[] = [];
  for (const part of message.split(new RegExp(`; (?=(?:${names}): )`))) {
    const m = new RegExp(`^(${names}): (.*)$`, 's').exec(part);
    if (!m) {
      other.push(part);
      continue;
    }
    const f = m[1] as F;
    byField[f] ??= m[2]!;
    first ??= f;
  }
  return { byField, first, other: other.length ? other.join('; ') : null };
}
