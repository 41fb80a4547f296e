export type NumberParse = { ok: true; value: number | null } | { ok: false; problem: string };

export interface WholeNumberRule {
  /** How the sentence names the figure: "a count", "idle logoff". */
  what: string;
  /** The unit in the messages: "units", "minutes". */
  unit: string;
  min?: number;
  max?: number;
}

/**
 * A whole number typed at the counter. Empty is "nothing yet" (value null), for the form to
 * require or not. Anything else that is not a plain non-negative whole number is refused with a
 * sentence that says what is wrong with what was typed — "-5" is not read as "not counted yet",
 * "abc" is not read as 0, "2.5" is not rounded.
 */
export function parseWholeNumber(text: string, rule: WholeNumberRule): NumberParse {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (/^[-\u2212]\s*\d/.test(t)) return { ok: false, problem: `${rule.what} cannot be negative (got ${t})` };
  if (/^\d+[.,]\d+$/.test(t)) return { ok: false, problem: `${rule.what} is whole ${rule.unit} (got ${t})` };
  if (!/^\d+$/.test(t)) return { ok: false, problem: `numbers only: "${t}" is not a number of ${rule.unit}` };
  const value = Number(t);
  const min = rule.min ?? 0;
  if (value < min || (rule.max !== undefined && value > rule.max)) {
    return { ok: false, problem: rule.max !== undefined ? `${rule.what} is from ${min} to ${rule.max} ${rule.unit} (got ${t})` : `${rule.what} is at least ${min} ${rule.unit} (got ${t})` };
  }
  return { ok: true, value };
}

/** The message as it reads under a field: a sentence, capitalised, with its full stop. */
export function asSentence(problem: string): string {
  const s = problem.charAt(0).toUpperCase() + problem.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
